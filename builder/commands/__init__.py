"""The subcommands, each imported only when it runs (builder/cli.py loads them lazily)."""
