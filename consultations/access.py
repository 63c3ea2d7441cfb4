"""The only way a view reaches a network, a session, an agenda item, a request or a feed.

404 for what the user may not see (a Kela liaison asking for a session they
do not take part in learns nothing of it), 403 only for what they see but may
not change (a participant asking to edit the session). Requests reached
through their client go through clients.access, so the client's need-to-know
rules apply unchanged.
"""

import hashlib

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from clients.access import get_client_for_user, log_client_access
from consultations.models import (
    AgendaItem,
    CalendarFeedToken,
    ConsultationRequest,
    Network,
    Session,
    WorkPairOffer,
)


def require(user, permission: str, obj=None) -> None:
    """PermissionDenied unless the user has `permission` (for pages without an object)."""
    if not rules.has_perm(permission, user, obj):
        raise PermissionDenied


def get_network_for_user(user, network_id: int) -> Network:
    """A network the user runs as a coordinator; 404 for anyone else."""
    network = Network.objects.run_by(user).select_related("convening_organisation")
    try:
        return network.get(pk=network_id)
    except Network.DoesNotExist:
        raise Http404 from None


def get_session_for_user(user, session_id: int, *, manage: bool = False) -> Session:
    """A session the user takes part in or runs; 404 otherwise.

    With `manage`, PermissionDenied (403) for a participant who does not run it.
    """
    try:
        session = Session.objects.select_related(
            "network__convening_organisation", "chair", "coordinator"
        ).get(pk=session_id)
    except Session.DoesNotExist:
        raise Http404 from None
    if not rules.has_perm("consultations.view_session", user, session):
        raise Http404
    if manage and not rules.has_perm("consultations.run_session", user, session):
        raise PermissionDenied
    return session


def get_agenda_item_for_user(
    user, session_id: int, item_id: int, *, manage: bool = False
) -> AgendaItem:
    """An agenda item of a session the user sees (see get_session_for_user)."""
    session = get_session_for_user(user, session_id, manage=manage)
    try:
        item = AgendaItem.objects.select_related(
            "request__client__responsible_unit__organisation",
            "request__asked_by",
            "minutes_recorded_by",
        ).get(pk=item_id, session=session)
    except AgendaItem.DoesNotExist:
        raise Http404 from None
    item.session = session
    return item


def get_request_for_coordinator(user, request_id: int) -> ConsultationRequest:
    """A request in the coordinator's queue (of a network they run, or with no network yet)."""
    try:
        return (
            ConsultationRequest.objects.in_queue_of(user)
            .select_related(
                "client__responsible_unit__organisation",
                "asked_by",
                "preferred_network",
                "network",
                "withdrawn_by",
            )
            .get(pk=request_id)
        )
    except ConsultationRequest.DoesNotExist:
        raise Http404 from None


def get_request_for_team(
    user, client_id, request_id: int, *, permission: str, log_action: str | None
) -> tuple:
    """(client, request) of a client the user sees, with `permission` on the client.

    The read is logged (`log_action`) only once the request is found to be the
    client's: a request of another client under this client's URL answers 404
    and leaves no row saying this client was viewed.
    """
    client = get_client_for_user(user, client_id, permission=permission, log_action=None)
    try:
        request = ConsultationRequest.objects.select_related(
            "asked_by", "preferred_network", "network", "withdrawn_by"
        ).get(pk=request_id, client=client)
    except ConsultationRequest.DoesNotExist:
        raise Http404 from None
    request.client = client
    if log_action:
        log_client_access(user, client, log_action, client)
    return client, request


def get_request_to_withdraw(user, client_id, request_id: int) -> tuple:
    """(client, request) for the one who asked or the client's responsible worker
    (consultations.withdraw_request): 404 for those who do not see the client, 403 for
    those who see it but may not (the team's other members, the manager). Not logged
    here: the withdrawal, or the page shown again, writes its row."""
    client, request = get_request_for_team(
        user,
        client_id,
        request_id,
        permission="consultations.view_requests",
        log_action=None,
    )
    if not rules.has_perm("consultations.withdraw_request", user, request):
        raise PermissionDenied
    return client, request


def get_work_pair_offer_for_user(user, client_id, offer_id: int) -> tuple:
    """(client, offer) for the client's responsible worker; 403 for other team members."""
    client = get_client_for_user(
        user, client_id, permission="consultations.answer_work_pair_offer", log_action=None
    )
    try:
        offer = WorkPairOffer.objects.select_related(
            "membership", "request", "offered_by", "task"
        ).get(pk=offer_id, request__client=client)
    except WorkPairOffer.DoesNotExist:
        raise Http404 from None
    return client, offer


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def get_feed_owner(token: str):
    """The user whose live feed token this is; 404 for an unknown or revoked token, for
    an owner who no longer holds a current role that works with clients (every role ended,
    or only admin or dpo left): the session pages are closed to them
    (consultations.view_session), and so is the feed of those sessions' times, places,
    video links and cases; and for an address made before the owner's present second
    factors (`_made_under_current_second_factor`)."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    if not token or len(token) > 100:
        raise Http404
    feed = (
        CalendarFeedToken.objects.live()
        .select_related("user")
        .filter(token_hash=hash_feed_token(token), user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    works_with_clients = (
        RoleAssignment.objects.current()
        .filter(user=feed.user_id)
        .exclude(role__in=[Role.ADMIN, Role.DPO])
        .exists()
    )
    if not works_with_clients or not _made_under_current_second_factor(feed):
        raise Http404
    return feed


def _made_under_current_second_factor(feed) -> bool:
    """Whether a second factor the owner has now was there when the address was made. Not
    when every factor of then is gone: an administrator removed them for a lost phone (or
    the owner replaced theirs), and that phone's calendar app holds this address."""
    from allauth.mfa.models import Authenticator

    return (
        Authenticator.objects.filter(user=feed.user_id, created_at__lte=feed.created_at)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )
