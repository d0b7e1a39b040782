"""The in-process checks prove the embedded mode (tasks run inside the request, SQLite); they are
collected only by the embedded run of ``make test`` (``zi.settings.test_embedded``). The demo walk
runs in both configurations."""

from __future__ import annotations

import os

collect_ignore = (
    [] if os.environ.get("DJANGO_SETTINGS_MODULE") == "zi.settings.test_embedded" else ["test_in_process.py"]
)
