"""What a coach records while a step runs: the Jobcenter job, attendance, employer contacts,
in-work support, IPS phases and competence certificates."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pathways.models.ranges import HOURLY_WAGE, JOBCENTER_WEEKLY_HOURS, within_range
from pathways.models.steps import IpsPhase, PathwayStep
from pathways.querysets import AttendanceQuerySet, IpsPhaseChangeQuerySet


@pghistory.track()
class JobcenterContract(models.Model):
    """The paid job of a Jobcenter period (työtoiminnan täsmätyö)."""

    step = models.OneToOneField(
        PathwayStep, on_delete=models.CASCADE, related_name="jobcenter_contract"
    )
    employer_unit = models.ForeignKey(
        "services.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("työnantajayksikkö"),
    )
    employer_name = models.CharField(_("työnantaja"), max_length=200, blank=True)
    job_title = models.CharField(_("tehtävä"), max_length=200)
    weekly_hours = models.DecimalField(
        _("tuntia viikossa"),
        max_digits=4,
        decimal_places=1,
        validators=within_range(Decimal("0.1"), 40, JOBCENTER_WEEKLY_HOURS),
    )
    hourly_wage = models.DecimalField(
        _("tuntipalkka €"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), HOURLY_WAGE)],
    )
    contract_start = models.DateField(_("työsopimus alkaa"))
    contract_end = models.DateField(_("työsopimus päättyy"))

    class Meta:
        verbose_name = _("Jobcenter-työsopimus")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_end__gte=F("contract_start")),
                name="jobcenter_contract_period",
                violation_error_message=_("Työsopimus ei voi päättyä ennen alkamistaan."),
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__gt=0) & Q(weekly_hours__lte=40),
                name="jobcenter_hours",
                violation_error_message=JOBCENTER_WEEKLY_HOURS,
            ),
            models.CheckConstraint(
                condition=Q(hourly_wage__gt=0),
                name="jobcenter_wage_positive",
                violation_error_message=HOURLY_WAGE,
            ),
            models.CheckConstraint(
                condition=Q(employer_unit__isnull=False) | ~Q(employer_name=""),
                name="jobcenter_employer_named",
                violation_error_message=_(
                    "Valitse työnantajayksikkö tai kirjoita työnantajan nimi."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.job_title

    @property
    def employer(self) -> str:
        return str(self.employer_unit) if self.employer_unit_id else self.employer_name


class AbsenceReason(models.TextChoices):
    SICK = "sick", _("Sairaus")
    AGREED = "agreed", _("Sovittu poissaolo")
    UNEXPLAINED = "unexplained", _("Ilmoittamaton poissaolo")


# Deletes too: a day's record is removed when it was wrong (a day cleared in the week's grid,
# days outside a period moved: `check_records_within`), and as a day paid or counted toward
# an allowance its history says who removed it and when.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Attendance(models.Model):
    """One day of one step: present (hours, compensation) or absent with a reason."""

    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("päivä"))
    present = models.BooleanField(_("läsnä"))
    hours = models.DecimalField(_("tunnit"), max_digits=4, decimal_places=2, null=True, blank=True)
    absence_reason = models.CharField(
        _("poissaolon syy"), max_length=16, choices=AbsenceReason.choices, blank=True
    )
    compensation = models.DecimalField(
        _("korvaus €"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("läsnäolo")
        verbose_name_plural = _("läsnäolot")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["step", "day"], name="attendance_one_row_per_day"),
            models.CheckConstraint(
                condition=(
                    Q(present=True)
                    & Q(absence_reason="")
                    & Q(hours__isnull=False)
                    & Q(hours__gt=0)
                    & Q(hours__lte=24)
                )
                | (Q(present=False) & ~Q(absence_reason="") & Q(hours__isnull=True)),
                name="attendance_present_or_absent_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(compensation__isnull=True) | (Q(compensation__gte=0) & Q(present=True)),
                name="attendance_compensation_only_when_present",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {'present' if self.present else 'absent'}"

    @property
    def grid_state(self) -> str:
        """The day as the attendance grid shows it (status, hours, absence reason,
        compensation), in one string: the grid sends back the state each day was shown with,
        so a day recorded, changed or cleared by someone else meanwhile is noticed on saving
        (`actions.record_week_attendance`). A day not recorded is ""."""
        values = (
            "present" if self.present else "absent",
            "" if self.hours is None else str(self.hours),
            self.absence_reason,
            "" if self.compensation is None else str(self.compensation),
        )
        return "|".join(values)


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Käynti työnantajan luona")
    CALL = "call", _("Puhelu")
    EMAIL = "email", _("Sähköposti")
    WITH_CLIENT = "with_client", _("Yhteydenotto yhdessä asiakkaan kanssa")


@pghistory.track()
class EmployerContact(models.Model):
    """A job coach's employer contact in supported employment (IPS)."""

    step = models.ForeignKey(
        PathwayStep, on_delete=models.CASCADE, related_name="employer_contacts"
    )
    contacted_on = models.DateField(_("päivä"))
    employer_name = models.CharField(_("työnantaja"), max_length=200)
    kind = models.CharField(_("tapa"), max_length=16, choices=ContactKind.choices)
    note = models.TextField(_("muistiinpano"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("työnantajakontakti")
        verbose_name_plural = _("työnantajakontaktit")
        ordering = ["contacted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.employer_name} {self.contacted_on}"


@pghistory.track()
class InWorkSupport(models.Model):
    """Support given at or about the workplace after a job start."""

    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="in_work_support")
    supported_on = models.DateField(_("päivä"))
    note = models.TextField(_("mitä tehtiin"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tuki työssä")
        verbose_name_plural = _("tuki työssä")
        ordering = ["supported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.supported_on}"


# Deletes too: the in-work support dated ahead by a job that is cancelled before it begins is
# removed (`cancel_placement`), and its history says who removed it and why.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class IpsPhaseChange(models.Model):
    """A supported employment (IPS) step entering a phase on a date, as its coach recorded it,
    or as a job start recorded it (in-work support from the day the job begins).

    A coach's change is dated by today at the latest; only a job start is dated ahead. The
    step's phase on a day is that of the latest change dated by then
    (`PathwayStep.ips_phase_on`); before the first, the phase it began in (`ips_phase`).
    A change dated ahead moves with the jobs awaited: to the next one when the job it awaits
    is cancelled, away when none is left (`cancel_placement`).
    """

    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(_("vaihe"), max_length=20, choices=IpsPhase.choices)
    entered_on = models.DateField(_("vaihe alkoi"))
    note = models.TextField(_("muistiinpano"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = IpsPhaseChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("IPS-vaiheen muutos")
        verbose_name_plural = _("IPS-vaiheen muutokset")
        ordering = ["entered_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=IpsPhase.values), name="ips_phase_change_known_phase"
            ),
        ]
        indexes = [models.Index(fields=["step", "entered_on"], name="ips_phase_change_step_day")]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.entered_on:%-d.%-m.%Y}"


# The longest competence line a certificate stores. PostgreSQL cuts a longer one to this
# length on the cast without a word, so the form and `issue_certificate` refuse it first.
COMPETENCE_MAX_LENGTH = 300


@pghistory.track()
class CompetenceCertificate(models.Model):
    """Osaamistodistus: competences shown in workshop work, toward a vocational qualification."""

    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="certificates")
    issued_on = models.DateField(_("annettu"))
    qualification = models.CharField(_("tutkinto tai tutkinnon osa"), max_length=200, blank=True)
    competences = ArrayField(
        models.CharField(max_length=COMPETENCE_MAX_LENGTH), verbose_name=_("osoitettu osaaminen")
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("osaamistodistus")
        verbose_name_plural = _("osaamistodistukset")
        constraints = [
            models.CheckConstraint(
                condition=GreaterThanOrEqual(
                    Func(
                        F("competences"), function="cardinality", output_field=models.IntegerField()
                    ),
                    1,
                ),
                name="certificate_names_competences",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issued_on}"
