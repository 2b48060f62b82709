"""Debian's Chromium, driven through playwright (never `playwright install`): where it is and how
the tests start it. The `browser` fixture in conftest.py is the one place that launches it."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
