"""Reminder rules of the pathways app: steps that reach a limit, end without a follow-on step
or stay open past their planned end.

`register()` is called from PathwaysConfig.ready(). As in clients/reminders.py,
each rule is one set-based query streamed in chunks, yielding one
ReminderSpec per step and recipient; the due date is the day the matter is
due (the first day of the warning month, the planned end, the day the
employer-contact alert falls due), so repeated sweeps write nothing new.

Limits that are law or local practice come from the step's own rule set
(`step.rule_set`, the one in force on its start date): `warning_month` and
`employer_contact_alert_days`. The defaults of DOMAIN.md apply only when the
step has no rule set or the rule set leaves the field empty.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import (
    Case,
    DateField,
    DurationField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from clients.models import CareTeamMembership
from clients.reminders import client_name, responsible_worker, window_days
from notifications.actions import withdraw_stale_reminders
from notifications.rules_registry import DatePlus, ReminderSpec, register_reminder_rule
from notifications.texts import Text
from pathways.models import EmployerContact, PathwayStep, StepStatus
from services.i18n import lazy_name

REHAB_MONTH_21 = "pathways.rehab_month_21"
STEP_ENDING_WITHOUT_NEXT = "pathways.step_ending_without_next"
JOBCENTER_ENDING_WITHOUT_NEXT = "pathways.jobcenter_ending_without_next"
IPS_NO_EMPLOYER_CONTACT = "pathways.ips_no_employer_contact"
STEP_REVIEW_DUE = "pathways.step_review_due"
STEP_PLANNED_END_PASSED = "pathways.step_planned_end_passed"
# The rules whose reminders are about an open step: ending or cancelling the step ends them.
STEP_RULES = (
    REHAB_MONTH_21,
    STEP_ENDING_WITHOUT_NEXT,
    JOBCENTER_ENDING_WITHOUT_NEXT,
    IPS_NO_EMPLOYER_CONTACT,
    STEP_REVIEW_DUE,
    STEP_PLANNED_END_PASSED,
)

REHABILITATIVE_WORK_ACTIVITY = "rehabilitative_work_activity"
JOBCENTER_PAID_WORK = "jobcenter_paid_work"
SUPPORTED_EMPLOYMENT = "supported_employment"
WORK_COACHING = "work_coaching"

# DOMAIN.md defaults, used only when the step's rule set leaves the field empty.
DEFAULT_WARNING_MONTH = 21
DEFAULT_EMPLOYER_CONTACT_ALERT_DAYS = 30
# Windows in days before the planned end (POLKU_REMINDER_WINDOWS overrides them).
STEP_ENDING_DAYS = 14
JOBCENTER_ENDING_DAYS = 7
STEP_REVIEW_DAYS = 14
# Days after the planned end from which a step still open is reminded of (the day after it).
STEP_PLANNED_END_PASSED_DAYS = 1


def ending_window_days(service_code: str) -> int:
    """Days before a planned end from which a step without a follow-on is flagged (reminder
    and timeline alike): the Jobcenter paid period has its own, shorter window."""
    if service_code == JOBCENTER_PAID_WORK:
        return window_days(JOBCENTER_ENDING_WITHOUT_NEXT, JOBCENTER_ENDING_DAYS)
    return window_days(STEP_ENDING_WITHOUT_NEXT, STEP_ENDING_DAYS)


def review_window_days() -> int:
    """Days before a step's review date from which it is flagged (reminder and timeline)."""
    return window_days(STEP_REVIEW_DUE, STEP_REVIEW_DAYS)


STEP_COLUMNS = (
    "pk",
    "client__uuid",
    "client__first_names",
    "client__calling_name",
    "client__last_name",
    "service_type__name_fi",
    "service_type__name_sv",
    "service_type__name_en",
)


class _MonthsInterval(Func):
    function = "make_interval"
    template = "%(function)s(months => %(expressions)s)"
    output_field = DurationField()


def _open_steps():
    return PathwayStep.objects.open().filter(client__closed_on__isnull=True)


def _steps_ending_on_their_own():
    """Open steps of open clients that end by themselves: without the companions that end with
    the open step they accompany (the work coaching of a rehabilitative work activity period,
    PathwayStepQuerySet.not_ending_with_their_period), which have no follow-on nor an end of
    their own. What the rules about a step's end remind of and their withdrawals check."""
    return _open_steps().not_ending_with_their_period()


def _on_team(user_field: str, today: datetime.date) -> Exists:
    """Whether the user in the outer step's `user_field` can act on `today` through a
    care-team membership of the step's client (CareTeamMembershipQuerySet.reachable: an
    active account and a role that fits, such as a coach whose coach role has not ended).
    Checked here, not only when the reminders are written (remind_many skips inactive
    users), so that a Jobcenter period whose own coach has left falls back to the work
    coaching's coach."""
    return Exists(
        CareTeamMembership.objects.reachable(today).filter(
            client=OuterRef("client"), user=OuterRef(user_field)
        )
    )


def _team_coach(today: datetime.date) -> Case:
    """The step's coach (a user id) while they are on the client's care team, else NULL.

    A coach whom the responsible worker took off the team stays on the step (update_step
    keeps them) but no longer reaches the client, so is not reminded of the client."""
    return Case(
        When(_on_team("coach", today), then=F("coach_id")),
        default=Value(None),
        output_field=IntegerField(),
    )


def _work_coach(today: datetime.date) -> Coalesce:
    """The work coach of a Jobcenter paid-work period (a user id, or NULL): the period's own
    coach, or when it names none, the coach of the client's work coaching (not cancelled)
    running alongside it, overlapping the period, as pathways.rules.coaches_alongside reads
    who coaches it (docs/permissions.md: its reminders go to them); the latest of those
    begun when two overlap it (the one at its end). Either only while on the client's care
    team. A work coaching planned to follow the period is not alongside it. The period is
    open, so its planned end is its end."""
    alongside = (
        PathwayStep.objects.filter(client=OuterRef("client"), coach__isnull=False)
        .of_type(WORK_COACHING)
        .not_cancelled()
        .overlapping(OuterRef("start_on"), OuterRef("planned_end_on"))
        .filter(_on_team("coach", today))
        .order_by("-start_on", "-pk")
        .values("coach")[:1]
    )
    return Coalesce(_team_coach(today), Subquery(alongside), output_field=IntegerField())


def _step_specs(
    base: list, *, title: str, due_date: datetime.date, recipients: Iterable[int | None], **args
) -> Iterator[ReminderSpec]:
    """The specs of one step row (STEP_COLUMNS), one per distinct recipient, each leading to
    the step's page, where the matter is seen to (a follow-on planned, a review recorded).
    `title` is a msgid (gettext_noop) with `{client}`, `{service}` and `args`."""
    pk, uuid, first_names, calling_name, last_name, name_fi, name_sv, name_en = base
    text = Text(
        title,
        client=client_name(first_names, calling_name, last_name),
        service=lazy_name(name_fi, name_sv, name_en),
        **args,
    )
    for recipient_id in dict.fromkeys(r for r in recipients if r is not None):
        yield ReminderSpec(
            recipient_id=recipient_id,
            model=PathwayStep,
            object_id=pk,
            due_date=due_date,
            title=text,
            link=reverse("pathways:step", kwargs={"client_id": uuid, "step_id": pk}),
            client_id=uuid,
        )


def period_month_start_sql(start, month) -> Case:
    """step_rules.period_month_start as an SQL expression of a date `start` and a month
    number `month` (expressions): start + (month - 1) months, which PostgreSQL clamps to the
    month's last day where the day does not exist (a start on the 29th to 31st), and then the
    day after that last day, as period_end_limit counts it. The one expression of it: the
    month-21 rule, its withdrawal and the reports' count of periods in their warning
    months or past their maximum (reports.indicators) all read it."""
    later = DatePlus(start, _MonthsInterval(month - Value(1)))
    return Case(
        When(LessThan(ExtractDay(later), ExtractDay(start)), then=DatePlus(later, Value(1))),
        default=later,
        output_field=DateField(),
    )


def warning_month_of(step: PathwayStep) -> int | None:
    """The month of the step's period from which its end is warned of: its rule set's
    `warning_month`, else, for rehabilitative work activity, the act's month 21
    (DEFAULT_WARNING_MONTH; DOMAIN.md: "warn in month 21"); None for another service whose
    rules set none. The one definition: the step page's and the timeline's warning
    (`timeline.step_warnings`) reads it, and `warning_month_sql` is the same for the
    rehabilitative work activity steps the month-21 reminder and the reports count."""
    rules = step.rule_set
    if rules is not None and rules.warning_month is not None:
        return rules.warning_month
    if step.service_type.code == REHABILITATIVE_WORK_ACTIVITY:
        return DEFAULT_WARNING_MONTH
    return None


def warning_month_sql() -> Coalesce:
    """`warning_month_of` in a query of rehabilitative work activity steps: the rule set's
    warning month, else the act's month 21."""
    return Coalesce(
        F("rule_set__warning_month"), Value(DEFAULT_WARNING_MONTH), output_field=IntegerField()
    )


def _rehab_steps_warned():
    """Open rehabilitative work activity steps of open clients with their warning month
    (`warning_month`, `warning_month_sql`) and the day it begins (`warns_on`): what the
    month-21 rule reminds of and its withdrawal checks, one expression for both."""
    return (
        _open_steps()
        .filter(service_type__code=REHABILITATIVE_WORK_ACTIVITY)
        .annotate(warning_month=warning_month_sql())
        .annotate(warns_on=period_month_start_sql(F("start_on"), F("warning_month")))
    )


def rehab_month_21(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Open rehabilitative work activity steps that have reached their warning month.

    The warning month (21 of 24 under the act) is the rule set's
    `warning_month`; it begins on step_rules.period_month_start (the day after
    month m - 1 ends by step_rules.period_end_limit, as the timeline and the
    duration limits count), computed in the query (period_month_start_sql), which is the
    reminder's due date. To the responsible worker. Taken back when it no longer fits
    (withdraw_stale_month_21).
    """
    rows = (
        _rehab_steps_warned()
        .annotate(worker_id=responsible_worker(today))
        .filter(warns_on__lte=today, worker_id__isnull=False)
        .values_list(*STEP_COLUMNS, "warns_on", "warning_month", "worker_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, begins, month, worker_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop("{service}, {month}. kuukausi alkanut: {client}"),
            due_date=begins,
            recipients=[worker_id],
            month=month,
        )


def _ending_without_next(today: datetime.date, days: int):
    last = today + datetime.timedelta(days=days)
    return _steps_ending_on_their_own().filter(
        next_step__isnull=True, planned_end_on__range=(today, last)
    )


def steps_ending_without_next(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Open steps whose planned end is within 14 days and that have no follow-on step.

    To the responsible worker and the step's coach while on the client's care team.
    Jobcenter paid-work periods have their own rule (and window), so they are left out here.
    """
    days = window_days(STEP_ENDING_WITHOUT_NEXT, STEP_ENDING_DAYS)
    rows = (
        _ending_without_next(today, days)
        .exclude(service_type__code=JOBCENTER_PAID_WORK)
        .annotate(worker_id=responsible_worker(today), team_coach_id=_team_coach(today))
        .values_list(*STEP_COLUMNS, "planned_end_on", "worker_id", "team_coach_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, planned_end_on, worker_id, coach_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop("{service} päättyy ilman jatkopolkua: {client}"),
            due_date=planned_end_on,
            recipients=[worker_id, coach_id],
        )


def jobcenter_ending_without_next(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Open Jobcenter paid-work periods ending within 7 days without a follow-on step.

    To the work coach (`_work_coach`: the period's coach, or the coach of the work coaching
    running alongside it) and the responsible worker.
    """
    days = ending_window_days(JOBCENTER_PAID_WORK)
    rows = (
        _ending_without_next(today, days)
        .filter(service_type__code=JOBCENTER_PAID_WORK)
        .annotate(work_coach_id=_work_coach(today), worker_id=responsible_worker(today))
        .values_list(*STEP_COLUMNS, "planned_end_on", "work_coach_id", "worker_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, planned_end_on, work_coach_id, worker_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop("{service} päättyy ilman jatkopolkua: {client}"),
            due_date=planned_end_on,
            recipients=[work_coach_id, worker_id],
        )


def _ips_without_employer_contact():
    """Open supported employment (IPS) steps of open clients with no employer contact, with
    the day the alert falls due (`alert_on`): what the IPS rule reminds of and its
    withdrawal checks."""
    fallback = window_days(IPS_NO_EMPLOYER_CONTACT, DEFAULT_EMPLOYER_CONTACT_ALERT_DAYS)
    alert_days = Coalesce(
        F("rule_set__employer_contact_alert_days"), Value(fallback), output_field=IntegerField()
    )
    return (
        _open_steps()
        .filter(service_type__code=SUPPORTED_EMPLOYMENT)
        .filter(~Exists(EmployerContact.objects.filter(step=OuterRef("pk"))))
        .annotate(alert_on=DatePlus(F("start_on"), alert_days))
    )


def ips_without_employer_contact(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Open supported employment (IPS) steps with no employer contact N days after the start.

    N is the rule set's `employer_contact_alert_days` (30 under the IPS
    quality criteria); the alert falls due on start_on + N days, the reminder's
    due date. To the job coach (while on the client's care team) and the responsible worker.
    """
    rows = (
        _ips_without_employer_contact()
        .annotate(worker_id=responsible_worker(today), team_coach_id=_team_coach(today))
        .filter(alert_on__lte=today)
        .values_list(*STEP_COLUMNS, "alert_on", "team_coach_id", "worker_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, alert_on, coach_id, worker_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop("{service} ilman työnantajakontaktia: {client}"),
            due_date=alert_on,
            recipients=[coach_id, worker_id],
        )


def steps_review_due(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Open steps whose review date (`review_due`) is within 14 days or has passed.

    The review date is set from the rule set's `review_interval_months` when
    the step is planned (social rehabilitation: about 3 months), or by hand.
    The due date is the review date. To the responsible worker and the step's coach (while
    on the client's care team).
    """
    days = review_window_days()
    rows = (
        _open_steps()
        .filter(review_due__lte=today + datetime.timedelta(days=days))
        .annotate(worker_id=responsible_worker(today), team_coach_id=_team_coach(today))
        .values_list(*STEP_COLUMNS, "review_due", "worker_id", "team_coach_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, review_due, worker_id, coach_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop("{service}: arviointi {date}: {client}"),
            due_date=review_due,
            recipients=[worker_id, coach_id],
            date=f"{review_due.day}.{review_due.month}.{review_due.year}",
        )


def _steps_past_planned_end():
    """Started steps still open (running or paused) that end on their own
    (`_steps_ending_on_their_own`), of open clients: what the planned-end-passed rule
    reminds of and its withdrawal checks. A step still planned never ran: it is cancelled or
    started, not ended."""
    return _steps_ending_on_their_own().exclude(status=StepStatus.PLANNED)


def steps_past_planned_end(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Started steps still open a day (the window) after their planned end, with a follow-on
    step or without: a period does not just run out (DOMAIN.md), it is ended with its end
    reason, and a rehabilitative work activity period with its review decision.

    The due date is the planned end. To the responsible worker and the step's coach while
    on the client's care team (a Jobcenter period's work coach, `_work_coach`). The
    companion that ends with its period is left out: the period's reminder covers it.
    """
    days = window_days(STEP_PLANNED_END_PASSED, STEP_PLANNED_END_PASSED_DAYS)
    coach = Case(
        When(service_type__code=JOBCENTER_PAID_WORK, then=_work_coach(today)),
        default=_team_coach(today),
        output_field=IntegerField(),
    )
    rows = (
        _steps_past_planned_end()
        .filter(planned_end_on__lte=today - datetime.timedelta(days=days))
        .annotate(worker_id=responsible_worker(today), step_coach_id=coach)
        .values_list(*STEP_COLUMNS, "planned_end_on", "worker_id", "step_coach_id")
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for *base, planned_end_on, worker_id, coach_id in rows:
        yield from _step_specs(
            base,
            title=gettext_noop(
                "{service}: suunniteltu päättymispäivä {date} on ohitettu, päätä jakso ja "
                "kirjaa arvio: {client}"
            ),
            due_date=planned_end_on,
            recipients=[worker_id, coach_id],
            date=f"{planned_end_on.day}.{planned_end_on.month}.{planned_end_on.year}",
        )


# A reminder written for a step's old state is taken back by the sweep, before the rule
# runs: the facts change by many paths (update_step moves a date, plan_step links a
# follow-on, end_step ends the step), and the sweep sees them all.


def withdraw_stale_ending(rule: str):
    """The `withdraw_stale` of an "ending without a follow-on" rule: its reminders not yet
    due are taken back when the step has got a follow-on step, its planned end has moved
    (the next sweep reminds of the new one when it is near), or it or the client's client
    relationship has ended, or it has become the companion that ends with its period. Once
    the planned end has passed with the step still open, the planned-end-passed rule's
    reminder takes over (it runs later in the same sweep): this one is marked read, or the
    inbox asked twice about the one step, both late."""

    def withdraw(today: datetime.date) -> int:
        passed = window_days(STEP_PLANNED_END_PASSED, STEP_PLANNED_END_PASSED_DAYS)
        return withdraw_stale_reminders(
            rule=rule,
            still_due=_steps_ending_on_their_own()
            .filter(next_step__isnull=True)
            .exclude(
                ~Q(status=StepStatus.PLANNED),
                planned_end_on__lte=today - datetime.timedelta(days=passed),
            ),
            due_field="planned_end_on",
            today=today,
        )

    return withdraw


def withdraw_stale_reviews(today: datetime.date) -> int:
    """The `withdraw_stale` of the step review rule: its reminders not yet due are taken
    back when the review date has moved or the step has ended."""
    return withdraw_stale_reminders(
        rule=STEP_REVIEW_DUE, still_due=_open_steps(), due_field="review_due", today=today
    )


def withdraw_stale_planned_end_passed(today: datetime.date) -> int:
    """The `withdraw_stale` of the planned-end-passed rule: its reminders are past once
    written, so they are marked read when their matter has gone by a path that did not settle
    them (ending or cancelling the step settles them at once): the planned end moved (the
    rule reminds of the new one once it has passed), or the client relationship closed."""
    return withdraw_stale_reminders(
        rule=STEP_PLANNED_END_PASSED,
        still_due=_steps_past_planned_end(),
        due_field="planned_end_on",
        today=today,
    )


def withdraw_stale_month_21(today: datetime.date) -> int:
    """The `withdraw_stale` of the month-21 rule. Its reminder is due on the first day of the
    warning month, so it is always past once written: it is marked read (notifications'
    withdraw_stale_reminders) when its reason has gone: the step ended or was cancelled, the
    client's client relationship closed, or the start date or the rule set moved the
    warning month to another day (the rule then reminds of that day when it has come)."""
    return withdraw_stale_reminders(
        rule=REHAB_MONTH_21, still_due=_rehab_steps_warned(), due_field="warns_on", today=today
    )


def withdraw_stale_ips(today: datetime.date) -> int:
    """The `withdraw_stale` of the IPS employer-contact rule: recording a contact settles the
    step's reminders (pathways.actions.records); these are the other paths, the step ended
    or cancelled, the client's relationship closed, or the start date moved the alert."""
    return withdraw_stale_reminders(
        rule=IPS_NO_EMPLOYER_CONTACT,
        still_due=_ips_without_employer_contact(),
        due_field="alert_on",
        today=today,
    )


def register() -> None:
    """Registers the rules of this module; called from PathwaysConfig.ready()."""
    register_reminder_rule(
        REHAB_MONTH_21,
        _("Kuntouttavan työtoiminnan varoituskuukausi"),
        rehab_month_21,
        withdraw_stale=withdraw_stale_month_21,
        reminds_the_team=True,
    )
    register_reminder_rule(
        STEP_ENDING_WITHOUT_NEXT,
        _("Jakso päättymässä ilman jatkopolkua"),
        steps_ending_without_next,
        withdraw_stale=withdraw_stale_ending(STEP_ENDING_WITHOUT_NEXT),
        reminds_the_team=True,
    )
    register_reminder_rule(
        JOBCENTER_ENDING_WITHOUT_NEXT,
        _("Jobcenter-jakso päättymässä ilman jatkopolkua"),
        jobcenter_ending_without_next,
        withdraw_stale=withdraw_stale_ending(JOBCENTER_ENDING_WITHOUT_NEXT),
        reminds_the_team=True,
    )
    register_reminder_rule(
        IPS_NO_EMPLOYER_CONTACT,
        _("IPS: ei työnantajakontaktia"),
        ips_without_employer_contact,
        withdraw_stale=withdraw_stale_ips,
        reminds_the_team=True,
    )
    register_reminder_rule(
        STEP_REVIEW_DUE,
        _("Jakson arviointi lähestyy"),
        steps_review_due,
        withdraw_stale=withdraw_stale_reviews,
        reminds_the_team=True,
    )
    register_reminder_rule(
        STEP_PLANNED_END_PASSED,
        _("Suunniteltu päättymispäivä ohitettu"),
        steps_past_planned_end,
        withdraw_stale=withdraw_stale_planned_end_passed,
        reminds_the_team=True,
    )
