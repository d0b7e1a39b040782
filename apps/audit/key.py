"""The audit chain's key: a secret the database does not hold (issue 18).

Each row's ``hash`` is an HMAC-SHA256 of its canonical form under this key, so a database superuser
who disables the append-only trigger, edits a row and recomputes every hash still fails
``audit_verify``: without the key they cannot compute the right values.

Where it comes from, in order:

* ``AUDIT_KEY`` (or ``AUDIT_KEY_FILE``, a Docker/Kubernetes secret) — required in production;
* the embedded mode and a developer's machine (SQLite, or DEBUG on) create one on first use in the
  var directory (``<ZI_VAR_DIR>/audit.key``, mode 0600) and keep using it;
* otherwise (PostgreSQL with DEBUG off, i.e. production) there is no fallback: writing or verifying
  the trail raises :class:`AuditKeyMissing`, and ``check --deploy`` reports ``zi.E011``.

Keep the key apart from the database backups (a backup restored elsewhere needs the same key to
verify): losing it does not lose data, only the proof.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "audit.key"


class AuditKeyMissing(ImproperlyConfigured):
    """Production without AUDIT_KEY: the trail can be neither written nor verified."""


def key_is_embedded_allowed() -> bool:
    return bool(settings.DEBUG) or str(settings.DATABASES["default"]["ENGINE"]).endswith("sqlite3")


def _var_dir_key() -> bytes:
    path = Path(settings.VAR_DIR) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise AuditKeyMissing(f"{path} is empty; delete it to have a new audit key created")
    return value.encode()


def audit_key() -> bytes:
    configured = str(getattr(settings, "AUDIT_KEY", "") or "")
    if configured:
        return configured.encode()
    if key_is_embedded_allowed():
        return _var_dir_key()
    raise AuditKeyMissing(
        "AUDIT_KEY (or AUDIT_KEY_FILE) is not set: the audit trail is sealed with a key the database "
        "does not hold. Set it to a long random value, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`."
    )


def key_fingerprint(key: bytes | None = None) -> str:
    """A short public name of the key (which key sealed a digest), never the key itself."""
    return hashlib.sha256(b"zi-audit-key-fingerprint:" + (key or audit_key())).hexdigest()[:16]
