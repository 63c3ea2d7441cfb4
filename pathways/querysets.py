"""Reads of pathways: steps by state and date, attendance summaries."""

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone


class PathwayStepQuerySet(models.QuerySet):
    def of_client(self, client):
        return self.filter(client=client)

    def open(self):
        return self.exclude(status="ended")

    def not_cancelled(self):
        """Steps that took place or are to: without those cancelled before they started."""
        return self.exclude(end_reason="cancelled")

    def ended_into(self, steps):
        """The ended steps (not cancelled ones, which have none) whose next step is one of
        `steps`."""
        return self.filter(status="ended", next_step__in=steps).not_cancelled()

    def of_type(self, *codes: str):
        return self.filter(service_type__code__in=codes)

    def running_on(self, day: datetime.date):
        """Steps whose period covers the day (planned or active, not paused or ended before it)."""
        return (
            self.filter(start_on__lte=day)
            .filter(
                Q(ended_on__gte=day)
                | Q(ended_on__isnull=True, planned_end_on__gte=day)
                | Q(ended_on__isnull=True, planned_end_on__isnull=True)
            )
            .exclude(status="paused")
        )

    def overlapping(self, start: datetime.date, end: datetime.date | None):
        """Steps whose period overlaps [start, end] (end None = open-ended)."""
        query = (
            Q(ended_on__gte=start)
            | Q(ended_on__isnull=True, planned_end_on__gte=start)
            | Q(ended_on__isnull=True, planned_end_on__isnull=True)
        )
        steps = self.filter(query)
        return steps.filter(start_on__lte=end) if end else steps

    def taken_part_in_during(self, start: datetime.date, end: datetime.date):
        """Steps the client took part in during [start, end]: begun by `end` (active, paused or
        ended, not planned, nor cancelled before it started) and not ended before `start`. A
        step not ended runs whatever its planned end, as nothing ends it on that day; unlike
        `overlapping`, which reads a planned period."""
        return (
            self.not_cancelled()
            .filter(
                status__in=("active", "paused", "ended"),
                start_on__lte=end,
            )
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        )

    def _ends_with_its_period(self) -> Exists:
        """Whether the outer step (open, with a planned end) is the companion of another open
        step of its client that it accompanies: that step's rules require the outer step's
        service, and the outer step's rules need that step's service in turn (requires, or
        requires one of), their periods overlapping. The work coaching planned with a
        rehabilitative work activity period is one (`step_rules.mutual_companions`): it ends
        with the period, with the period's reason and outcome (`end_step`), and is never
        ended on its own, so it has no follow-on, nor an end to remind of, of its own."""
        accompanied = (
            self.model.objects.open()
            .filter(client=OuterRef("client"), rule_set__requires=OuterRef("service_type"))
            .exclude(pk=OuterRef("pk"))
            .filter(
                Q(service_type__required_by_rule_sets=OuterRef("rule_set"))
                | Q(service_type__required_as_one_of_by_rule_sets=OuterRef("rule_set"))
            )
            .overlapping(OuterRef("start_on"), OuterRef("planned_end_on"))
        )
        return Exists(accompanied)

    def with_ends_with_period(self):
        """Each step with `ends_with_period`: it is an open step's companion that ends with
        it (`_ends_with_its_period`). In the same query, none per step."""
        return self.annotate(ends_with_period=self._ends_with_its_period())

    def not_ending_with_their_period(self):
        """Without the companions that end with the open step they accompany: what the
        reminders of a step's own end (no follow-on, planned end passed) concern, as the
        timeline's warnings do."""
        return self.filter(~self._ends_with_its_period())

    def with_coach_on_team(self, day: datetime.date):
        """Each step with `coach_on_team`: whether its coach can act on `day` through a
        care-team membership of the step's client (CareTeamMembershipQuerySet.reachable: an
        active account and a role that fits), as the reminders read it
        (pathways.reminders._on_team). A coach whose account was closed, or whom the
        responsible worker took off the team (update_step keeps them on the step), is not:
        the client can no longer reach them. False for a step without a coach. In the same
        query, none per step."""
        from clients.models import CareTeamMembership

        return self.annotate(
            coach_on_team=Exists(
                CareTeamMembership.objects.reachable(day).filter(
                    client=OuterRef("client"), user=OuterRef("coach")
                )
            )
        )

    def coached_by(self, user):
        return self.filter(coach=user)

    def caseload(self, coach, code: str) -> int:
        """How many clients the coach has in the service: those with a step of it not ended
        (planned, active or paused: all are the coach's to work with), of client
        relationships not closed. One query."""
        return (
            self.open()
            .coached_by(coach)
            .of_type(code)
            .filter(client__closed_on__isnull=True)
            .values("client")
            .distinct()
            .count()
        )

    def ending_between(self, start: datetime.date, end: datetime.date):
        return self.open().filter(planned_end_on__range=(start, end))

    def for_timeline(self):
        return (
            # The Jobcenter contract: a running period without one is warned of
            # (`step_rules.contract_needed_to_end`).
            self.select_related(
                "service_type", "unit", "coach", "next_step__service_type", "jobcenter_contract"
            )
            .with_ends_with_period()
            .order_by("start_on", "pk")
        )


class AttendanceQuerySet(models.QuerySet):
    def in_month(self, year: int, month: int):
        return self.filter(day__year=year, day__month=month)

    def within_step_period(self):
        """Days within their step's period: from its start to its end, or while it runs to its
        planned end (none: open), and past it up to today, as a step not ended takes
        attendance until it is ended (`actions.last_attendance_day`). A day outside it
        (recorded before the step's dates moved) is no allowance or payment day."""
        return self.filter(day__gte=F("step__start_on")).filter(
            Q(step__ended_on__isnull=False, day__lte=F("step__ended_on"))
            | Q(step__ended_on__isnull=True, step__planned_end_on__isnull=True)
            | Q(step__ended_on__isnull=True, day__lte=F("step__planned_end_on"))
            | Q(step__ended_on__isnull=True, day__lte=timezone.localdate())
        )

    def monthly_summary(self):
        """Per month: days present (allowance days), hours and compensation paid, counting only
        the days within the step's period."""
        return (
            self.within_step_period()
            .annotate(month=models.functions.TruncMonth("day"))
            .values("month")
            .annotate(
                days_present=Count("pk", filter=Q(present=True)),
                days_absent=Count("pk", filter=Q(present=False)),
                hours=Sum("hours"),
                compensation=Sum("compensation"),
            )
            .order_by("month")
        )


class IpsPhaseChangeQuerySet(models.QuerySet):
    def entered_by(self, day: datetime.date):
        """Changes dated by `day`: the phases the step has entered by then."""
        return self.filter(entered_on__lte=day)

    def ahead_of(self, day: datetime.date):
        """Changes dated after `day`: in-work support from the start of a job that begins
        later (a coach records a phase by today at the latest)."""
        return self.filter(entered_on__gt=day)


class PlacementQuerySet(models.QuerySet):
    def not_cancelled(self):
        """Outcomes that took place or are to: without the jobs and studies cancelled before
        they began (`cancel_placement`)."""
        return self.filter(cancelled_at__isnull=True)

    def jobs(self):
        """Job starts, open market or subsidised."""
        from pathways.models import JOB_KINDS

        return self.filter(kind__in=JOB_KINDS)


@dataclass(frozen=True)
class PhaseAtStart:
    """The phase an IPS step began in (agreement, as actions.plan_step sets it unless told
    otherwise), shown in the step's phase table as if it were a change row: it has none, only
    the step's start as its date, and nobody recorded it (`recorded_by` None, no note)."""

    entered_on: datetime.date
    phase: str
    recorded_by: None = None
    note: str = ""
    at_step_start: bool = True

    def get_phase_display(self) -> str:
        from pathways.models import IpsPhase

        return IpsPhase(self.phase).label


def ips_phases(step, today: datetime.date) -> list:
    """The phases of an IPS step in order, as its phase table shows them: the phase it began in,
    from the step's start (no change row is written for it), then the changes dated by today.
    A change dated later (the start of a job that begins next month) is not in the table until
    its day; the step page names it beside the current phase.

    The phase it began in is left out where unknown, where the coach recorded that same phase
    as the first change themselves, and for a step that has not begun (it starts later) or was
    cancelled before it started.
    """
    from pathways.models import IpsPhase

    changes = list(step.phase_changes.entered_by(today).select_related("recorded_by"))
    if step.is_cancelled or step.start_on > today:
        return changes
    first = step.ips_phase
    if first not in IpsPhase.values or (changes and changes[0].phase == first):
        return changes
    return [PhaseAtStart(entered_on=step.start_on, phase=first), *changes]


def first_job_start(step, until: datetime.date | None = None) -> datetime.date | None:
    """The day the first job of the step began (a job start recorded as its placement, open
    market or subsidised, not cancelled), counting only jobs begun by `until` when given; None
    without one. In-work support is given from it."""
    jobs = step.placements.not_cancelled().jobs()
    if until is not None:
        jobs = jobs.filter(started_on__lte=until)
    return jobs.order_by("started_on").values_list("started_on", flat=True).first()


@dataclass(frozen=True)
class AwaitedSupport:
    """What cancelling a job that has not begun does to its IPS step's in-work support dated
    ahead (`change`, the one this job awaits): it moves to `moves_to`, the start of the step's
    next job still awaited, or is removed when that is None."""

    change: object
    moves_to: datetime.date | None


def awaited_support(placement, today: datetime.date) -> AwaitedSupport | None:
    """The in-work support dated ahead that awaits `placement` (a job of an IPS step that begins
    after `today`), and where it goes when the job is cancelled; None when nothing awaits it (a
    change dated earlier awaits another job, which still begins). Two queries at most."""
    from pathways.models import JOB_KINDS

    step = placement.step
    if step is None or placement.kind not in JOB_KINDS or step.code != "supported_employment":
        return None
    change = step.phase_changes.ahead_of(today).first()
    if change is None or change.entered_on != placement.started_on:
        return None
    moves_to = (
        step.placements.not_cancelled()
        .jobs()
        .filter(started_on__gt=today)
        .exclude(pk=placement.pk)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    return AwaitedSupport(change=change, moves_to=moves_to)
