"""The audit trail speaks in human words, in both languages (issue 21)."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.services import membership_invite
from apps.audit.verbs import VERB_LABELS, verb_label
from apps.tenancy.roles import Role
from tests.conftest import World

APPS = Path(__file__).resolve().parents[2] / "apps"
# A verb as the services write it: audit_record(verb="x.y"), or the
# guarded write's audit(actor, "x.y", …) and write.audit("x.y", …) (apps/audit/guarded.py).
WRITTEN = re.compile(r'(?:verb=|audit\(\s*(?:[\w.]+,\s*)?)"([a-z_]+\.[a-z_]+)"')


def test_every_verb_the_code_writes_has_words() -> None:
    written = {verb for path in APPS.rglob("*.py") for verb in WRITTEN.findall(path.read_text())}
    assert len(written) > 80
    assert written - set(VERB_LABELS) == set()


def test_each_label_is_indonesian_by_default_and_english_on_request() -> None:
    with translation.override("id"):
        assert verb_label("membership.invite") == "Mengundang pengguna"
        assert verb_label("pakta.sign") == "Menandatangani Pakta Integritas"
        indonesian = {verb: str(label) for verb, label in VERB_LABELS.items()}
    with translation.override("en"):
        assert verb_label("membership.invite") == "Invited a person"
        english = {verb: str(label) for verb, label in VERB_LABELS.items()}
    assert {verb for verb in VERB_LABELS if indonesian[verb] == english[verb]} == set()
    assert verb_label("something.new") == "something.new"  # an unknown verb still shows


def test_the_audit_page_shows_words_not_codes(world: World, login) -> None:
    membership_invite(
        actor=world.membership(world.citra),
        email="baru@alfa.go.id",
        name="Pegawai Baru",
        role=Role.VIEWER,
    )
    client: Client = login(world.citra)
    page = client.get(reverse("audit:event-list")).content.decode()
    assert 'data-verb="membership.invite">Mengundang pengguna<' in page
    assert "<code>membership.invite</code>" not in page
    client.cookies["zi_language"] = "en"
    assert 'data-verb="membership.invite">Invited a person<' in client.get(reverse("audit:event-list")).content.decode()
