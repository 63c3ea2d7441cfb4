"""The append-only access log and disclosure log (Act 703/2023 on client data), and the
log reports printed from them.

Log rows are written by actions and views, never changed: PostgreSQL triggers
(audit.append_only, installed by migration 0004) refuse every UPDATE and TRUNCATE,
and a DELETE of a row younger than the retention floor. Client and object ids are
plain values, not foreign keys, so a log row outlives the record it concerns and
audit imports no domain app.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.querysets import AccessLogQuerySet, DisclosureLogQuerySet


class Basis(models.TextChoices):
    CARE_TEAM = "care_team", _("Omatiimin jäsenyys")
    MANAGER = "manager", _("Vastuuyksikön esihenkilö")
    BREAK_THE_GLASS = "break_the_glass", _("Murtautuminen perustellusta syystä")
    CONSENT = "consent", _("Asiakkaan suostumus")
    STATUTE = "statute", _("Lakiin perustuva oikeus")
    REGISTRATION = "registration", _("Asiakkuuden avaaminen")
    CONSULTATION = "consultation", _("Konsultaation osallistuja")
    DATA_PROTECTION = "data_protection", _("Tietosuojavastaavan valvonta")
    CLIENT_REQUEST = "client_request", _("Asiakkaan pyyntö")
    ASSIGNED_TASK = "assigned_task", _("Käyttäjälle osoitettu tehtävä")
    IDENTITY_CODE_SEARCH = "identity_code_search", _("Henkilötunnushaku organisaation rekisteristä")


class AccessLogEntry(models.Model):
    """One processing of one client's data: who, whose, what, when, on what basis."""

    at = models.DateTimeField(_("aika"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("käyttäjä"),
    )
    actor_organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("organisaatio"),
    )
    actor_role = models.CharField(_("rooli"), max_length=32, blank=True)
    client_id = models.UUIDField(_("asiakas"), null=True, db_index=True)
    action = models.CharField(_("toiminto"), max_length=80)
    object_type = models.CharField(_("kohde"), max_length=80, blank=True)
    object_id = models.CharField(_("kohteen tunniste"), max_length=64, blank=True)
    basis = models.CharField(_("peruste"), max_length=32, choices=Basis.choices)
    detail = models.CharField(_("lisätieto"), max_length=300, blank=True)
    request_id = models.CharField(_("pyynnön tunniste"), max_length=64, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("käyttölokimerkintä")
        verbose_name_plural = _("käyttöloki")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["client_id", "at"], name="accesslog_client_at"),
            models.Index(fields=["actor", "at"], name="accesslog_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class DisclosureLogEntry(models.Model):
    """One disclosure of client data to another party, with its basis."""

    at = models.DateTimeField(_("aika"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("luovuttaja"),
    )
    client_id = models.UUIDField(_("asiakas"), db_index=True)
    recipient_organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("vastaanottajaorganisaatio"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("vastaanottaja"),
    )
    recipient_description = models.CharField(
        _("vastaanottaja (kuvaus)"), max_length=200, blank=True
    )
    what = models.CharField(_("luovutetut tiedot"), max_length=300)
    purpose = models.CharField(_("käyttötarkoitus"), max_length=64, blank=True)
    basis = models.CharField(_("peruste"), max_length=32, choices=Basis.choices)
    consent_id = models.BigIntegerField(_("suostumusversio"), null=True)
    statute = models.CharField(_("säädös"), max_length=200, blank=True)
    channel = models.CharField(_("kanava"), max_length=64)
    request_id = models.CharField(_("pyynnön tunniste"), max_length=64, blank=True)
    # When the row was written: `at` is when the disclosure was made, which a worker logging
    # a call after hanging up gives as earlier that day. Empty on rows written before a
    # disclosure could be logged afterwards (they were written as it was made).
    recorded_at = models.DateTimeField(_("kirjattu lokiin"), null=True, blank=True)

    objects = DisclosureLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("luovutuslokimerkintä")
        verbose_name_plural = _("luovutusloki")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client_id", "at"], name="disclosurelog_client_at")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(basis="consent", consent_id__isnull=False)
                | (models.Q(basis="statute") & ~models.Q(statute=""))
                | ~models.Q(basis__in=["consent", "statute"]),
                name="disclosure_basis_named",
            ),
            # A disclosure is logged when or after it was made, never ahead of it.
            models.CheckConstraint(
                condition=models.Q(recorded_at__isnull=True)
                | models.Q(at__lte=models.F("recorded_at")),
                name="disclosure_logged_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"


class PrintStatus(models.TextChoices):
    QUEUED = "queued", _("Jonossa")
    RENDERING = "rendering", _("Tehdään")
    READY = "ready", _("Valmis")
    FAILED = "failed", _("Epäonnistui")
    EXPIRED = "expired", _("Tiedosto poistettu")


# The languages a print is made in, each named in itself.
PRINT_LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]

# A print still queued or being made this long after it was asked for has stalled: a worker
# killed at its task's hard time limit leaves the row "rendering", a lost job leaves it
# "queued". Well beyond the hard time limit of every PDF task (pathways 120 s, audit 300 s;
# tests/audit checks it) so that a print waiting behind others is not given up too soon.
PRINT_STALLED_AFTER = datetime.timedelta(minutes=15)
PRINT_UNDER_WAY = ("queued", "rendering")
# A print asked for again this soon after the same one (the same requester, the same content)
# while still queued or being made is the same request sent twice (a double submit, the back
# button): the action returns the first print, not a second one. Short, so that a print asked
# for again on purpose (another copy, a minute later) is still a print of its own.
PRINT_REPEAT_WITHIN = datetime.timedelta(seconds=10)


class PrintedFileQuerySet(models.QuerySet):
    def repeated_by(self, requested_by):
        """The prints `requested_by` asked for within PRINT_REPEAT_WITHIN that are still under
        way: what a request sent twice finds of its first sending. The caller filters by the
        print's content and holds the lock that makes the two requests take turns."""
        return self.filter(
            requested_by=requested_by,
            status__in=PRINT_UNDER_WAY,
            requested_at__gte=timezone.now() - PRINT_REPEAT_WITHIN,
        ).order_by("-requested_at")


class PrintedFile(models.Model):
    """A PDF printed for a client and kept privately for download: its language, the version
    of the template it was printed with, its progress on the PDF queue, and the stored file
    with its checksum. Rendered by `audit.printing.render_queued`; the file is removed after a
    few days and the row stays as the record of the print."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        _("kieli"),
        max_length=2,
        choices=PRINT_LANGUAGES,
    )
    # The TEMPLATE_VERSION of the document's kind when it was asked for (pathways.summary,
    # pathways.certificates, audit.reports): which wording and layout the client was given.
    template_version = models.CharField(max_length=20)
    status = models.CharField(
        max_length=16, choices=PrintStatus.choices, default=PrintStatus.QUEUED
    )
    file_name = models.CharField(max_length=100, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    # Raised each time a job starts rendering the row (under its lock): a job redelivered after
    # its worker died mid-render (out of memory, a crashed renderer; the PDF tasks are acked
    # late and requeued when their worker is lost) finds it above zero and does not render the
    # row again, which would kill the next worker too and block the PDF queue for ever.
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = PrintedFileQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @property
    def shown_status(self) -> str:
        """The status a page shows and polls on: a print under way that has stalled
        (PRINT_STALLED_AFTER) shows as failed, so the page stops polling and the user can
        ask for it again. The daily cleanup (printing.fail_stalled) then records it."""
        if self.status in PRINT_UNDER_WAY and self.requested_at < (
            timezone.now() - PRINT_STALLED_AFTER
        ):
            return PrintStatus.FAILED
        return self.status

    @staticmethod
    def language_printed(name: str) -> models.CheckConstraint:
        """A print is made in one of PRINT_LANGUAGES, whatever path wrote the row."""
        return models.CheckConstraint(
            condition=models.Q(language__in=[code for code, _name in PRINT_LANGUAGES]), name=name
        )

    @staticmethod
    def ready_has_file(name: str) -> models.CheckConstraint:
        """A print marked ready names its stored file, its checksum and when it was made."""
        return models.CheckConstraint(
            condition=~models.Q(status="ready")
            | (
                ~models.Q(checksum="")
                & ~models.Q(file_name="")
                & models.Q(rendered_at__isnull=False)
            ),
            name=name,
        )


class LogReportPrint(PrintedFile):
    """A client's log report printed as a PDF for the client, by the DPO who asked for it.

    Rendered by the PDF queue's worker like every printed document; the file is
    kept privately and downloaded only by the DPO who asked, while they still
    act as DPO of the client's organisation.
    """

    client_id = models.UUIDField(_("asiakas"), db_index=True)
    organisation = models.ForeignKey(
        "services.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("alkaen"))
    period_end = models.DateField(_("päättyen"))
    reason = models.CharField(_("peruste pidemmälle jaksolle"), max_length=300, blank=True)

    class Meta(PrintedFile.Meta):
        verbose_name = _("tulostettu lokiraportti")
        verbose_name_plural = _("tulostetut lokiraportit")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="logreport_period_in_order",
            ),
            PrintedFile.ready_has_file("logreport_ready_has_file"),
            PrintedFile.language_printed("logreport_language_printed"),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%-d.%-m.%Y}–{self.period_end:%-d.%-m.%Y}"
