"""Anki decks from the model: note types, notes, the identity ledger and packaging."""
