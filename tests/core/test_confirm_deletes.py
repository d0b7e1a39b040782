"""Every delete or remove button asks first (issue 21): ``data-confirm`` (static/js/zi.js)."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Detaching a file from an LKE answer destroys nothing (the file stays in the evidence store and can
# be picked again at once), so it does not ask; that button is built in apps/penilaian/item_html.py.
NOT_DESTRUCTIVE: set[Path] = set()
BUTTON = re.compile(r"<button[^>]*>\s*\{% translate \"(?:Delete|Remove)\" %\}\s*</button>")


def test_every_delete_button_asks_first() -> None:
    buttons = [
        (path.relative_to(TEMPLATES), match.group(0))
        for path in TEMPLATES.rglob("*.html")
        if path.relative_to(TEMPLATES) not in NOT_DESTRUCTIVE
        for match in BUTTON.finditer(path.read_text())
    ]
    assert len(buttons) >= 6
    assert [(path, button) for path, button in buttons if "data-confirm=" not in button] == []
