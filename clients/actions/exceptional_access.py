"""Access outside the team: break-the-glass with its review, and a request for access."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.actions import log_access
from audit.history import history_context
from audit.models import Basis
from clients.models import BreakTheGlass, CareTeamMembership, Client, TeamRole
from notifications.texts import Text


def break_the_glass(*, client: Client, user, reason: str) -> BreakTheGlass:
    """Grants the user time-limited read access to a client outside their team, with a reason.

    Allowed only where the rule `clients.break_the_glass` holds (checked by the
    caller through access.may_break_the_glass). Logged and listed for review.
    """
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Kerro peruste tarkemmin (vähintään 10 merkkiä).")})
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
    """The reason of an access request, stripped; ValidationError on `reason` when too short.

    The request form checks it before looking the client up, so that the answer is the
    same whether or not the identity code has a client."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Kerro lyhyesti, miksi tarvitset pääsyn (vähintään 10 merkkiä).")}
        )
    return reason


# The task kind of an access request.
ACCESS_REQUEST_TASK = "clients.access_request"


def request_access(*, client: Client, requested_by, reason: str):
    """Asks the client's responsible worker to add `requested_by` to the team; returns the
    task the request is in (None when the client has no responsible worker).

    The requester learns nothing of the client; the responsible worker gets a task and
    decides. One open request per requester and client: asked again while the earlier
    one is still open, the task stays one (notifications' restate_task): the latest
    reason becomes its description (the earlier ones are in its change history and on the
    access log) and it is the current responsible worker's. Asked after the earlier one
    was done, the current responsible worker gets a new open task. Its key names the
    requester's previous request (the first has none), so the key is the same for a double
    submit of one request, and the database's unique key lets it create one task also
    when the two run at once; the client's lock (the team's, as the team actions take it)
    makes the second wait and find the first. Each request is logged on the client.
    """
    from notifications.actions import create_task, restate_task
    from notifications.models import Task

    reason = clean_access_request_reason(reason)
    with transaction.atomic():
        locked = Client.objects.select_for_update().get(pk=client.pk)
        responsible = (
            CareTeamMembership.objects.current()
            .filter(client=locked, role=TeamRole.RESPONSIBLE_WORKER)
            .select_related("user")
            .first()
        )
        if responsible is None:
            return None
        # The key of the requester's first request of the client; a later one names the
        # request before it.
        first_key = f"access-request:{locked.pk}:{requested_by.pk}"
        earlier = Task.objects.filter(
            Q(key=first_key) | Q(key__startswith=f"{first_key}:"), kind=ACCESS_REQUEST_TASK
        )
        still_open = earlier.open().select_for_update().order_by("-pk").first()
        if still_open is not None:
            task = restate_task(
                task=still_open,
                by=requested_by,
                description=reason,
                assignee=responsible.user,
            )
        else:
            previous = earlier.order_by("-pk").values_list("pk", flat=True).first()
            task = create_task(
                assignee=responsible.user,
                kind=ACCESS_REQUEST_TASK,
                title=Text(
                    gettext_noop("Pääsypyyntö asiakkaan tietoihin: {name}"),
                    name=requested_by.get_full_name(),
                ),
                description=reason,
                client_id=locked.uuid,
                link=f"/clients/{locked.uuid}/team/add/",
                created_by=requested_by,
                key=first_key if previous is None else f"{first_key}:after-{previous}",
            )
        log_access(
            actor=requested_by,
            client_id=locked.uuid,
            action="clients.access.requested",
            basis=Basis.REGISTRATION,
            obj=task,
            detail=reason[:300],
        )
    return task
