"""Evidence store: immutable uploads that every later stage attaches (DESIGN §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


def bukti_upload_path(instance: BuktiDukung, filename: str) -> str:
    """A generated name under the instansi's folder; the uploaded name is kept only as metadata."""
    return f"instansi/{instance.instansi_id}/bukti/{instance.public_id.hex}{instance.extension}"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    XLSX = "xlsx", "XLSX"
    DOCX = "docx", "DOCX"


FILE_KIND_EXTENSION = {
    FileKind.PDF: ".pdf",
    FileKind.PNG: ".png",
    FileKind.JPEG: ".jpg",
    FileKind.XLSX: ".xlsx",
    FileKind.DOCX: ".docx",
}
FILE_KIND_CONTENT_TYPE = {
    FileKind.PDF: "application/pdf",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class BuktiDukung(TenantModel):
    """Bukti dukung — one uploaded evidence file. Immutable: a correction is a new row that
    ``replaces`` the old one, so what a reviewer saw is never changed under them.

    The type is detected from the content (never the name or the browser's claim); the SHA-256
    lets anyone check the file later.
    """

    file = models.FileField(_("file"), upload_to=bukti_upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("bukti dukung")
        verbose_name_plural = _("bukti dukung")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return FILE_KIND_EXTENSION.get(self.kind, "")

    @property
    def content_type(self) -> str:
        return FILE_KIND_CONTENT_TYPE.get(self.kind, "application/octet-stream")

    @property
    def can_preview(self) -> bool:
        return self.kind in {FileKind.PDF, FileKind.PNG, FileKind.JPEG}
