"""python manage.py workflow_diagrams [--write] [--readme PATH] — the transition tables as Mermaid
state diagrams with their rows (apps.core.workflow). Without --write it prints the block; with it,
the block between the WORKFLOWS markers of the README is replaced (or appended to "## Design")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.core.workflow import README_BEGIN, README_END, readme_block


class Command(BaseCommand):
    help = "Generate the Mermaid diagrams of the workflow transition tables (into the README with --write)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", action="store_true", help="Replace the block in the README.")
        parser.add_argument("--readme", default=str(Path(settings.BASE_DIR) / "README.md"))

    def handle(self, *args: Any, **options: Any) -> None:
        block = readme_block()
        if not options["write"]:
            self.stdout.write(block)
            return
        path = Path(options["readme"])
        text = path.read_text(encoding="utf-8")
        if README_BEGIN in text and README_END in text:
            head, rest = text.split(README_BEGIN, 1)
            _old, tail = rest.split(README_END, 1)
            text = head + block + tail
        else:
            section = "\n### Workflows (transition tables)\n\n" + block + "\n"
            text = text.rstrip("\n") + "\n" + section
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Workflow diagrams written to {path}."))
