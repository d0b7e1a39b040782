"""Writes of the pencanangan: the pact text and threshold, signatures (password, one-time link,
scan), signing links, revocation, the unit's pencanangan and its head's commitment.

Every refusal raises before anything is written (ValidationError for bad input, DomainError for a
rule); writes are audited in the same transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, lock, require
from apps.audit.services import audit_record
from apps.bukti_dukung.models import FileKind
from apps.bukti_dukung.services import bukti_dukung_upload, validate_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.pencanangan.models import (
    PaktaIntegritas,
    PaktaSetting,
    PaktaText,
    Pencanangan,
    PencananganStatus,
    PernyataanKomitmen,
    SigningLink,
    SignMethod,
)
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.rls import all_tenants
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from apps.unit_kerja.selectors import subtree_path
from apps.unit_kerja.validators import same_person_name

if TYPE_CHECKING:
    from apps.accounts.models import User

# -----------------------------------------------------------------------------
# Messages (shown to the user; Bahasa Indonesia through the catalogue)
# -----------------------------------------------------------------------------
ALREADY_SIGNED = _("%(name)s has already signed the Pakta Integritas for %(tahun)s. One signature per year is enough.")
CONSENT_REQUIRED = _("Tick the box to state that you have read and agree to the Pakta Integritas.")
WRONG_PASSWORD = _("The password is not correct.")
NOT_ON_ROSTER = _("Your account is not linked to a pegawai on the roster of this instansi. Ask the unit's operator.")
NOT_YOUR_ROSTER_ENTRY = _(
    "Your account (%(account)s) is linked to the roster entry of %(pegawai)s. A pact is signed only in one's "
    "own name: ask the unit's operator to correct the link."
)
NIP_NOT_ON_ROSTER = _("No active pegawai with NIP %(nip)s is on the roster of your units.")
NIP_MISMATCH = _("The NIP does not match the pegawai this link was made for.")
PEGAWAI_INACTIVE = _("This pegawai is no longer active on the roster.")
LINK_INVALID = _(
    "This signing link is not valid. Check that you opened the whole link, or ask the operator for a new one."
)
LINK_EXPIRED = _("This signing link has expired. Ask the unit's operator for a new one.")
LINK_USED = _("This signing link has already been used. Each link signs once.")
LINK_CANCELLED = _("This signing link was replaced by a newer one. Use the latest link you received.")
SCAN_KIND = _("The scanned pact must be a PDF, PNG or JPEG file.")
TEXT_PLACEHOLDER_UNKNOWN = _(
    "Unknown placeholder {%(name)s}. Use only {nama}, {nip}, {jabatan}, {unit}, {instansi} and {tahun}."
)
TEXT_PLACEHOLDER_BROKEN = _("The text has an unmatched brace. Write placeholders as {nama}.")
TEXT_NEEDS_NAME = _("The text must contain the placeholders {nama} and {nip}, so each signature names its signer.")
TEXT_UNCHANGED = _("The text is unchanged; no new version was made.")
REASON_REQUIRED = _("Give the reason.")
ALREADY_REVOKED = _("This signature is already revoked.")
KOMITMEN_REQUIRED = _("The head of the unit must sign the statement of commitment before the pencanangan is declared.")
KOMITMEN_ALREADY = _("The statement of commitment is already signed.")
NOT_HEAD = _("Only the head of this unit may sign its statement of commitment.")
ALREADY_DECLARED = _("The pencanangan is already declared and can no longer be changed.")
BAD_LINK_URL = _("Line %(line)s is not a web address (it must start with https:// or http://).")
DATE_OUTSIDE_YEAR = _("The date must fall in %(tahun)s.")

PLACEHOLDERS = ("nama", "nip", "jabatan", "unit", "instansi", "tahun")
LINK_TTL = timedelta(days=14)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper

# The default text (default_pakta.txt), in Indonesian: a legal statement has the same words in every
# language setting. Written in the spirit of PermenPAN 49/2011 on Pakta Integritas.
DEFAULT_PAKTA_TEXT = (Path(__file__).parent / "default_pakta.txt").read_text(encoding="utf-8").strip()

KOMITMEN_TEXT = (
    "Saya, {nama}, selaku pimpinan {unit} pada {instansi}, menyatakan komitmen untuk membangun Zona "
    "Integritas menuju Wilayah Bebas dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani pada tahun "
    "{tahun}: melaksanakan enam area perubahan, menjadi teladan bagi seluruh pegawai, dan memastikan "
    "seluruh pegawai menandatangani Pakta Integritas."
)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _require_reach(actor: Membership, unit: UnitKerja) -> None:
    """A unit-narrowed member acts only inside their subtree."""
    if unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise PermissionDeniedError


# -----------------------------------------------------------------------------
# The pact text and the threshold
# -----------------------------------------------------------------------------


def validate_pakta_body(body: str) -> None:
    names: set[str] = set()
    try:
        for _literal, field_name, _spec, _conversion in string.Formatter().parse(body):
            if field_name is None:
                continue
            if field_name not in PLACEHOLDERS:
                raise ValidationError(
                    {"body": ValidationError(TEXT_PLACEHOLDER_UNKNOWN, code="placeholder", params={"name": field_name})}
                )
            names.add(field_name)
    except ValueError as exc:
        raise ValidationError({"body": ValidationError(TEXT_PLACEHOLDER_BROKEN, code="brace")}) from exc
    if not {"nama", "nip"} <= names:
        raise ValidationError({"body": ValidationError(TEXT_NEEDS_NAME, code="placeholder_missing")})


def pakta_text_current(*, instansi: Instansi) -> PaktaText:
    """The latest version; the default text becomes version 1 the first time it is needed."""
    current = PaktaText.objects.filter(instansi=instansi).order_by("-version").first()
    if current is not None:
        return current
    try:
        with transaction.atomic():
            return PaktaText.objects.create(
                instansi=instansi, version=1, body=DEFAULT_PAKTA_TEXT, sha256=sha256_text(DEFAULT_PAKTA_TEXT)
            )
    except IntegrityError:  # a concurrent first use created it
        return PaktaText.objects.get(instansi=instansi, version=1)


@transaction.atomic
def pakta_text_update(*, actor: Membership, body: str, based_on: int | None = None) -> PaktaText:
    """Save the text as a new version; signatures keep pointing at the version they signed.
    ``based_on``: the version the form showed; a newer one saved meanwhile is a ``VersionConflict``."""
    require(actor, Cap.PAKTA_TEXT_MANAGE)
    instansi = actor.instansi
    if instansi is None:  # refused by require already; this narrows the type
        raise PermissionDeniedError
    body = body.replace("\r\n", "\n").strip()
    validate_pakta_body(body)
    # Lock the version we started from: a second admin saving at the same time waits, then reads
    # the version the first one made (a fresh statement under READ COMMITTED) and numbers after it.
    lock(pakta_text_current(instansi=instansi))
    latest = PaktaText.objects.filter(instansi=instansi).order_by("-version").first() or PaktaText(version=0)
    version_check(latest, based_on)
    if latest.body == body:
        raise ValidationError({"body": ValidationError(TEXT_UNCHANGED, code="unchanged")})
    text = PaktaText.objects.create(
        instansi=instansi, version=latest.version + 1, body=body, sha256=sha256_text(body), created_by=actor.user
    )
    audit(
        actor,
        "pakta.text_update",
        text,
        before={"version": latest.version, "sha256": latest.sha256 or None},
        version=text.version,
        sha256=text.sha256,
    )
    return text


def pakta_setting_get(*, instansi: Instansi) -> PaktaSetting:
    setting = PaktaSetting.objects.filter(instansi=instansi).first()
    return setting if setting is not None else PaktaSetting(instansi=instansi)


@transaction.atomic
def pakta_setting_update(*, actor: Membership, threshold_pct: int, version: int | None = None) -> PaktaSetting:
    """``version``: the one the form was built from (0: no setting saved yet)."""
    require(actor, Cap.PAKTA_TEXT_MANAGE)
    setting = PaktaSetting.objects.select_for_update().filter(instansi=actor.instansi).first()
    version_check(setting, version)
    setting = setting or PaktaSetting(instansi=actor.instansi)
    before = setting.threshold_pct
    setting.threshold_pct = threshold_pct
    setting.full_clean(exclude=["instansi", "public_id", "version"])
    save_or_conflict(setting)
    audit(actor, "pakta.threshold", setting, before={"pct": before}, pct=threshold_pct)
    return setting


def pakta_render(*, text: PaktaText, pegawai: Pegawai, cycle: Cycle) -> str:
    """The pact as this pegawai signs it: the version's text with their details filled in."""
    return text.body.format(
        nama=pegawai.name,
        nip=pegawai.nip,
        jabatan=pegawai.position or "-",
        unit=pegawai.unit.name,
        instansi=pegawai.instansi.name,
        tahun=cycle.tahun,
    )


# -----------------------------------------------------------------------------
# Signatures
# -----------------------------------------------------------------------------


def _new_verify_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


def pakta_standing(*, pegawai: Pegawai, cycle: Cycle) -> PaktaIntegritas | None:
    return PaktaIntegritas.objects.filter(
        instansi_id=pegawai.instansi_id, cycle=cycle, pegawai=pegawai, revoked_at__isnull=True
    ).first()


def _already_signed(pegawai: Pegawai, cycle: Cycle) -> ValidationError:
    return ValidationError(ALREADY_SIGNED, code="already_signed", params={"name": pegawai.name, "tahun": cycle.tahun})


def _record_signature(
    *,
    pegawai: Pegawai,
    cycle: Cycle,
    method: str,
    recorded_by: User | None,
    scan: Any = None,
) -> PaktaIntegritas:
    """Insert the signature. The partial unique constraint decides between concurrent submits:
    the loser gets the same polite refusal as a second visit."""
    if not pegawai.is_active:
        raise ValidationError(PEGAWAI_INACTIVE, code="inactive")
    if pakta_standing(pegawai=pegawai, cycle=cycle) is not None:
        raise _already_signed(pegawai, cycle)
    text_version = pakta_text_current(instansi=pegawai.instansi)
    text = pakta_render(text=text_version, pegawai=pegawai, cycle=cycle)
    try:
        with transaction.atomic():
            pakta = PaktaIntegritas.objects.create(
                instansi_id=pegawai.instansi_id,
                cycle=cycle,
                pegawai=pegawai,
                unit=pegawai.unit,
                text_version=text_version,
                text=text,
                text_sha256=sha256_text(text),
                name=pegawai.name,
                nip=pegawai.nip,
                position=pegawai.position,
                method=method,
                signed_at=timezone.now(),
                signed_by=recorded_by,
                scan=scan,
                verify_code=_new_verify_code(),
            )
    except IntegrityError as exc:
        raise _already_signed(pegawai, cycle) from exc
    audit_record(
        actor=recorded_by,
        verb="pakta.sign",
        obj=pakta,
        after={
            "pegawai": str(pegawai.public_id),
            "name": pakta.name,
            "nip": pakta.nip,
            "method": method,
            "sha256": pakta.text_sha256,
        },
    )
    return pakta


def pegawai_of(*, actor: Membership) -> Pegawai | None:
    """The roster entry linked to the actor's account in their instansi, if any."""
    if actor.instansi_id is None:  # a national membership has no roster
        return None
    return (
        Pegawai.objects.filter(instansi_id=actor.instansi_id, user=actor.user, is_active=True)
        .select_related("unit", "instansi")
        .first()
    )


def signer_is_pegawai(*, user: User, pegawai: Pegawai) -> bool:
    """The account signing in the app is the person on the roster entry it is linked to: the link
    itself, and the account's name is the pegawai's (titles aside). A wrongly linked account (the
    demo once linked Dewi's login to Dedi's entry) must not sign a pact naming someone else."""
    return pegawai.user_id == user.pk and (not user.name or same_person_name(user.name, pegawai.name))


def pakta_sign_with_password(*, actor: Membership, cycle: Cycle, password: str, confirm: bool) -> PaktaIntegritas:
    """A pegawai with an account signs their own pact: consent ticked and password confirmed."""
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    pegawai = pegawai_of(actor=actor)
    if pegawai is None:
        raise ValidationError(NOT_ON_ROSTER, code="not_on_roster")
    if not signer_is_pegawai(user=actor.user, pegawai=pegawai):
        raise ValidationError(
            NOT_YOUR_ROSTER_ENTRY,
            code="not_your_entry",
            params={"account": actor.user.name or actor.user.email, "pegawai": pegawai.name},
        )
    if not confirm:
        raise ValidationError({"confirm": ValidationError(CONSENT_REQUIRED, code="required")})
    if not password or not actor.user.check_password(password):
        raise ValidationError({"password": ValidationError(WRONG_PASSWORD, code="wrong_password")})
    return _record_signature(pegawai=pegawai, cycle=cycle, method=SignMethod.PASSWORD, recorded_by=actor.user)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewLink:
    link: SigningLink
    token: str


@transaction.atomic
def signing_link_create(
    *, actor: Membership | None, pegawai: Pegawai, cycle: Cycle, token: str | None = None
) -> NewLink:
    """A personal one-time link for the pegawai (the token is returned once, only its hash kept).
    Earlier unused links of the same pegawai and year are cancelled. ``actor`` None: the system
    (a reminder task) makes it, with the token it can derive again (``request_link_token``)."""
    if actor is not None:
        require(actor, Cap.PENCANANGAN_MANAGE)
        _require_reach(actor, pegawai.unit)
    if cycle.instansi_id != pegawai.instansi_id:
        raise PermissionDeniedError
    if not pegawai.is_active:
        raise ValidationError(PEGAWAI_INACTIVE, code="inactive")
    if pakta_standing(pegawai=pegawai, cycle=cycle) is not None:
        raise _already_signed(pegawai, cycle)
    now = timezone.now()
    SigningLink.objects.filter(
        instansi_id=pegawai.instansi_id, cycle=cycle, pegawai=pegawai, used_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
    token = token or secrets.token_urlsafe(32)
    link = SigningLink.objects.create(
        instansi_id=pegawai.instansi_id,
        cycle=cycle,
        pegawai=pegawai,
        token_sha256=_token_hash(token),
        expires_at=now + LINK_TTL,
        created_by=actor.user if actor is not None else None,
    )
    if actor is not None:
        audit(actor, "pakta.link_create", link, pegawai=str(pegawai.public_id))
    return NewLink(link=link, token=token)


class LinkRefused(DomainError):
    code = "link_invalid"
    default_message = LINK_INVALID


def signing_link_resolve(token: str, *, for_update: bool = False) -> SigningLink:
    """The link a token opens, checked. Public entry point: the token is the only credential, so
    the lookup is by its hash across instansi (``unscoped``, greppable)."""
    if not token or len(token) > 100:
        raise LinkRefused(LINK_INVALID, code="link_invalid")
    links = SigningLink.unscoped.select_related("pegawai", "pegawai__unit", "pegawai__instansi", "cycle")
    if for_update:
        links = links.select_for_update(of=("self",))

    with all_tenants("a public signing link establishes the instansi"):
        link = links.filter(token_sha256=_token_hash(token)).first()
    if link is None:
        raise LinkRefused(LINK_INVALID, code="link_invalid")
    if link.used_at is not None:
        raise LinkRefused(LINK_USED, code="link_used")
    if link.cancelled_at is not None:
        raise LinkRefused(LINK_CANCELLED, code="link_cancelled")
    if link.expires_at <= timezone.now():
        raise LinkRefused(LINK_EXPIRED, code="link_expired")
    return link


def pakta_sign_with_link(*, token: str, nip: str, confirm: bool) -> PaktaIntegritas:
    """A pegawai without an account signs through their link, confirming their NIP. The link is
    locked and marked used in the same transaction as the signature: a double submit signs once."""
    with transaction.atomic():
        link = signing_link_resolve(token, for_update=True)
        with scope(link.instansi_id):
            if not confirm:
                raise ValidationError({"confirm": ValidationError(CONSENT_REQUIRED, code="required")})
            if "".join(nip.split()) != link.pegawai.nip:
                raise ValidationError({"nip": ValidationError(NIP_MISMATCH, code="nip_mismatch")})
            pakta = _record_signature(pegawai=link.pegawai, cycle=link.cycle, method=SignMethod.LINK, recorded_by=None)
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
            return pakta


SCAN_KINDS = frozenset({FileKind.PDF, FileKind.PNG, FileKind.JPEG})


@transaction.atomic
def pakta_scan_upload(*, actor: Membership, cycle: Cycle, nip: str, file: UploadedFile[bytes]) -> PaktaIntegritas:
    """The paper fallback: the operator uploads a pegawai's scanned, signed pact (marked as scanned)."""
    require(actor, Cap.PENCANANGAN_MANAGE)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    nip = "".join((nip or "").split())
    pegawai = (
        Pegawai.objects.filter(instansi_id=actor.instansi_id, nip=nip, is_active=True)
        .select_related("unit", "instansi")
        .first()
    )
    prefix = subtree_path(actor)
    if pegawai is None or (prefix is not None and not pegawai.unit.path.startswith(prefix)):
        raise ValidationError({"nip": ValidationError(NIP_NOT_ON_ROSTER, code="nip_unknown", params={"nip": nip})})
    kind, _sha, _size = validate_upload(file, actor=actor)
    if kind not in SCAN_KINDS:
        raise ValidationError({"file": ValidationError(SCAN_KIND, code="file_type")})
    if pakta_standing(pegawai=pegawai, cycle=cycle) is not None:
        raise _already_signed(pegawai, cycle)
    scan = bukti_dukung_upload(actor=actor, file=file, description=f"Pakta Integritas {pegawai.nip} {cycle.tahun}")
    return _record_signature(pegawai=pegawai, cycle=cycle, method=SignMethod.SCAN, recorded_by=actor.user, scan=scan)


@transaction.atomic
def pakta_revoke(*, actor: Membership, pakta: PaktaIntegritas, reason: str) -> PaktaIntegritas:
    """Mark a signature as no longer standing (signed by mistake, a wrong scan). Kept as history;
    the pegawai may sign again."""
    require(actor, Cap.PENCANANGAN_MANAGE)
    _require_reach(actor, pakta.unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    write = guarded(actor, pakta)
    pakta = write.row
    if pakta.revoked_at is not None:
        raise TransitionNotAllowed(ALREADY_REVOKED)
    pakta.revoked_at = timezone.now()
    pakta.revoked_reason = reason[:255]
    pakta.save(update_fields=["revoked_at", "revoked_reason"])
    write.audit("pakta.revoke", before={"stands": True}, stands=False, reason=pakta.revoked_reason)
    return pakta


# -----------------------------------------------------------------------------
# Pencanangan and the statement of commitment
# -----------------------------------------------------------------------------


def _clean_links(raw: str) -> str:
    lines = [line.strip() for line in (raw or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if line and (not line.startswith(("https://", "http://")) or " " in line):
            raise ValidationError(
                {"publication_links": ValidationError(BAD_LINK_URL, code="bad_url", params={"line": number})}
            )
    return "\n".join(line for line in lines if line)


@transaction.atomic
def pencanangan_save(
    *,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    data: dict[str, Any],
    documents: list[UploadedFile[bytes]] | None = None,
    version: int | None = None,
) -> Pencanangan:
    """Create or update the unit's pencanangan for the year (draft only). New documents are added
    to the evidence store and attached. ``version`` is the one the form was built from (0: none
    existed); a record saved by someone else meanwhile is a ``VersionConflict`` and nothing changes."""
    require(actor, Cap.PENCANANGAN_MANAGE)
    _require_reach(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if data["date"].year != cycle.tahun:
        raise ValidationError(
            {"date": ValidationError(DATE_OUTSIDE_YEAR, code="date_year", params={"tahun": cycle.tahun})}
        )
    links = _clean_links(data.get("publication_links", ""))
    for file in documents or []:
        validate_upload(file, actor=actor)  # every file checked before anything is stored
    pencanangan = (
        Pencanangan.objects.select_for_update().filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).first()
    )
    if pencanangan is not None and pencanangan.status == PencananganStatus.DECLARED:
        raise TransitionNotAllowed(ALREADY_DECLARED)
    version_check(pencanangan, version)
    before = _audited(pencanangan) if pencanangan is not None else None
    if pencanangan is None:
        pencanangan = Pencanangan(instansi_id=actor.instansi_id, cycle=cycle, unit=unit)
    pencanangan.date = data["date"]
    pencanangan.place = data["place"]
    pencanangan.form = data["form"]
    pencanangan.witnesses = data.get("witnesses", "")
    pencanangan.publication_links = links
    save_or_conflict(pencanangan)
    for file in documents or []:
        pencanangan.documents.add(
            bukti_dukung_upload(actor=actor, file=file, description=f"Pencanangan ZI {unit.name} {cycle.tahun}")
        )
    audit(actor, "pencanangan.save", pencanangan, before=before, **_audited(pencanangan))
    return pencanangan


def _audited(pencanangan: Pencanangan) -> dict[str, Any]:
    """What the audit row of a save keeps, before and after."""
    return {
        "date": str(pencanangan.date),
        "place": pencanangan.place,
        "form": pencanangan.form,
        "version": pencanangan.version,
    }


def komitmen_text(*, pencanangan: Pencanangan, signer: User) -> str:
    return KOMITMEN_TEXT.format(
        nama=signer.name or signer.email,
        unit=pencanangan.unit.name,
        instansi=pencanangan.instansi.name,
        tahun=pencanangan.cycle.tahun,
    )


@transaction.atomic
def komitmen_sign(*, actor: Membership, pencanangan: Pencanangan, password: str, confirm: bool) -> PernyataanKomitmen:
    """The head of the unit signs the statement of commitment with their password."""
    require(actor, Cap.PENCANANGAN_DECLARE)
    _require_reach(actor, pencanangan.unit)
    head = pencanangan.unit.head
    if actor.unit_id != pencanangan.unit_id and (head is None or head.user_id != actor.user_id):
        raise PermissionDeniedError(NOT_HEAD)
    if not confirm:
        raise ValidationError({"confirm": ValidationError(CONSENT_REQUIRED, code="required")})
    if not password or not actor.user.check_password(password):
        raise ValidationError({"password": ValidationError(WRONG_PASSWORD, code="wrong_password")})
    pencanangan = lock(pencanangan, related=("unit", "cycle", "instansi"))
    if PernyataanKomitmen.objects.filter(instansi_id=pencanangan.instansi_id, pencanangan=pencanangan).exists():
        raise TransitionNotAllowed(KOMITMEN_ALREADY)
    text = komitmen_text(pencanangan=pencanangan, signer=actor.user)
    komitmen = PernyataanKomitmen.objects.create(
        instansi_id=pencanangan.instansi_id,
        pencanangan=pencanangan,
        text=text,
        sha256=sha256_text(text),
        signed_by=actor.user,
        signed_at=timezone.now(),
    )
    audit(actor, "pencanangan.komitmen_sign", komitmen, sha256=komitmen.sha256)
    return komitmen


@transaction.atomic
def pencanangan_declare(*, actor: Membership, pencanangan: Pencanangan) -> Pencanangan:
    """Draft → declared, once the head's commitment is signed."""
    require(actor, Cap.PENCANANGAN_DECLARE)
    _require_reach(actor, pencanangan.unit)
    write = guarded(actor, pencanangan, fields=("status",))
    pencanangan = write.row
    if pencanangan.status == PencananganStatus.DECLARED:
        raise TransitionNotAllowed(ALREADY_DECLARED)
    if not PernyataanKomitmen.objects.filter(instansi_id=pencanangan.instansi_id, pencanangan=pencanangan).exists():
        raise TransitionNotAllowed(KOMITMEN_REQUIRED)
    pencanangan.status = PencananganStatus.DECLARED
    pencanangan.declared_at = timezone.now()
    pencanangan.save(update_fields=["status", "declared_at", "updated_at"])
    write.audit("pencanangan.declare")
    return pencanangan
