"""Job starts, studies and other outcomes of a pathway, their end and cancellation."""

from decimal import Decimal

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pathways.models.ranges import END_AFTER_START, PLACEMENT_WEEKLY_HOURS, within_range
from pathways.models.steps import PathwayStep
from pathways.querysets import PlacementQuerySet


class PlacementKind(models.TextChoices):
    OPEN_MARKET_JOB = "open_market_job", _("Työ avoimilla työmarkkinoilla")
    SUBSIDISED_JOB = "subsidised_job", _("Palkkatuettu työ")
    STUDIES = "studies", _("Opinnot")
    OTHER = "other", _("Muu")


# Placements that are job starts: employer, open market or subsidised, and hours.
JOB_KINDS = (PlacementKind.OPEN_MARKET_JOB, PlacementKind.SUBSIDISED_JOB)


class PlacementEndReason(models.TextChoices):
    """Why a job or studies ended (`end_placement`): in words that fit both."""

    FIXED_TERM = "fixed_term", _("Määräaika päättyi tai opinnot valmistuivat")
    RESIGNED = "resigned", _("Asiakas irtisanoutui tai keskeytti")
    DISMISSED = "dismissed", _("Asiakas irtisanottiin tai erotettiin")
    OTHER = "other", _("Muu syy")


@pghistory.track()
class Placement(models.Model):
    """An outcome: a job start, studies started or another result (for indicators).

    It ends on a day with a reason (`end_placement`); one agreed to begin later that falls
    through is cancelled before it begins (`cancel_placement`): it stays, marked cancelled,
    and counts nowhere (`PlacementQuerySet.not_cancelled`).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="placements"
    )
    step = models.ForeignKey(
        PathwayStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="placements"
    )
    kind = models.CharField(_("laji"), max_length=20, choices=PlacementKind.choices)
    organisation_name = models.CharField(_("työnantaja tai oppilaitos"), max_length=200)
    weekly_hours = models.DecimalField(
        _("tuntia viikossa"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=within_range(Decimal("0.1"), 60, PLACEMENT_WEEKLY_HOURS),
    )
    started_on = models.DateField(_("alkoi"))
    ended_on = models.DateField(_("päättyi"), null=True, blank=True)
    # Empty for an end recorded before ends had reasons (the end date was a field of the form
    # that records the start); `end_placement` always records one.
    end_reason = models.CharField(
        _("päättymisen syy"), max_length=20, choices=PlacementEndReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Cancelled before it began (`cancel_placement`): when, by whom and why, as a step is.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.CharField(_("perumisen syy"), max_length=300, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("sijoittuminen")
        verbose_name_plural = _("sijoittumiset")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="placement_period",
                violation_error_message=END_AFTER_START,
            ),
            models.CheckConstraint(
                condition=Q(end_reason="") | Q(ended_on__isnull=False),
                name="placement_end_reason_with_end",
            ),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *PlacementEndReason.values]),
                name="placement_end_reason_known",
            ),
            # Cancelled by someone at a moment for a reason, and never both cancelled and
            # ended: a job cancelled did not take place.
            models.CheckConstraint(
                condition=Q(
                    cancelled_at__isnull=True, cancelled_by__isnull=True, cancellation_reason=""
                )
                | (
                    Q(cancelled_at__isnull=False, cancelled_by__isnull=False, ended_on__isnull=True)
                    & ~Q(cancellation_reason="")
                ),
                name="placement_cancelled_by_whom_why_not_ended",
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True)
                | (Q(weekly_hours__gt=0) & Q(weekly_hours__lte=60)),
                name="placement_hours",
                violation_error_message=PLACEMENT_WEEKLY_HOURS,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation_name}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def may_end_on(self, day) -> bool:
        """It has begun by `day` and is neither ended nor cancelled: its end may be recorded."""
        return not self.is_cancelled and self.ended_on is None and self.started_on <= day

    def may_cancel_on(self, day) -> bool:
        """It begins after `day` and is not cancelled yet: it may be cancelled."""
        return not self.is_cancelled and self.ended_on is None and self.started_on > day
