"""The Indonesian catalogue is complete and compiled: ZI is Indonesian first, with English msgids.

Every live msgid in ``locale/id/LC_MESSAGES/django.po`` has a non-empty, non-fuzzy translation that
keeps the msgid's placeholders, and the committed ``django.mo`` (what ``make run`` serves without
gettext installed) holds exactly those translations. Regenerate with ``make messages``.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field

import pytest

from tests.ops.helpers import ROOT

CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
HOW_TO = "Create it with `make messages` (makemessages -l id, then compilemessages) and translate every entry."

# %(name)s, %s, %d … and {name} / {0}: a translation that drops or renames one crashes or lies at runtime.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"django.po:{self.line}: {context}{self.msgid!r}"


def parse_po(text: str) -> list[Entry]:
    """A small PO reader: enough for Django's catalogues (contexts, plurals, flags, continuations).

    Obsolete entries (``#~``) are skipped, as gettext does.
    """
    entries: list[Entry] = []
    current = Entry()
    field_name: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal current, started
        if started:
            entries.append(current)
        current, started = Entry(), False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            field_name = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if started and current.msgstr:
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            keyword, rest = "", line
        if keyword in {"msgctxt", "msgid"} and started and (current.msgstr or keyword == "msgctxt"):
            finish()  # a new entry without a blank line before it
        value = ast.literal_eval(rest) if rest else ""
        if keyword == "msgctxt":
            started, current.line = True, number
            current.msgctxt, field_name = value, ("msgctxt", 0)
        elif keyword == "msgid":
            if not started:
                started, current.line = True, number
            current.msgid, field_name = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, field_name = value, ("msgid_plural", 0)
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index], field_name = value, ("msgstr", index)
        elif keyword == "" and field_name is not None:
            name, index = field_name
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
        else:
            raise AssertionError(f"django.po:{number}: cannot read {raw!r}")
    finish()
    return entries


def test_the_po_reader_reads_contexts_plurals_flags_and_obsolete_entries() -> None:
    sample = """msgid ""
msgstr ""
"Plural-Forms: nplurals=1; plural=0;\\n"

#: apps/x.py:1
msgctxt "menu"
msgid "File"
msgstr "Berkas"

#, fuzzy, python-format
msgid "Hello %(name)s"
msgstr "Halo %(name)s"

msgid "One item"
msgid_plural "%(count)s items"
msgstr[0] ""
"%(count)s butir"

#~ msgid "Old"
#~ msgstr "Lama"
"""
    entries = parse_po(sample)
    assert [e.msgid for e in entries] == ["", "File", "Hello %(name)s", "One item"]
    assert entries[1].msgctxt == "menu"
    assert "fuzzy" in entries[2].flags
    assert entries[3].msgid_plural == "%(count)s items"
    assert entries[3].msgstr == {0: "%(count)s butir"}


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"The Indonesian catalogue {PO.relative_to(ROOT)} is missing. {HOW_TO}"
    found = [entry for entry in parse_po(PO.read_text(encoding="utf-8")) if entry.msgid != ""]
    assert found, f"{PO.relative_to(ROOT)} has no entries. {HOW_TO}"
    return found


def test_every_msgid_is_translated(entries: list[Entry]) -> None:
    untranslated = [e.label for e in entries if not e.msgstr or any(not s.strip() for s in e.msgstr.values())]
    assert not untranslated, f"{len(untranslated)} entries have no Indonesian text:\n" + "\n".join(untranslated[:50])


def test_no_translation_is_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (check them, then drop the flag):\n" + "\n".join(fuzzy[:50])


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def test_translations_keep_the_placeholders(entries: list[Entry]) -> None:
    broken = []
    for entry in entries:
        if entry.msgid_plural is None:
            if placeholders(entry.msgstr.get(0, "")) != placeholders(entry.msgid):
                broken.append(f"{entry.label} → {entry.msgstr.get(0)!r}")
            continue
        # Plural forms may drop %(count)s (Indonesian often does), but never invent or rename one.
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        invented = [text for text in entry.msgstr.values() if set(placeholders(text)) - allowed]
        broken.extend(f"{entry.label} → {text!r}" for text in invented)
    assert not broken, "Translations whose placeholders differ from the msgid:\n" + "\n".join(broken)


def test_the_compiled_catalogue_holds_every_translation(entries: list[Entry]) -> None:
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `make messages` and commit the .mo."
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(key) != entry.msgstr.get(0):
                stale.append(entry.label)
        elif catalog.get((key, 0)) != entry.msgstr.get(0):
            stale.append(entry.label)
    assert not stale, f"django.mo is older than django.po ({len(stale)} entries); run `make messages`:\n" + "\n".join(
        stale[:50]
    )


def test_the_catalogue_declares_its_plural_forms() -> None:
    """Without Plural-Forms, gettext falls back to English plural rules for ngettext."""
    assert PO.exists(), f"The Indonesian catalogue {PO.relative_to(ROOT)} is missing. {HOW_TO}"
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Plural-Forms: nplurals=" in header
