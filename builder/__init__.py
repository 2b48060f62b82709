"""cheatdeck: LPI-format study guides to Anki decks, cheat sheets and a JSON model."""

__version__ = "0.1.0"
