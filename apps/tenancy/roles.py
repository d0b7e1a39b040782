"""Roles are bundles of capabilities. Code checks capabilities, never role names (DESIGN §5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN_ZI = "admin_zi", _("ZI administrator")
    PIMPINAN_INSTANSI = "pimpinan_instansi", _("Head of instansi")
    PIMPINAN_UNIT = "pimpinan_unit", _("Head of unit")
    TIM_KERJA = "tim_kerja", _("Tim kerja / unit operator")
    PEGAWAI = "pegawai", _("Pegawai")
    TPI = "tpi", _("TPI reviewer (Inspektorat)")
    VIEWER = "viewer", _("Read-only")
    KEMENPANRB_ADMIN = "kemenpanrb_admin", _("KemenPANRB administrator")
    TPN_EVALUATOR = "tpn_evaluator", _("TPN evaluator")


class Cap:
    """Capability names. One constant per capability so a typo is an AttributeError."""

    # instansi administration
    PEOPLE_MANAGE = "people.manage"
    UNIT_VIEW = "unit.view"
    UNIT_MANAGE = "unit.manage"
    PEGAWAI_VIEW = "pegawai.view"
    PEGAWAI_MANAGE = "pegawai.manage"
    CYCLE_MANAGE = "cycle.manage"
    PENETAPAN_VIEW = "penetapan.view"
    PENETAPAN_MANAGE = "penetapan.manage"
    BUKTI_UPLOAD = "bukti.upload"
    AUDIT_VIEW = "audit.view"
    REPORT_CREATE = "report.create"
    # LKE assessment
    PENILAIAN_VIEW = "penilaian.view"
    PENILAIAN_FILL = "penilaian.fill"
    PENILAIAN_MANAGE = "penilaian.manage"
    PENILAIAN_REVIEW = "penilaian.review"
    # pengusulan (proposal to KemenPANRB)
    PENGUSULAN_VIEW = "pengusulan.view"
    PENGUSULAN_MANAGE = "pengusulan.manage"
    PENGUSULAN_SUBMIT = "pengusulan.submit"
    # PortalRB provider API (token, preview, fetch log)
    PORTALRB_MANAGE = "portalrb.manage"
    # national
    NATIONAL_VIEW = "national.view"
    TPN_EVALUATE = "tpn.evaluate"  # administrative selection, sanggahan, desk and field evaluation
    TPN_DECIDE = "tpn.decide"  # penetapan of the predikat and its revocation
    # pencanangan and pakta integritas
    PENCANANGAN_VIEW = "pencanangan.view"  # coverage, signature lists, exports
    PENCANANGAN_MANAGE = "pencanangan.manage"  # the unit's pencanangan, signing links, scans, reminders
    PENCANANGAN_DECLARE = "pencanangan.declare"  # the head's commitment and the declaration
    PAKTA_TEXT_MANAGE = "pakta.text_manage"  # the instansi's pact text and coverage threshold
    # survei (the unit's own SPKP/SPAK surveys)
    SURVEI_VIEW = "survei.view"
    SURVEI_MANAGE = "survei.manage"
    # rencana aksi (apps.rencana_aksi)
    RENCANA_AKSI_VIEW = "rencana_aksi.view"
    RENCANA_AKSI_EDIT = "rencana_aksi.edit"  # build the plan, report realisasi
    RENCANA_AKSI_APPROVE = "rencana_aksi.approve"  # approve the unit's plan, verify realisasi
    RENCANA_AKSI_MONITOR = "rencana_aksi.monitor"  # instansi-wide heatmap, export, monthly summary
    # pendampingan (apps.pendampingan): diagnosis, tim kerja ZI, TPI consultation and asistensi
    PENDAMPINGAN_VIEW = "pendampingan.view"
    PENDAMPINGAN_EDIT = "pendampingan.edit"  # the unit's diagnosis, tim kerja, questions to the TPI
    PENDAMPINGAN_TPI = "pendampingan.tpi"  # answer the units, record asistensi, ask TPN


_READ = {
    Cap.UNIT_VIEW,
    Cap.PEGAWAI_VIEW,
    Cap.PENETAPAN_VIEW,
    Cap.PENILAIAN_VIEW,
    Cap.PENCANANGAN_VIEW,
    Cap.SURVEI_VIEW,
    Cap.RENCANA_AKSI_VIEW,
    Cap.PENDAMPINGAN_VIEW,
}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN_ZI: frozenset(
        _READ
        | {
            Cap.PEOPLE_MANAGE,
            Cap.UNIT_MANAGE,
            Cap.PEGAWAI_MANAGE,
            Cap.CYCLE_MANAGE,
            Cap.PENETAPAN_MANAGE,
            Cap.BUKTI_UPLOAD,
            Cap.AUDIT_VIEW,
            Cap.REPORT_CREATE,
            Cap.PENILAIAN_MANAGE,
            Cap.PENGUSULAN_VIEW,
            Cap.PENGUSULAN_MANAGE,
            Cap.PORTALRB_MANAGE,
            Cap.PENCANANGAN_MANAGE,
            Cap.PAKTA_TEXT_MANAGE,
            Cap.SURVEI_MANAGE,
            Cap.RENCANA_AKSI_MONITOR,
        }
    ),
    Role.PIMPINAN_INSTANSI: frozenset(
        _READ
        | {
            Cap.PENETAPAN_MANAGE,
            Cap.BUKTI_UPLOAD,
            Cap.AUDIT_VIEW,
            Cap.REPORT_CREATE,
            Cap.PENGUSULAN_VIEW,
            Cap.PENGUSULAN_SUBMIT,
            Cap.RENCANA_AKSI_MONITOR,
        }
    ),
    Role.PIMPINAN_UNIT: frozenset(
        _READ
        | {
            Cap.REPORT_CREATE,
            Cap.BUKTI_UPLOAD,
            Cap.PENILAIAN_FILL,
            Cap.PENCANANGAN_MANAGE,
            Cap.PENCANANGAN_DECLARE,
            Cap.SURVEI_MANAGE,
            Cap.RENCANA_AKSI_EDIT,
            Cap.RENCANA_AKSI_APPROVE,
            Cap.PENDAMPINGAN_EDIT,
        }
    ),
    Role.TIM_KERJA: frozenset(
        _READ
        | {
            Cap.PEGAWAI_MANAGE,
            Cap.BUKTI_UPLOAD,
            Cap.REPORT_CREATE,
            Cap.PENILAIAN_FILL,
            Cap.PENCANANGAN_MANAGE,
            Cap.SURVEI_MANAGE,
            Cap.RENCANA_AKSI_EDIT,
            Cap.PENDAMPINGAN_EDIT,
        }
    ),
    Role.PEGAWAI: frozenset({Cap.UNIT_VIEW}),
    Role.TPI: frozenset(
        _READ
        | {Cap.AUDIT_VIEW, Cap.REPORT_CREATE, Cap.PENILAIAN_REVIEW, Cap.RENCANA_AKSI_MONITOR, Cap.PENDAMPINGAN_TPI}
    ),
    Role.VIEWER: frozenset(_READ),
    Role.KEMENPANRB_ADMIN: frozenset({Cap.NATIONAL_VIEW, Cap.TPN_EVALUATE, Cap.TPN_DECIDE}),
    Role.TPN_EVALUATOR: frozenset({Cap.NATIONAL_VIEW, Cap.TPN_EVALUATE}),
}

NATIONAL_ROLES = frozenset({Role.KEMENPANRB_ADMIN, Role.TPN_EVALUATOR})

# Roles whose members cannot reach any page before enrolling a second factor (DESIGN §5).
MFA_REQUIRED_ROLES = frozenset(
    {
        Role.ADMIN_ZI,
        Role.PIMPINAN_INSTANSI,
        Role.PIMPINAN_UNIT,
        Role.TPI,
        Role.KEMENPANRB_ADMIN,
        Role.TPN_EVALUATOR,
    }
)

# Roles that are narrowed to one unit subtree when the membership names a unit.
UNIT_ROLES = frozenset({Role.PIMPINAN_UNIT, Role.TIM_KERJA, Role.PEGAWAI})


def capabilities_for(role: str) -> frozenset[str]:
    return ROLE_CAPABILITIES.get(role, frozenset())
