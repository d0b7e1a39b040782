"""The daily head digest: each instansi chain's length and head, sealed with the audit key and
exported where the database cannot rewrite it (issue 18).

The chain alone cannot show rows cut off its *end* (a shorter chain still verifies). The digest
records every head once a day in two places outside the database:

* a JSON file in ``ZI_AUDIT_DIGEST_DIR`` (default ``MEDIA_ROOT/audit-digests``, so every backup's
  media archive carries the whole series), written once per day and never rewritten;
* an email to ``ZI_AUDIT_DIGEST_EMAILS`` (the platform's administrators).

The document carries its own HMAC (``mac``) under the audit key, so a forged digest is recognised
too. ``manage.py audit_verify --digest FILE`` checks that every recorded head is still in its chain
at the recorded position.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from apps.audit.key import audit_key, key_fingerprint
from apps.audit.models import AuditEvent
from apps.audit.verify import ChainBreak, verify_all
from apps.tenancy.models import Instansi


def digest_dir() -> Path:
    configured = str(getattr(settings, "ZI_AUDIT_DIGEST_DIR", "") or "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "audit-digests"


def _mac(document: dict[str, Any], key: bytes) -> str:
    body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, b"zi-audit-digest:" + body, hashlib.sha256).hexdigest()


def digest_build(*, day: datetime.date | None = None) -> dict[str, Any]:
    """Walk every chain (verifying it) and seal the heads. A broken chain is recorded as broken."""
    key = audit_key()
    codes = dict(Instansi.objects.values_list("pk", "code"))
    chains = []
    for result in verify_all():
        code = codes.get(result.instansi_id, str(result.instansi_id))
        if isinstance(result, ChainBreak):
            chains.append({"instansi": code, "broken_at_seq": result.seq, "reason": result.reason})
        else:
            chains.append({"instansi": code, "rows": result.length, "head": result.head_hash})
    document: dict[str, Any] = {
        "day": (day or timezone.localdate()).isoformat(),
        "generated_at": timezone.now().isoformat(),
        "key": key_fingerprint(key),
        "chains": sorted(chains, key=lambda chain: chain["instansi"]),
    }
    document["mac"] = _mac(document, key)
    return document


def digest_is_authentic(document: dict[str, Any]) -> bool:
    body = {name: value for name, value in document.items() if name != "mac"}
    return hmac.compare_digest(_mac(body, audit_key()), str(document.get("mac", "")))


def digest_export(*, day: datetime.date | None = None) -> Path:
    """Write today's digest file (once: an existing file of the day is kept) and mail it."""
    document = digest_build(day=day)
    folder = digest_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-heads-{document['day']}.json"
    text = json.dumps(document, indent=2, sort_keys=True) + "\n"
    try:
        with path.open("x", encoding="utf-8") as handle:  # never overwrite a recorded day
            handle.write(text)
    except FileExistsError:
        return path
    recipients = list(getattr(settings, "ZI_AUDIT_DIGEST_EMAILS", []) or [])
    if recipients:
        EmailMessage(
            subject=f"[ZI] Audit trail heads {document['day']}",
            body="Keep this message: it records the head of every audit chain of ZI on this day.\n"
            "`manage.py audit_verify --digest <file>` checks a database against it.\n\n" + text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        ).send()
    return path


def digest_check(document: dict[str, Any]) -> list[str]:
    """Problems of the current database against a recorded digest (empty: it still holds)."""
    if not digest_is_authentic(document):
        return ["the digest's seal does not verify (forged, or another audit key)"]
    problems = []
    ids = dict(Instansi.objects.values_list("code", "pk"))
    for chain in document.get("chains", []):
        if "head" not in chain:
            continue
        instansi_id = ids.get(chain["instansi"])
        rows = AuditEvent.unscoped.filter(instansi_id=instansi_id, seq=chain["rows"])
        row = rows.values_list("hash", flat=True).first() if instansi_id is not None else None
        if row != chain["head"]:
            problems.append(
                f"instansi={chain['instansi']}: the recorded head (row {chain['rows']}) is no longer in the chain"
            )
    return problems
