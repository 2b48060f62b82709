"""`python -m builder` runs the cheatdeck command line."""

from builder.cli import main

if __name__ == "__main__":
    main()
