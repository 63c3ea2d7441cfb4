"""Pathway summaries and competence certificates printed for a client."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import PrintedFile
from pathways.models.records import CompetenceCertificate


class DocumentKind(models.TextChoices):
    PATHWAY_SUMMARY = "pathway_summary", _("Palvelupolun yhteenveto")
    COMPETENCE_CERTIFICATE = "competence_certificate", _("Osaamistodistus")


class PrintedDocument(PrintedFile):
    """A pathway summary or a competence certificate printed for a client: what was asked
    (kind, sections) and, as every print, its template version, file and checksum."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="printed_documents"
    )
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    sections = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    certificate = models.ForeignKey(
        CompetenceCertificate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )

    class Meta(PrintedFile.Meta):
        verbose_name = _("tuloste")
        verbose_name_plural = _("tulosteet")
        constraints = [
            PrintedFile.ready_has_file("document_ready_has_file"),
            PrintedFile.language_printed("document_language_printed"),
            models.CheckConstraint(
                condition=~Q(kind="competence_certificate") | Q(certificate__isnull=False),
                name="document_certificate_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.requested_at):%-d.%-m.%Y}"
