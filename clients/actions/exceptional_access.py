"""Access outside the team: break-the-glass with its review, and a request for access."""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.security_log import log_event_on_commit
from audit.actions import log_access
from audit.free_text import check_no_identity_code
from audit.history import history_context
from audit.models import Basis
from clients.models import BreakTheGlass, CareTeamMembership, Client, TeamRole
from notifications.texts import Text


def break_the_glass(*, client: Client, user, reason: str) -> BreakTheGlass:
    """Grants the user time-limited read access to a client outside their team, with a reason.

    Allowed only where the rule `clients.break_the_glass` holds (checked by the
    caller through access.may_break_the_glass). Logged and listed for review. ValidationError
    on `reason` when it is too short or holds an identity code (it goes into the access log).
    """
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Kerro peruste tarkemmin (vähintään 10 merkkiä).")})
    check_no_identity_code(reason, field="reason")
    started = timezone.now()
    with transaction.atomic():
        event = BreakTheGlass.objects.create(
            client=client,
            user=user,
            role=user.active_role,
            unit=user.active_assignment.unit,
            reason=reason,
            started_at=started,
            expires_at=started + datetime.timedelta(minutes=settings.POLKU_BREAK_THE_GLASS_MINUTES),
        )
        log_access(
            actor=user,
            client_id=client.uuid,
            action="clients.client.break_the_glass",
            basis=Basis.BREAK_THE_GLASS,
            obj=event,
            detail=reason[:300],
        )
    client.__dict__.pop("_relations", None)
    return event


def review_break_the_glass(*, event: BreakTheGlass, reviewed_by, note: str = "") -> BreakTheGlass:
    """Marks a break-the-glass event reviewed by a manager or the DPO (logged on the client).

    Raises ValidationError when the reviewer broke the glass themselves (a user who holds
    both a worker's and the manager's role). A second review changes and logs nothing. The
    review reminders of every manager about the event are marked read in the same transaction.
    """
    if event.user_id == reviewed_by.pk:
        raise ValidationError(
            _(
                "Et voi tarkastaa omaa murtautumistasi. Sen tarkastaa toinen esihenkilö tai tietosuojavastaava."
            )
        )
    with transaction.atomic(), history_context(reviewed_by, "clients.break_the_glass.reviewed"):
        locked = BreakTheGlass.objects.select_for_update().select_related("client").get(pk=event.pk)
        if locked.reviewed_at is None:
            locked.reviewed_at = timezone.now()
            locked.reviewed_by = reviewed_by
            locked.review_note = note.strip()
            locked.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
            log_access(
                actor=reviewed_by,
                client_id=locked.client.uuid,
                action="clients.break_the_glass.reviewed",
                basis=Basis.DATA_PROTECTION
                if getattr(reviewed_by, "active_role", None) == "dpo"
                else Basis.MANAGER,
                obj=locked,
            )
            _settle_break_the_glass_reminders(locked)
    return locked


def _settle_break_the_glass_reminders(event: BreakTheGlass) -> None:
    """Reviewed once is reviewed: the other managers' reminders to review it, due or
    past, are marked read (notifications' settle_reminders), not left waiting in their inbox."""
    from clients.reminders import BREAK_THE_GLASS_REVIEW
    from notifications.actions import settle_reminders

    settle_reminders(rule=BREAK_THE_GLASS_REVIEW, concerning=event)


def clean_access_request_reason(reason: str) -> str:
    """The reason of an access request, stripped; ValidationError on `reason` when too short
    or when it holds an identity code (it goes into the access log and the decider's task).

    The request form checks it before looking the client up, so that the answer is the
    same whether or not the identity code has a client."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Kerro lyhyesti, miksi tarvitset pääsyn (vähintään 10 merkkiä).")}
        )
    check_no_identity_code(reason, field="reason")
    return reason


# The task kind of an access request.
ACCESS_REQUEST_TASK = "clients.access_request"


def access_request_deciders(client: Client) -> list:
    """Who decides on an access request to `client` (a locked row): its responsible worker
    when they can act (`CareTeamMembershipQuerySet.reachable`), else, when there is none or
    they cannot (the account closed, the role ended), the managers of the client's
    responsible unit (`RoleAssignmentQuerySet.managing`, as the reminder
    clients.responsible_worker_unreachable finds them), ordered by id; empty when the unit
    has none. Only they reach the client and its team page, where the request is decided
    (`clients.manage_team`: the responsible worker, the manager of the responsible unit): a
    manager of another unit of the organisation reaches only their own unit's clients, so
    the request never goes to them. Two queries at most."""
    from accounts.models import RoleAssignment, User

    responsible = (
        CareTeamMembership.objects.reachable()
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("user")
        .first()
    )
    if responsible is not None:
        return [responsible.user]
    managing = RoleAssignment.objects.managing().filter(unit=client.responsible_unit_id)
    return list(User.objects.filter(pk__in=managing.values("user_id")).order_by("pk"))


def _access_request_key(client: Client, requester) -> str:
    """The key of the requester's first request of the client; each later one, and each
    further decider's task, adds a suffix to it (`:after-N`, `:to-M`)."""
    return f"access-request:{client.pk}:{requester.pk}"


def settle_access_requests(*, client: Client, user, by) -> int:
    """Checks off, as settled by `by`, the open requests of `user` for access to `client`,
    every decider's task (notifications.actions.settle_tasks): `user` joined the team, so
    the request is decided, whoever of the deciders added them (or accepted them). Call it
    in the joining action's transaction and history context. Returns how many."""
    from notifications.actions import settle_tasks
    from notifications.models import Task

    first_key = _access_request_key(client, user)
    keys = list(
        Task.objects.open()
        .filter(Q(key=first_key) | Q(key__startswith=f"{first_key}:"), kind=ACCESS_REQUEST_TASK)
        .values_list("key", flat=True)
    )
    return settle_tasks(keys=keys, by=by) if keys else 0


# The security-log event of an access request no one can decide on.
ACCESS_REQUEST_UNDECIDABLE = "clients.access_request_undecidable"


def _log_undecidable(*, client: Client, requested_by, reason: str) -> None:
    """The request no one can decide on is still on the client's access log (as any request
    is), and a warning on the security log, once the request commits, tells the operator
    that the client's responsible unit has no one to decide (ids only)."""
    log_access(
        actor=requested_by,
        client_id=client.uuid,
        action="clients.access.requested",
        basis=Basis.REGISTRATION,
        detail=reason[:300],
    )
    log_event_on_commit(
        ACCESS_REQUEST_UNDECIDABLE,
        request=None,
        user_id=requested_by.pk,
        level=logging.WARNING,
        unit_id=client.responsible_unit_id,
        organisation_id=client.organisation_id,
    )


def request_access(*, client: Client, requested_by, reason: str):
    """Asks whom `access_request_deciders` names (the client's responsible worker who can
    act, else the managers of the client's responsible unit) to add `requested_by` to the
    team; returns the task the request is in (the first decider's), None when there is no
    one to decide (no reachable responsible worker and no manager of the unit): then no task
    is made, the request is logged on the client all the same and the security log warns
    (`ACCESS_REQUEST_UNDECIDABLE`), for the caller to tell the requester.

    The requester learns nothing of the client; each decider gets a task and one of them
    decides. One open request per requester, client and decider: asked again while the
    earlier tasks are still open, they stay (notifications' restate_task): the latest reason
    becomes their description (the earlier ones are in their change history and on the
    access log). Each current decider keeps the task they hold; one who holds none takes an
    open task no decider holds (left with a worker no longer responsible, or with the
    managers), or gets a new one; a task left over (the managers had it, the responsible
    worker can act again) is checked off. Asked after the earlier ones were done, the
    current deciders get new open tasks. The keys name the requester's latest earlier task
    (the first request has none) and, but for the first task of a request, the decider, so
    they are the same for a double submit of one request and the database's unique key
    lets it create one task per decider also when the two run at once; the client's lock
    (the team's, as the team actions take it) makes the second wait and find the first.
    Each request is logged on the client.
    """
    from notifications.actions import create_task, restate_task, settle_tasks
    from notifications.models import Task

    reason = clean_access_request_reason(reason)
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        deciders = access_request_deciders(locked)
        if not deciders:
            _log_undecidable(client=locked, requested_by=requested_by, reason=reason)
            return None
        # The key of the requester's first request of the client; a later one names the
        # request before it.
        first_key = _access_request_key(locked, requested_by)
        earlier = Task.objects.filter(
            Q(key=first_key) | Q(key__startswith=f"{first_key}:"), kind=ACCESS_REQUEST_TASK
        )
        still_open = list(earlier.open().select_for_update().order_by("-pk"))
        previous = earlier.order_by("-pk").values_list("pk", flat=True).first()
        base_key = first_key if previous is None else f"{first_key}:after-{previous}"
        # Each decider keeps the open task they hold; one who holds none takes a task no
        # decider holds (the newest first), and then gets a new one.
        deciding = {decider.pk for decider in deciders}
        held: dict[int, Task] = {}
        for each in still_open:
            if each.assignee_id in deciding:
                held.setdefault(each.assignee_id, each)
        spare = [each for each in still_open if held.get(each.assignee_id) is not each]
        tasks: dict[int, Task] = {}
        for decider in deciders:
            earlier_task = held.get(decider.pk) or (spare.pop(0) if spare else None)
            if earlier_task is not None:
                tasks[decider.pk] = restate_task(
                    task=earlier_task, by=requested_by, description=reason, assignee=decider
                )
                continue
            tasks[decider.pk] = create_task(
                assignee=decider,
                kind=ACCESS_REQUEST_TASK,
                title=Text(
                    gettext_noop("Pääsypyyntö asiakkaan tietoihin: {name}"),
                    name=requested_by.get_full_name(),
                ),
                description=reason,
                client_id=locked.uuid,
                link=f"/clients/{locked.uuid}/team/add/",
                created_by=requested_by,
                key=base_key if not still_open and not tasks else f"{base_key}:to-{decider.pk}",
            )
        # Held by no one who decides now (the responsible worker can act again): checked off.
        settle_tasks(keys=[each.key for each in spare], by=requested_by)
        task = tasks[deciders[0].pk]
        log_access(
            actor=requested_by,
            client_id=locked.uuid,
            action="clients.access.requested",
            basis=Basis.REGISTRATION,
            obj=task,
            detail=reason[:300],
        )
    return task
