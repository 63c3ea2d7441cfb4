"""A step of the client's pathway in a service: its status, end, outcome and review, and
the database functions that keep a Jobcenter period's follow-on."""

import hashlib
import json
from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pathways.models.ranges import DAYS_PER_WEEK, HOURS_PER_DAY, NOT_NEGATIVE, within_range
from pathways.querysets import PathwayStepQuerySet


class StepStatus(models.TextChoices):
    PLANNED = "planned", _("Suunniteltu")
    ACTIVE = "active", _("Käynnissä")
    PAUSED = "paused", _("Tauolla")
    ENDED = "ended", _("Päättynyt")


class EndReason(models.TextChoices):
    COMPLETED = "completed", _("Jakso päättyi suunnitellusti")
    GOAL_REACHED = "goal_reached", _("Tavoite saavutettiin")
    MOVED_ON = "moved_on", _("Siirtyi toiseen palveluun")
    INTERRUPTED = "interrupted", _("Keskeytyi")
    HEALTH = "health", _("Terveydellinen syy")
    OTHER = "other", _("Muu syy")
    # The client's services end altogether, not only this step (`CLIENT_SERVICES_END`).
    MOVED_AWAY = "moved_away", _("Asiakas muutti toiseen kuntaan")
    DIED = "died", _("Asiakas kuoli")
    RELATIONSHIP_ENDED = "relationship_ended", _("Asiakkuus päättyi")
    # Only `cancel_step` ends a step so: a planned step that never started.
    CANCELLED = "cancelled", _("Peruttu ennen alkua")


# The end reasons that say the client's services end altogether (the client moves to another
# municipality, dies, or the client relationship ends), so nothing follows the step: the only
# reasons a Jobcenter paid-work period ends with without a follow-on step
# (`step_rules.check_ending`, and the database's `step_jobcenter_follow_on` trigger), and a
# step ended with one has no follow-on step.
CLIENT_SERVICES_END = (EndReason.MOVED_AWAY, EndReason.DIED, EndReason.RELATIONSHIP_ENDED)


class ExitOutcome(models.TextChoices):
    OPEN_MARKET_JOB = "open_market_job", _("Työllistyi avoimille työmarkkinoille")
    SUBSIDISED_JOB = "subsidised_job", _("Työllistyi palkkatuella")
    STUDIES = "studies", _("Aloitti opinnot")
    OTHER_SERVICE = "other_service", _("Siirtyi muuhun palveluun")
    CAPACITY_MAINTAINED = "capacity_maintained", _("Toimintakyky säilyi")
    PENSION = "pension", _("Eläke")
    MOVED_AWAY = "moved_away", _("Muutti pois")
    DROPPED_OUT = "dropped_out", _("Keskeytti")
    DIED = "died", _("Kuoli")


class ReviewDecision(models.TextChoices):
    """The decision at the end of a rehabilitative work activity period: it cannot just run out."""

    CONTINUE = "continue", _("Jatketaan uudella jaksolla ja suunnitelmalla")
    MOVE = "move", _("Siirrytään toiseen palveluun")
    EXIT = "exit", _("Palvelu päättyy")


class IpsPhase(models.TextChoices):
    AGREEMENT = "agreement", _("Sopimus")
    PROFILING = "profiling", _("Urasuunnittelu ja profilointi")
    JOB_SEARCH = "job_search", _("Nopea työnhaku")
    EMPLOYER_WORK = "employer_work", _("Työnantajayhteistyö")
    IN_WORK_SUPPORT = "in_work_support", _("Tuki työssä")


# DOMAIN.md: a Jobcenter paid-work period "cannot be closed without a follow-on step"; an
# exit outcome does not do instead (unlike other services, step_ended_has_reason_and_continuation),
# unless the end reason says the client's services end altogether (`CLIENT_SERVICES_END`).
# A check constraint cannot read the service type's code, so a trigger states it; a period
# cancelled before it started never ran and needs none. Only a write that puts a row into
# that state is refused (an insert, ending the period, clearing its follow-on, changing the
# reason its services ended for into another): a period that ended with an exit outcome
# before the rule existed can still be changed otherwise.
# The reasons are the values of CLIENT_SERVICES_END (a test holds the two together).
JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC = """
    IF NEW.status = 'ended' AND NEW.end_reason <> 'cancelled' AND NEW.next_step_id IS NULL
       AND NEW.end_reason NOT IN ('moved_away', 'died', 'relationship_ended')
       AND (
           TG_OP = 'INSERT'
           OR OLD.status <> 'ended'
           OR OLD.end_reason = 'cancelled'
           OR OLD.end_reason IN ('moved_away', 'died', 'relationship_ended')
           OR OLD.next_step_id IS NOT NULL
           OR OLD.service_type_id <> NEW.service_type_id
       )
       AND EXISTS (
           SELECT 1 FROM services_servicetype
           WHERE id = NEW.service_type_id AND code = 'jobcenter_paid_work'
       ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'step_jobcenter_ends_with_follow_on',
            MESSAGE = format(
                'step_jobcenter_ends_with_follow_on: Jobcenter paid-work period %s cannot end '
                'without a follow-on step unless the client''s services end.', NEW.id);
    END IF;
    RETURN NEW;
"""


# DOMAIN.md: rehabilitative work activity ends in a review decision (continue with a new
# period, move to another service, or end): it never just ends (step_rules.endings). A
# cancelled step never ran and takes none. The service's code is in another table, so a
# trigger states it; only a write that ends a step so is refused (as above).
REHAB_ENDS_WITH_REVIEW_DECISION_FUNC = """
    IF NEW.status = 'ended' AND NEW.end_reason <> 'cancelled' AND NEW.review_decision = ''
       AND (
           TG_OP = 'INSERT'
           OR OLD.status <> 'ended'
           OR OLD.end_reason = 'cancelled'
           OR OLD.review_decision <> ''
           OR OLD.service_type_id <> NEW.service_type_id
       )
       AND EXISTS (
           SELECT 1 FROM services_servicetype
           WHERE id = NEW.service_type_id AND code = 'rehabilitative_work_activity'
       ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'step_rehab_ends_with_review_decision',
            MESSAGE = format(
                'step_rehab_ends_with_review_decision: rehabilitative work activity %s cannot '
                'end without a review decision.', NEW.id);
    END IF;
    RETURN NEW;
"""


# DOMAIN.md: every step ends with an end reason and either a next step or an exit outcome. A
# follow-on cancelled before it started never took place, so it is no next step: an ended step
# (other than a cancelled one) never points at a cancelled step. Refused both ways: an ended
# step given a cancelled follow-on, and a step cancelled while an ended step still ends into
# it (`cancel_step` first gives the ended step what replaces it). A check constraint cannot
# read another row, so a trigger states it. Only a write that puts a row into that state is
# refused, so an ended step left so before the rule existed can still be changed otherwise.
FOLLOW_ON_NOT_CANCELLED_FUNC = """
    IF NEW.status = 'ended' AND NEW.end_reason <> 'cancelled' AND NEW.next_step_id IS NOT NULL
       AND (
           TG_OP = 'INSERT'
           OR OLD.next_step_id IS DISTINCT FROM NEW.next_step_id
           OR OLD.status <> 'ended'
           OR OLD.end_reason = 'cancelled'
       )
       AND EXISTS (
           SELECT 1 FROM pathways_pathwaystep
           WHERE id = NEW.next_step_id AND end_reason = 'cancelled'
       ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'step_follow_on_not_cancelled',
            MESSAGE = format(
                'step_follow_on_not_cancelled: ended step %s cannot end into the cancelled '
                'step %s.', NEW.id, NEW.next_step_id);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.end_reason = 'cancelled' AND OLD.end_reason <> 'cancelled'
       AND EXISTS (
           SELECT 1 FROM pathways_pathwaystep
           WHERE next_step_id = NEW.id AND status = 'ended' AND end_reason <> 'cancelled'
       ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'step_follow_on_not_cancelled',
            MESSAGE = format(
                'step_follow_on_not_cancelled: step %s is the follow-on of an ended step and '
                'cannot be cancelled before that step has another next step or an exit '
                'outcome.', NEW.id);
    END IF;
    RETURN NEW;
"""


# The fields of a step's plan, as the step form changes them (`forms.StepForm`,
# `actions.update_step`): what `PathwayStep.plan_state` sums up.
PLAN_FIELDS = (
    "unit",
    "coach",
    "start_on",
    "planned_end_on",
    "plan",
    "goal",
    "support_given",
    "days_per_week",
    "hours_per_day",
    "income_clarification",
    "decision_reference",
    "group_activity",
    "daily_compensation",
    "effects_discussed_on",
    "review_due",
    "catalogue_entry",
)


class DateRange(Func):
    function = "daterange"
    output_field = models.Field()


class Int8Range(Func):
    function = "int8range"
    output_field = models.Field()


@pghistory.track()
class PathwayStep(models.Model):
    """One period of one client in one service (palvelujakso).

    The rule set in force on the start date is recorded with the step, so
    later rule changes never rewrite the step's past.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="pathway_steps"
    )
    service_type = models.ForeignKey(
        "services.ServiceType",
        on_delete=models.PROTECT,
        related_name="steps",
        verbose_name=_("palvelu"),
    )
    rule_set = models.ForeignKey(
        "services.ServiceRuleSet", on_delete=models.PROTECT, null=True, related_name="+"
    )
    catalogue_entry = models.ForeignKey(
        "services.CatalogueEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("palvelu luettelosta"),
    )
    unit = models.ForeignKey(
        "services.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathway_steps",
        verbose_name=_("toteuttava yksikkö"),
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coached_steps",
        verbose_name=_("valmentaja tai ohjaaja"),
    )
    start_on = models.DateField(_("alkaa"))
    planned_end_on = models.DateField(_("suunniteltu päättyminen"), null=True, blank=True)
    ended_on = models.DateField(_("päättyi"), null=True, blank=True)
    status = models.CharField(
        _("tila"), max_length=16, choices=StepStatus.choices, default=StepStatus.PLANNED
    )
    days_per_week = models.PositiveSmallIntegerField(
        _("päivää viikossa"), null=True, blank=True, validators=within_range(1, 7, DAYS_PER_WEEK)
    )
    hours_per_day = models.DecimalField(
        _("tuntia päivässä"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=within_range(Decimal("0.01"), 24, HOURS_PER_DAY),
    )
    plan = models.ForeignKey(
        "clients.ClientPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suunnitelma"),
    )
    goal = models.TextField(_("jakson tavoite"), blank=True)
    support_given = models.TextField(_("annettava tuki"), blank=True)
    # Type-specific facts, empty where they do not apply.
    decision_reference = models.CharField(_("päätöksen tunnus"), max_length=60, blank=True)
    group_activity = models.BooleanField(_("ryhmämuotoinen"), default=False)
    # The IPS phase the step began in (agreement unless planned otherwise); it stays as it was.
    # The phase on a day is read from the dated changes (`ips_phase_on`), so a change dated
    # ahead (a job that begins next month) takes effect on its date without another write.
    ips_phase = models.CharField(
        _("vaihe alussa"), max_length=20, choices=IpsPhase.choices, blank=True
    )
    benefits_counselling_on = models.DateField(_("etuusneuvonta annettu"), null=True, blank=True)
    daily_compensation = models.DecimalField(
        _("korvaus €/päivä"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, NOT_NEGATIVE)],
    )
    effects_discussed_on = models.DateField(
        _("palkkatyön vaikutukset asumistukeen ja eläkkeeseen käyty läpi"), null=True, blank=True
    )
    income_clarification = models.TextField(_("tuloselvitys"), blank=True)
    review_due = models.DateField(
        _("seuraava arviointi"),
        null=True,
        blank=True,
        help_text=_("Tyhjä: palvelun sääntöjen mukainen arviointiväli alkamispäivästä."),
    )
    # The latest pause (earlier ones are in the step's history): since when and why, and when
    # the step resumed; `set_step_status` writes them with the status.
    paused_on = models.DateField(_("tauko alkoi"), null=True, blank=True)
    pause_reason = models.CharField(_("tauon syy"), max_length=300, blank=True)
    resumed_on = models.DateField(_("jatkui tauon jälkeen"), null=True, blank=True)
    # Ending.
    end_reason = models.CharField(
        _("päättymisen syy"), max_length=20, choices=EndReason.choices, blank=True
    )
    exit_outcome = models.CharField(
        _("tulos"), max_length=24, choices=ExitOutcome.choices, blank=True
    )
    review_decision = models.CharField(
        _("arvioinnin päätös"), max_length=12, choices=ReviewDecision.choices, blank=True
    )
    cancellation_reason = models.CharField(_("perumisen syy"), max_length=300, blank=True)
    next_step = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="previous_step",
        verbose_name=_("jatkopolku"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = PathwayStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("palvelujakso")
        verbose_name_plural = _("palvelujaksot")
        ordering = ["start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("start_on")),
                name="step_planned_end_after_start",
                violation_error_message=_(
                    "Suunniteltu päättyminen ei voi olla ennen jakson alkamista."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("start_on")),
                name="step_end_after_start",
                violation_error_message=_("Jakso ei voi päättyä ennen alkamistaan."),
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True) | Q(days_per_week__range=(1, 7)),
                name="step_days_per_week",
                violation_error_message=DAYS_PER_WEEK,
            ),
            models.CheckConstraint(
                condition=Q(hours_per_day__isnull=True)
                | (Q(hours_per_day__gt=0) & Q(hours_per_day__lte=24)),
                name="step_hours_per_day",
                violation_error_message=HOURS_PER_DAY,
            ),
            models.CheckConstraint(
                condition=Q(daily_compensation__isnull=True) | Q(daily_compensation__gte=0),
                name="step_compensation_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
            # An ended step has an end date, a reason and either a follow-on step or an exit
            # outcome; a step cancelled before it started has neither.
            models.CheckConstraint(
                condition=~Q(status="ended")
                | (
                    Q(ended_on__isnull=False)
                    & ~Q(end_reason="")
                    & (
                        Q(next_step__isnull=False)
                        | ~Q(exit_outcome="")
                        | Q(end_reason=EndReason.CANCELLED)
                    )
                ),
                name="step_ended_has_reason_and_continuation",
                violation_error_message=_(
                    "Päättyneellä jaksolla on päättymispäivä, syy ja joko jatkopolku tai tulos."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="ended") | Q(ended_on__isnull=True),
                name="step_end_date_only_when_ended",
                violation_error_message=_("Päättymispäivä merkitään vain päättyneelle jaksolle."),
            ),
            # A cancelled step never started: it ends on its start date, with the reason it
            # was cancelled and nothing after it; only a cancelled step has that reason.
            models.CheckConstraint(
                condition=(
                    Q(end_reason=EndReason.CANCELLED)
                    & Q(status="ended")
                    & Q(ended_on=F("start_on"))
                    & ~Q(cancellation_reason="")
                    & Q(next_step__isnull=True)
                    & Q(exit_outcome="")
                    & Q(review_decision="")
                )
                | (~Q(end_reason=EndReason.CANCELLED) & Q(cancellation_reason="")),
                name="step_cancelled_before_it_started",
                violation_error_message=_(
                    "Peruttu jakso päättyy alkamispäivänään perumisen syyhyn, ilman jatkopolkua tai tulosta."
                ),
            ),
            # A paused step is paused since a day, not before it started; a step resumes
            # on or after the day its pause began.
            models.CheckConstraint(
                condition=~Q(status="paused") | Q(paused_on__isnull=False, resumed_on__isnull=True),
                name="step_paused_since_a_day",
                violation_error_message=_("Tauolla olevalla jaksolla on tauon alkamispäivä."),
            ),
            models.CheckConstraint(
                condition=Q(paused_on__isnull=True) | Q(paused_on__gte=F("start_on")),
                name="step_paused_after_start",
                violation_error_message=_("Tauko ei voi alkaa ennen jakson alkamista."),
            ),
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True)
                | (Q(paused_on__isnull=False) & Q(resumed_on__gte=F("paused_on"))),
                name="step_resumed_after_pause",
                violation_error_message=_("Jakso ei voi jatkua ennen tauon alkamista."),
            ),
            models.CheckConstraint(
                condition=~Q(next_step=F("pk")),
                name="step_not_its_own_follow_on",
                violation_error_message=_("Jakso ei voi olla oma jatkopolkunsa."),
            ),
            # No overlapping steps of the same service for one client (core PostgreSQL: no
            # btree_gist). A cancelled step took no days: its dates are free for another.
            ExclusionConstraint(
                name="step_no_overlap_per_client_and_service",
                expressions=[
                    (
                        Int8Range(F("client_id"), F("client_id"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Int8Range(F("service_type_id"), F("service_type_id"), Value("[]")),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        DateRange(
                            F("start_on"), Coalesce(F("ended_on"), F("planned_end_on")), Value("[]")
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=~Q(end_reason=EndReason.CANCELLED),
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="step_jobcenter_follow_on",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC,
            ),
            pgtrigger.Trigger(
                name="step_rehab_review_decision",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=REHAB_ENDS_WITH_REVIEW_DECISION_FUNC,
            ),
            pgtrigger.Trigger(
                name="step_follow_on_not_cancelled",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func=FOLLOW_ON_NOT_CANCELLED_FUNC,
            ),
        ]
        indexes = [
            models.Index(fields=["client", "start_on"], name="step_client_start"),
            models.Index(fields=["coach", "status"], name="step_coach_status"),
            models.Index(fields=["status", "planned_end_on"], name="step_status_planned_end"),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {self.start_on:%-d.%-m.%Y}"

    @property
    def code(self) -> str:
        return self.service_type.code

    @property
    def plan_state(self) -> str:
        """The step's plan (`PLAN_FIELDS`) as the edit form showed it, in one short string: the
        form sends it back, so that a change saved by someone else while the form was open is
        noticed on saving and not overwritten (`actions.update_step`). A digest, as the plan
        holds free texts: the form only needs to tell whether the plan is still the same."""
        values = [self._meta.get_field(name).value_from_object(self) for name in PLAN_FIELDS]
        return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]

    @property
    def end_or_planned_end(self):
        return self.ended_on or self.planned_end_on

    @property
    def is_open(self) -> bool:
        return self.status != StepStatus.ENDED

    @property
    def is_cancelled(self) -> bool:
        """Cancelled before it started (`cancel_step`): on the pathway, but it never ran."""
        return self.end_reason == EndReason.CANCELLED

    @property
    def status_label(self) -> str:
        """The status as the pathway shows it: "Peruttu" for a step cancelled before it started."""
        return _("Peruttu") if self.is_cancelled else self.get_status_display()

    @property
    def follow_on_refusal(self) -> str:
        """Why no follow-on can be planned for the step now, or "" when one can: one step
        follows it at most, and only a step not yet ended is followed."""
        if self.next_step_id is not None:
            return _("Jaksolla on jo jatkopolku.")
        if self.status == StepStatus.ENDED:
            return _("Jatkopolku suunnitellaan asiakkaan käynnissä olevalle jaksolle.")
        return ""

    def ips_phase_on(self, day) -> "IpsPhase | None":
        """The IPS phase the step is in on `day`: the phase of the latest change dated by then,
        else the phase it began in; None for a step of another service. A change dated later
        (in-work support from the start of a job agreed to begin next month) has not arrived:
        the step stays in its phase until that day."""
        change = self.phase_changes.entered_by(day).last()
        phase = change.phase if change else self.ips_phase
        return IpsPhase(phase) if phase else None
