"""Printable cheat sheets: model → template context → HTML → PDF, with a cache and a worker pool."""
