"""Reminder rules of the clients app: plan reviews, care-team memberships ending,
responsible workers who can no longer act and break-the-glass reviews.

`register()` is called from ClientsConfig.ready(). Each rule reads what is
due in one set-based query, streamed with `.iterator(chunk_size=batch_size)`,
and yields one ReminderSpec per object and recipient; the sweep writes them
in bulk, and the reminder's unique key (rule, object, due date, recipient)
makes a repeated sweep write nothing. The due date is the day the thing is
due (the review date, the day of the break-the-glass event), so it does not
move from one sweep to the next.

Titles are shown only in the signed-in inbox and may name the client; the
e-mail digest shows counts per rule label and never a title.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import RoleAssignment
from clients.models import BreakTheGlass, CareTeamMembership, ClientPlan, PlanStatus, TeamRole
from notifications.rules_registry import (
    ReminderSpec,
    register_reminder_rule,
    register_sweep_end,
    team_rules,
)
from notifications.texts import Text

PLAN_REVIEW_DUE = "clients.plan_review_due"
PLAN_REVIEW_OVERDUE = "clients.plan_review_overdue"
BREAK_THE_GLASS_REVIEW = "clients.break_the_glass_review"
MEMBERSHIP_ENDING = "clients.membership_ending"
RESPONSIBLE_WORKER_UNREACHABLE = "clients.responsible_worker_unreachable"
# The rules that remind the managers of a unit as its managers, not as members of a client's
# care team: they stay theirs when they leave a team or hand a client over.
UNIT_MANAGER_RULES = (RESPONSIBLE_WORKER_UNREACHABLE, BREAK_THE_GLASS_REVIEW)

# Days before the review date that the responsible worker is reminded.
PLAN_REVIEW_DUE_DAYS = 7
# Days before a membership's "valid until" day that the responsible worker is reminded.
MEMBERSHIP_ENDING_DAYS = 7
# Plans in these states are followed up; a draft has not been agreed, a closed plan is over.
REVIEWED_PLAN_STATUSES = (PlanStatus.AGREED, PlanStatus.ACTIVE)


def window_days(code: str, default: int) -> int:
    """The rule's window in days: settings.POLKU_REMINDER_WINDOWS[code], else `default`."""
    return getattr(settings, "POLKU_REMINDER_WINDOWS", {}).get(code, default)


def responsible_worker(day: datetime.date, client_field: str = "client") -> Subquery:
    """The client's responsible worker on `day` (a user id) as a subquery on `client_field`.

    `day` is the sweep's `today`, not the real date: a sweep run for a given day (a late
    or repeated run, a test) addresses the worker responsible that day, as the coach checks
    (pathways.reminders._on_team) and the managers (_managers_by_unit) already read it.
    At most one current responsible worker per client (a database constraint),
    found through the constraint's partial index. Only one who can act on it
    (CareTeamMembershipQuerySet.reachable: an active account, a role that fits held that
    day in the membership's organisation): a worker who left keeps the clients until they
    are handed over, but is reminded of nothing they can no longer open; the unit's
    managers are told instead (responsible_workers_unreachable).
    """
    return Subquery(
        CareTeamMembership.objects.reachable(day)
        .filter(client=OuterRef(client_field), role=TeamRole.RESPONSIBLE_WORKER)
        .values("user")[:1]
    )


def client_name(first_names: str, calling_name: str, last_name: str) -> str:
    """The name the inbox shows, as Client.display_name."""
    given = calling_name or (first_names.split() or [""])[0]
    return f"{given} {last_name}".strip()


def client_link(client_uuid) -> str:
    return reverse("clients:detail", kwargs={"client_id": client_uuid})


def plan_first_version() -> Subquery:
    """The first version (a pk) of the plan whose version the outer query reads: a plan's
    reminders are about the plan, whatever version is in force, so they are keyed on it."""
    return Subquery(
        ClientPlan.objects.filter(client=OuterRef("client"), plan_type=OuterRef("plan_type"))
        .order_by("version")
        .values("pk")[:1]
    )


def _plans_to_review(today: datetime.date, batch_size: int, **review_filter):
    """The plan versions in force (ClientPlan.in_force: a draft revision being written does not
    stop the agreed version's reviews) of open clients with a responsible worker.

    The reminder concerns the plan's first version, so a plan has one reminder per review
    date and recipient: a revision that keeps the date (a new version) adds none."""
    return (
        ClientPlan.objects.in_force()
        .filter(client__closed_on__isnull=True, **review_filter)
        .annotate(worker_id=responsible_worker(today), first_version=plan_first_version())
        .filter(worker_id__isnull=False)
        .values_list(
            "first_version",
            "next_review_on",
            "worker_id",
            "client__uuid",
            "client__first_names",
            "client__calling_name",
            "client__last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )


def plan_reviews_due(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Plans in force (agreed or active) whose review is today or within the window (7 days)."""
    last = today + datetime.timedelta(days=window_days(PLAN_REVIEW_DUE, PLAN_REVIEW_DUE_DAYS))
    rows = _plans_to_review(today, batch_size, next_review_on__range=(today, last))
    for pk, review_on, worker_id, uuid, first_names, calling_name, last_name in rows:
        yield ReminderSpec(
            recipient_id=worker_id,
            model=ClientPlan,
            object_id=pk,
            due_date=review_on,
            title=Text(
                gettext_noop("Suunnitelman tarkistus lähestyy: {client}"),
                client=client_name(first_names, calling_name, last_name),
            ),
            link=client_link(uuid),
            client_id=uuid,
        )


def plan_reviews_overdue(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Plans in force (agreed or active) whose review date has passed (from the day after it)."""
    rows = _plans_to_review(today, batch_size, next_review_on__lt=today)
    for pk, review_on, worker_id, uuid, first_names, calling_name, last_name in rows:
        yield ReminderSpec(
            recipient_id=worker_id,
            model=ClientPlan,
            object_id=pk,
            due_date=review_on,
            title=Text(
                gettext_noop("Suunnitelman tarkistus myöhässä: {client}"),
                client=client_name(first_names, calling_name, last_name),
            ),
            link=client_link(uuid),
            client_id=uuid,
        )


def memberships_ending(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Current care-team memberships whose "valid until" day is within the window (7 days),
    for the client's responsible worker, who may extend it from the team panel."""
    last = today + datetime.timedelta(days=window_days(MEMBERSHIP_ENDING, MEMBERSHIP_ENDING_DAYS))
    rows = (
        CareTeamMembership.objects.current(today)
        .filter(valid_until__range=(today, last), client__closed_on__isnull=True)
        .annotate(worker_id=responsible_worker(today))
        .filter(worker_id__isnull=False)
        .values_list(
            "pk",
            "valid_until",
            "worker_id",
            "role",
            "client__uuid",
            "client__first_names",
            "client__calling_name",
            "client__last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, valid_until, worker_id, role, uuid, first_names, calling_name, last_name in rows:
        yield ReminderSpec(
            recipient_id=worker_id,
            model=CareTeamMembership,
            object_id=pk,
            due_date=valid_until,
            title=Text(
                gettext_noop("Tiimin jäsenyys päättyy ({role}): {client}"),
                role=TeamRole(role).label,
                client=client_name(first_names, calling_name, last_name),
            ),
            link=client_link(uuid),
            client_id=uuid,
        )


def _managers_by_unit(today: datetime.date, batch_size: int) -> dict[int, set[int]]:
    managers: dict[int, set[int]] = defaultdict(set)
    rows = (
        RoleAssignment.objects.managing(today)
        .values_list("unit_id", "user_id")
        .iterator(chunk_size=batch_size)
    )
    for unit_id, user_id in rows:
        managers[unit_id].add(user_id)
    return managers


def break_the_glass_reviews(today: datetime.date, batch_size: int) -> Iterator[ReminderSpec]:
    """Break-the-glass events awaiting review, for every manager of the unit the glass was broken
    in (the event's unit: its manager reviews it, also after the client has moved on).

    Two queries whatever the number of events: the managers of all units, then
    the events. The person who broke the glass is never asked to review it,
    even if they also hold the manager role. The link goes to the review list,
    where the manager acts, so that the reminder does not lead the manager to
    open the client's record (a logged access) for nothing; it names no client and is
    tied to none: the manager reviews the event also after the client has moved to a unit
    whose clients they do not see (the review list names the client to its reviewers).
    """
    managers = _managers_by_unit(today, batch_size)
    if not managers:
        return
    review_link = reverse("clients:break_the_glass_review")
    rows = (
        BreakTheGlass.objects.awaiting_review()
        .filter(started_at__date__lte=today, unit__in=list(managers))
        .values_list(
            "pk",
            "started_at",
            "user_id",
            "unit_id",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    title = Text(gettext_noop("Murtautuminen odottaa tarkastusta"))
    for pk, started_at, user_id, unit_id in rows:
        for manager_id in sorted(managers[unit_id] - {user_id}):
            yield ReminderSpec(
                recipient_id=manager_id,
                model=BreakTheGlass,
                object_id=pk,
                due_date=timezone.localdate(started_at),
                title=title,
                link=review_link,
            )


def _unreachable_responsibilities(today: datetime.date):
    """Current responsible-worker memberships of open clients through which their worker can
    no longer act (CareTeamMembershipQuerySet.unreachable: the account closed, or no role
    that fits left in the organisation, say after leaving the unit)."""
    return CareTeamMembership.objects.unreachable(today).filter(
        role=TeamRole.RESPONSIBLE_WORKER, client__closed_on__isnull=True
    )


def responsible_workers_unreachable(
    today: datetime.date, batch_size: int
) -> Iterator[ReminderSpec]:
    """Clients whose responsible worker can no longer act on them: what falls due on such a
    client (a plan review, a step ending) reminds no one (`responsible_worker` reads only
    a worker who can act), so every manager of the client's responsible unit is told,
    once per such membership, to hand the caseload over: the link opens the handover of
    that worker's clients. Due on the day the responsibility began (a date that does not
    move from one sweep to the next). Two queries whatever the number of clients."""
    managers = _managers_by_unit(today, batch_size)
    if not managers:
        return
    handover = reverse("clients:handover")
    rows = (
        _unreachable_responsibilities(today)
        .filter(client__responsible_unit__in=list(managers))
        .values_list(
            "pk",
            "started_on",
            "user_id",
            "client__responsible_unit_id",
            "client__uuid",
            "client__first_names",
            "client__calling_name",
            "client__last_name",
        )
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    for pk, started_on, worker_id, unit_id, uuid, first_names, calling_name, last_name in rows:
        title = Text(
            gettext_noop("Vastuutyöntekijä ei voi enää hoitaa asiakasta, siirrä vastuu: {client}"),
            client=client_name(first_names, calling_name, last_name),
        )
        for manager_id in sorted(managers[unit_id] - {worker_id}):
            yield ReminderSpec(
                recipient_id=manager_id,
                model=CareTeamMembership,
                object_id=pk,
                due_date=started_on,
                title=title,
                link=f"{handover}?from={worker_id}",
                client_id=uuid,
            )


def withdraw_stale_unreachable(today: datetime.date) -> int:
    """The `withdraw_stale` of the rule above: once the responsibility is handed over (the
    membership ended) or the worker can act again (a role given back), its reminders are
    marked read for every manager."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=RESPONSIBLE_WORKER_UNREACHABLE,
        still_due=_unreachable_responsibilities(today),
        due_field="started_on",
        today=today,
    )


def _plans_reminded():
    """The plans the review reminders concern (each plan's first version, open clients only)
    with the review date of the version in force (`review_on`; NULL when none is in force)."""
    in_force = ClientPlan.objects.in_force().filter(
        client=OuterRef("client"), plan_type=OuterRef("plan_type")
    )
    return (
        ClientPlan.objects.filter(client__closed_on__isnull=True)
        .annotate(first_version=plan_first_version())
        .filter(pk=F("first_version"))
        .annotate(review_on=Subquery(in_force.values("next_review_on")[:1]))
    )


def withdraw_stale_reviews_due(today: datetime.date) -> int:
    """The `withdraw_stale` of the "review approaching" rule. Once its day has passed, the
    overdue rule's reminder of the same review takes over (it runs next in the same sweep):
    the approaching one is marked read, or the inbox showed the one review twice, both late.
    Also taken back: the review date moved or the plan or the client relationship closed
    by a path that did not settle it (clients.actions settles it on a decided revision)."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=PLAN_REVIEW_DUE,
        still_due=_plans_reminded().filter(review_on__gte=today),
        due_field="review_on",
        today=today,
    )


def withdraw_stale_reviews_overdue(today: datetime.date) -> int:
    """The `withdraw_stale` of the "review overdue" rule: marked read when the review date
    moved, the plan is no longer in force or the client relationship closed (a closed
    client's plans are not followed up), so it does not stay overdue for good."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=PLAN_REVIEW_OVERDUE, still_due=_plans_reminded(), due_field="review_on", today=today
    )


def withdraw_stale_memberships_ending(today: datetime.date) -> int:
    """The `withdraw_stale` of the "membership ends" rule: the reminder of a membership that
    ended before its last day (ended or cancelled by a path that did not take it back, such
    as a step's coach leaving or consent coverage lost), whose last day moved, or of a
    client whose relationship closed asks for nothing any more: one not yet due is taken
    back, a past one marked read (the row stays). A membership that ran to its last day
    (ended on it, by the lapse task or by hand) keeps its reminder unread up to that day:
    it was right; once the day has passed, it asks for nothing any more and is marked read
    too, or the bell and the digest would count it as overdue for good."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=MEMBERSHIP_ENDING,
        still_due=CareTeamMembership.objects.filter(
            client__closed_on__isnull=True, valid_until__gte=today
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=F("valid_until"))),
        due_field="valid_until",
        today=today,
    )


def withdraw_stale_break_the_glass(today: datetime.date) -> int:
    """The `withdraw_stale` of the break-the-glass rule: the reminders of an event reviewed
    meanwhile are marked read for every manager (review_break_the_glass settles them, but a
    sweep that read the event before the review wrote them after it)."""
    from notifications.actions import withdraw_stale_reminders

    return withdraw_stale_reminders(
        rule=BREAK_THE_GLASS_REVIEW,
        still_due=BreakTheGlass.objects.awaiting_review().annotate(
            started_on=TruncDate("started_at")
        ),
        due_field="started_on",
        today=today,
    )


def settle_reminders_off_the_team(today: datetime.date) -> int:
    """The sweep's end (notifications.rules_registry.register_sweep_end): the unread
    reminders of the rules that remind the client's team (`reminds_the_team`: a plan review,
    a step's end, a consent running out) whose recipient no longer reaches the client
    (CareTeamMembershipQuerySet.reachable on `today`, as the rules read whom they remind)
    are settled, in one UPDATE. A transfer of responsibility settles the former worker's
    reminders itself, but one committed while the sweep ran, between a rule's read and its
    write, left them what the sweep then wrote. The rules of the unit's managers
    (UNIT_MANAGER_RULES) and of a task's assignee (who follows the task,
    notifications.actions.hand_over_tasks; their rules' withdraw_stale settle what a sweep
    wrote after the task was done) do not remind the team, and are left as they are."""
    from notifications.actions import settle_unreached_reminders

    return settle_unreached_reminders(
        rules=team_rules(),
        reaching=CareTeamMembership.objects.reachable(today),
        client_field="client__uuid",
        user_field="user",
    )


def register() -> None:
    """Registers the rules of this module, and the sweep's end that settles the team rules'
    reminders of those who left the team; called from ClientsConfig.ready()."""
    register_sweep_end("clients.reminders_off_the_team", settle_reminders_off_the_team)
    register_reminder_rule(
        PLAN_REVIEW_DUE,
        _("Suunnitelman tarkistus lähestyy"),
        plan_reviews_due,
        withdraw_stale=withdraw_stale_reviews_due,
        reminds_the_team=True,
    )
    register_reminder_rule(
        PLAN_REVIEW_OVERDUE,
        _("Suunnitelman tarkistus myöhässä"),
        plan_reviews_overdue,
        withdraw_stale=withdraw_stale_reviews_overdue,
        reminds_the_team=True,
    )
    register_reminder_rule(
        MEMBERSHIP_ENDING,
        _("Tiimin jäsenyys päättyy"),
        memberships_ending,
        withdraw_stale=withdraw_stale_memberships_ending,
        reminds_the_team=True,
    )
    register_reminder_rule(
        RESPONSIBLE_WORKER_UNREACHABLE,
        _("Vastuutyöntekijä ei voi hoitaa asiakasta"),
        responsible_workers_unreachable,
        withdraw_stale=withdraw_stale_unreachable,
    )
    register_reminder_rule(
        BREAK_THE_GLASS_REVIEW,
        _("Murtautuminen odottaa tarkastusta"),
        break_the_glass_reviews,
        withdraw_stale=withdraw_stale_break_the_glass,
    )
