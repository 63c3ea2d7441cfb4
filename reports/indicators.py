"""The indicators of DOMAIN.md "Outcomes and indicators", read in SQL for one organisation.

Each function is one aggregating query (two for transitions, one more for the
rule set behind the IPS target) whatever the number of clients: counts,
conditional counts and medians are computed by PostgreSQL, and only group
totals reach Python. Every number leaves through `reports.suppression`, so
nothing here returns a figure of a group of fewer than five clients, and no
function returns anything that names or identifies a client.

Scope: the clients whose responsible unit belongs to the organisation. Stock
figures (caseload, plan reviews, rehabilitative work activity, consent
coverage) are today's situation of active clients; flow figures (registration
to first plan, transitions, IPS employment) cover the chosen period and
include clients whose client relationship has since closed. The consultation
indicators (of these clients' requests, and of a coordinator's networks) are
in reports.consultation_indicators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientPlan, TeamRole
from clients.querysets import current_membership
from clients.retention import kept_permanently_condition, retention_cutoff
from consents.models import Consent, ConsentMethod
from pathways.models import ExitOutcome, PathwayStep, Placement, PlacementKind, StepStatus
from pathways.reminders import (
    REHABILITATIVE_WORK_ACTIVITY,
    SUPPORTED_EMPLOYMENT,
    period_month_start_sql,
    warning_month_sql,
)
from reports.consultation_indicators import ConsultationActivity, organisation_activity
from reports.expressions import DaysBetween, Median
from reports.suppression import (
    DAYS,
    PERCENT,
    Figure,
    Split,
    complementary,
    count,
    median_days,
    part_of,
    split,
    table,
)
from services.calendar import add_months, month_end
from services.i18n import in_name_order
from services.models import NoRuleSetInForce, Organisation, ServiceRuleSet

# The act's maximum period of rehabilitative work activity, used only when a
# step's rule set leaves the field empty (the rule set decides).
DEFAULT_MAX_DURATION_MONTHS = 24
EMPLOYMENT_PLACEMENTS = (PlacementKind.OPEN_MARKET_JOB, PlacementKind.SUBSIDISED_JOB)


@dataclass(frozen=True)
class ReportPeriod:
    """Whole days from `start` to `end`, both included, in Finnish time.

    The periods a reader can choose are whole calendar months (`whole_months`):
    two periods a day apart would each show groups of five or more and still
    tell, by their difference, what became of one client on that day.
    """

    start: datetime.date
    end: datetime.date

    @classmethod
    def whole_months(
        cls, start: datetime.date, end: datetime.date, today: datetime.date | None = None
    ) -> ReportPeriod:
        """From the first day of `start`'s month to the last day of `end`'s month, or to
        `today` when that day is yet to come (the current month: no figure reaches the
        future). The form refuses an end month after the current one first."""
        today = today or timezone.localdate()
        return cls(start=start.replace(day=1), end=min(month_end(end), today))

    @classmethod
    def default(cls, today: datetime.date | None = None) -> ReportPeriod:
        """The last twelve calendar months: the current one (up to today) and the eleven before."""
        today = today or timezone.localdate()
        return cls.whole_months(add_months(today, -11), today, today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [start, end) in aware datetimes, for timestamps."""
        start = timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))
        end = timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )
        return start, end

    def as_query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def organisation_clients(organisation_id: int) -> QuerySet[Client]:
    """Every client, active or closed, whose responsible unit belongs to the organisation."""
    return Client.objects.filter(responsible_unit__organisation_id=organisation_id)


def service_name(row: dict, prefix: str) -> str:
    """The service type's name in the active language from a values() row, else in Finnish."""
    language = (get_language() or "fi")[:2]
    return row.get(f"{prefix}name_{language}") or row[f"{prefix}name_fi"]


@dataclass(frozen=True)
class Row:
    """One labelled figure of a table."""

    label: str
    figure: Figure


# Caseload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    rows: list[Row]
    without_worker: Figure
    total: Figure


def caseload(clients: QuerySet[Client], today: datetime.date | None = None) -> Caseload:
    """Active clients per current responsible worker, and those who have none (one query).

    The responsible worker is the one current on `today`, by the very condition of
    CareTeamMembership's current() (clients.querysets.current_membership): a membership
    that starts on a later day, or is not yet admitted on its first day, gives the worker
    nothing of the client yet, so its client counts as without a worker until then."""
    today = today or timezone.localdate()
    responsible = FilteredRelation(
        "memberships",
        condition=Q(memberships__role=TeamRole.RESPONSIBLE_WORKER)
        & current_membership(today, through="memberships__"),
    )
    groups = list(
        clients.active()
        .annotate(responsible=responsible)
        .values(
            "responsible__user_id", "responsible__user__first_name", "responsible__user__last_name"
        )
        .annotate(clients=Count("pk", distinct=True))
        .order_by(
            F("responsible__user__last_name").asc(nulls_last=True),
            "responsible__user__first_name",
            "responsible__user_id",
        )
    )
    cells = [(group["responsible__user_id"], group["clients"], None) for group in groups]
    figures = table(cells)
    rows = [
        Row(
            label=f"{group['responsible__user__first_name']} {group['responsible__user__last_name']}",
            figure=figures[group["responsible__user_id"]],
        )
        for group in groups
        if group["responsible__user_id"] is not None
    ]
    return Caseload(
        rows=rows,
        without_worker=figures.get(None, count(0)),
        total=count(sum(group["clients"] for group in groups)),
    )


# Registration to first plan ---------------------------------------------------------------


@dataclass(frozen=True)
class FirstPlan:
    registered: Figure
    with_plan: Figure
    without_plan: Figure
    median_days: Figure


def registration_to_first_plan(clients: QuerySet[Client], period: ReportPeriod) -> FirstPlan:
    """Clients registered in the period: how many have a plan, and the median days to the first.

    The first plan is the earliest version of any plan type, in whatever
    state; days are counted between Finnish calendar days. One query.
    """
    first_plan_at = Subquery(
        ClientPlan.objects.filter(client=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    start, end = period.bounds()
    totals = (
        clients.filter(created_at__gte=start, created_at__lt=end)
        .annotate(first_plan_at=first_plan_at)
        .aggregate(
            registered=Count("pk"),
            with_plan=Count("pk", filter=Q(first_plan_at__isnull=False)),
            median=Median(DaysBetween(TruncDate("first_plan_at"), TruncDate("created_at"))),
        )
    )
    registered, with_plan = totals["registered"], totals["with_plan"]
    parts = table([("with", with_plan, None), ("without", registered - with_plan, None)])
    # A median is shown from five clients with a plan: beside a hidden count of them it
    # would tell that at most a few of the registered have none.
    median = median_days(totals["median"], clients=with_plan)
    return FirstPlan(
        registered=count(registered),
        with_plan=parts["with"],
        without_plan=parts["without"],
        median_days=complementary(DAYS) if parts["with"].hidden and not median.hidden else median,
    )


# Today's situation of active clients: plan reviews and consent coverage ---------------------


@dataclass(frozen=True)
class CurrentSituation:
    active: Figure
    overdue_reviews: Split
    """Of the active clients whose current plan is followed up (agreed or active): overdue ones."""
    consent_coverage: Split
    """Of the active clients: those with a written consent in force."""


def current_situation(
    clients: QuerySet[Client], now: datetime.datetime | None = None
) -> CurrentSituation:
    """Overdue plan reviews and consent coverage of active clients (one query).

    A review is overdue when the review date of a plan in force (agreed or active;
    a draft revision leaves the agreed version in force) has passed (as the reminders and the worker's dashboard count it). Coverage
    counts written consents in force now; an oral consent covers one event
    only, so it does not make a client covered.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    followed_plans = ClientPlan.objects.in_force().filter(client=OuterRef("pk"))
    consents = (
        Consent.objects.in_force(now)
        .exclude(method=ConsentMethod.ORAL)
        .filter(client=OuterRef("pk"))
    )
    totals = clients.active().aggregate(
        active=Count("pk"),
        followed=Count("pk", filter=Q(Exists(followed_plans))),
        overdue=Count("pk", filter=Q(Exists(followed_plans.filter(next_review_on__lt=today)))),
        covered=Count("pk", filter=Q(Exists(consents))),
    )
    followed = part_of(totals["followed"], totals["active"])
    overdue_reviews = split(totals["overdue"], totals["followed"])
    if followed.hidden:
        # The clients with a plan in force are the whole of the overdue split: its parts
        # would add up to what is hidden.
        overdue_reviews = Split(
            whole=followed,
            part=complementary(),
            rest=complementary(),
            share=complementary(PERCENT),
        )
    return CurrentSituation(
        active=count(totals["active"]),
        overdue_reviews=overdue_reviews,
        consent_coverage=split(totals["covered"], totals["active"]),
    )


# Rehabilitative work activity at the limit ------------------------------------------------


@dataclass(frozen=True)
class RehabilitativeWorkActivity:
    open_steps: Figure
    before_warning: Figure
    in_warning_months: Figure
    past_maximum: Figure


def rehabilitative_work_activity(
    clients: QuerySet[Client], today: datetime.date | None = None
) -> RehabilitativeWorkActivity:
    """Active clients' open rehabilitative work activity by how far the period has run.

    Month m of a period begins on step_rules.period_month_start, as the reminder and the
    timeline count it (a period from 31.1.2024 enters month 21 on 1.10.2025), read in SQL
    with the month-21 reminder's own expression (period_month_start_sql). From the rule
    set's warning month (21) the period is in its warning months; from the
    first day after the maximum duration (24 months) it has run past it. Two
    queries; counted in clients (one client has at most one such open period). The
    clients in it are shown next to all active clients, so they are hidden, and the
    groups by how far the period has run with them, while the active clients not in it
    are fewer than five (suppression.part_of).
    """
    today = today or timezone.localdate()
    warning_month = warning_month_sql()
    maximum = Coalesce(
        F("rule_set__max_duration_months"),
        Value(DEFAULT_MAX_DURATION_MONTHS),
        output_field=IntegerField(),
    )
    totals = (
        PathwayStep.objects.open()
        .filter(client__in=clients.active(), service_type__code=REHABILITATIVE_WORK_ACTIVITY)
        .annotate(
            # Month m begins on period_month_start(start_on, m); the period has run past
            # its maximum from the first day of month maximum + 1.
            warns_on=period_month_start_sql(F("start_on"), warning_month),
            runs_out_on=period_month_start_sql(F("start_on"), maximum + Value(1)),
        )
        .aggregate(
            open_steps=Count("client", distinct=True),
            past=Count("client", distinct=True, filter=Q(runs_out_on__lte=today)),
            warning=Count(
                "client", distinct=True, filter=Q(warns_on__lte=today, runs_out_on__gt=today)
            ),
        )
    )
    open_steps = part_of(totals["open_steps"], clients.active().count())
    before = totals["open_steps"] - totals["warning"] - totals["past"]
    figures = table(
        [
            ("before", before, None),
            ("warning", totals["warning"], None),
            ("past", totals["past"], None),
        ]
    )
    if open_steps.hidden:
        # The groups add up to the hidden total.
        figures = {key: fig if fig.hidden else complementary() for key, fig in figures.items()}
    return RehabilitativeWorkActivity(
        open_steps=open_steps,
        before_warning=figures["before"],
        in_warning_months=figures["warning"],
        past_maximum=figures["past"],
    )


# Transitions between services -------------------------------------------------------------


@dataclass(frozen=True)
class TransitionGroup:
    """The steps of one service that ended in the period, by where the client went next."""

    service: str
    total: Figure
    rows: list[Row] = field(default_factory=list)


def transitions(clients: QuerySet[Client], period: ReportPeriod) -> list[TransitionGroup]:
    """Ended steps by service type → the follow-on step's service type or the exit outcome
    (a step cancelled before it started did not end: it never ran).

    Counted in steps; a cell is hidden when its steps belong to fewer than five
    distinct clients. One client's steps may have gone different ways, so the cells
    carry their clients' ids (never returned): cells hidden together must hold five
    distinct clients (suppression.table). Each service's total is a figure of its own,
    hidden below five distinct clients: the section has no grand total, so the totals
    tell nothing of each other; the rows of a service form a table whose total is that
    service's. Two queries: the cells, and the totals per service (whose distinct
    clients cannot be summed from the cells).
    """
    ended = PathwayStep.objects.not_cancelled().filter(
        client__in=clients,
        status=StepStatus.ENDED,
        ended_on__gte=period.start,
        ended_on__lte=period.end,
    )
    names = [f"service_type__name_{lang}" for lang in ("fi", "sv", "en")]
    next_names = [f"next_step__service_type__name_{lang}" for lang in ("fi", "sv", "en")]
    cells = list(
        ended.annotate(
            outcome=Case(
                When(next_step__isnull=True, then=F("exit_outcome")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values("service_type_id", "next_step__service_type_id", "outcome", *next_names)
        .annotate(steps=Count("pk"), clients=ArrayAgg("client_id", distinct=True))
        .order_by("service_type_id", in_name_order("next_step__service_type__"), "outcome")
    )
    totals = list(
        ended.values("service_type_id", *names)
        .annotate(steps=Count("pk"), clients=ArrayAgg("client_id", distinct=True))
        .order_by(in_name_order("service_type__"), "service_type_id")
    )
    outcomes = dict(ExitOutcome.choices)
    groups = []
    for total in totals:
        own = [cell for cell in cells if cell["service_type_id"] == total["service_type_id"]]
        keys = [(cell["next_step__service_type_id"], cell["outcome"]) for cell in own]
        figures = table(
            [(key, cell["steps"], cell["clients"]) for key, cell in zip(keys, own, strict=True)]
        )
        # The section shows no grand total, so no service's total can be worked out from the
        # others': each is hidden for its own clients only (suppressed as one table, a
        # service of few clients hid another's total, and with it all that service's rows).
        total_figure = count(total["steps"], clients=len(total["clients"]))
        if total_figure.hidden or len(own) == 1:
            # The rows add up to the hidden total; and a lone row is the total: every
            # step of the service ended the same way, something of every client of it.
            figures = {key: fig if fig.hidden else complementary() for key, fig in figures.items()}
        rows = [
            Row(
                label=(
                    service_name(cell, "next_step__service_type__")
                    if cell["next_step__service_type_id"]
                    else str(outcomes.get(cell["outcome"], cell["outcome"]))
                ),
                figure=figures[key],
            )
            for key, cell in zip(keys, own, strict=True)
        ]
        groups.append(
            TransitionGroup(
                service=service_name(total, "service_type__"),
                total=total_figure,
                rows=rows,
            )
        )
    return groups


# Supported employment (IPS) ---------------------------------------------------------------


@dataclass(frozen=True)
class IpsEmployment:
    employed: Split
    target_min: int | None
    target_max: int | None

    @property
    def target_text(self) -> str:
        """The target range, e.g. "50–70 %"; empty when the rule set sets none."""
        if self.target_min is None:
            return ""
        if self.target_max is None:
            return str(_("vähintään %(min)s %%")) % {"min": self.target_min}
        return f"{self.target_min}–{self.target_max} %"

    @property
    def assessment(self) -> str:
        """Below, within or above the target; empty when the share or the target is not shown.
        The share as shown (whole percent): "50 %" is never "below the target of 50–70 %"."""
        share = self.employed.share
        if share.hidden or self.target_min is None:
            return ""
        if share.shown_value < self.target_min:
            return str(_("alle tavoitteen"))
        if self.target_max is not None and share.shown_value > self.target_max:
            return str(_("yli tavoitteen"))
        return str(_("tavoitteessa"))


def ips_employment(
    clients: QuerySet[Client], period: ReportPeriod, organisation: Organisation
) -> IpsEmployment:
    """Clients in supported employment during the period, and how many of them were employed.

    In IPS: a supported employment step begun by the end of the period (active, paused or
    ended; not planned, nor cancelled) and not ended before its start, whatever its planned
    end: nothing ends a step on that day (PathwayStepQuerySet.taken_part_in_during). Employed: a job in the open labour market or with wage subsidy
    (a Placement, not cancelled before it began) that overlaps the period (until
    its recorded end) and started on or after the start of one of the client's
    IPS steps. The target is the organisation's rule
    set in force on the last day of the period. Two queries.
    """
    in_ips = PathwayStep.objects.taken_part_in_during(period.start, period.end).filter(
        client=OuterRef("pk"), service_type__code=SUPPORTED_EMPLOYMENT
    )
    ips_before_job = PathwayStep.objects.not_cancelled().filter(
        client=OuterRef("client"),
        service_type__code=SUPPORTED_EMPLOYMENT,
        start_on__lte=OuterRef("started_on"),
    )
    employed = Placement.objects.not_cancelled().filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start),
        Exists(ips_before_job),
        client=OuterRef("pk"),
        kind__in=EMPLOYMENT_PLACEMENTS,
        started_on__lte=period.end,
    )
    totals = clients.aggregate(
        in_ips=Count("pk", filter=Q(Exists(in_ips))),
        employed=Count("pk", filter=Q(Exists(in_ips), Exists(employed))),
    )
    try:
        rules = ServiceRuleSet.objects.in_force(SUPPORTED_EMPLOYMENT, organisation, period.end)
    except NoRuleSetInForce:
        rules = None
    return IpsEmployment(
        employed=split(totals["employed"], totals["in_ips"]),
        target_min=rules.employment_target_min_percent if rules else None,
        target_max=rules.employment_target_max_percent if rules else None,
    )


# Client records past their retention ------------------------------------------------------


@dataclass(frozen=True)
class RecordsRetention:
    kept_years: int
    permanent_birth_days: list[int]
    cutoff: datetime.date
    """Relationships closed on or before this day are past retention."""
    past_retention: Figure
    to_archive: Figure
    """Of them, the records the archive keeps permanently (born on a sample day)."""
    to_destroy: Figure


def records_retention(
    clients: QuerySet[Client], today: datetime.date | None = None
) -> RecordsRetention:
    """Closed clients whose records are past retention (clients.retention): how many go to
    the archive's permanent sample and how many are to be destroyed (one query)."""
    cutoff = retention_cutoff(today)
    past = clients.past_retention(today)
    totals = past.aggregate(
        past=Count("pk"),
        permanent=Count("pk", filter=kept_permanently_condition()),
    )
    parts = table(
        [
            ("archive", totals["permanent"], None),
            ("destroy", totals["past"] - totals["permanent"], None),
        ]
    )
    return RecordsRetention(
        kept_years=settings.POLKU_CLIENT_RECORDS_KEPT_YEARS,
        permanent_birth_days=list(settings.POLKU_PERMANENTLY_KEPT_BIRTH_DAYS),
        cutoff=cutoff,
        past_retention=count(totals["past"]),
        to_archive=parts["archive"],
        to_destroy=parts["destroy"],
    )


# The manager's report ---------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationReport:
    organisation: Organisation
    period: ReportPeriod
    today: datetime.date
    caseload: Caseload
    first_plan: FirstPlan
    situation: CurrentSituation
    rehabilitation: RehabilitativeWorkActivity
    transitions: list[TransitionGroup]
    ips: IpsEmployment
    consultations: ConsultationActivity
    retention: RecordsRetention


def organisation_report(organisation: Organisation, period: ReportPeriod) -> OrganisationReport:
    """Every indicator of the organisation: fifteen queries, whatever the number of clients."""
    clients = organisation_clients(organisation.pk)
    now = timezone.now()
    return OrganisationReport(
        organisation=organisation,
        period=period,
        today=timezone.localdate(now),
        caseload=caseload(clients, timezone.localdate(now)),
        first_plan=registration_to_first_plan(clients, period),
        situation=current_situation(clients, now),
        rehabilitation=rehabilitative_work_activity(clients, timezone.localdate(now)),
        transitions=transitions(clients, period),
        ips=ips_employment(clients, period, organisation),
        consultations=organisation_activity(clients, period, now),
        retention=records_retention(clients, timezone.localdate(now)),
    )
