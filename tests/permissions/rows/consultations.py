"""Consultations. The world's network is convened by the world's organisation; its
session (on now) has the Kela liaison and the employment expert as participants and
the coordinator running it, with the world's client's case on the agenda.

- Home, calendar, my requests, feed settings: everyone who works with clients
  (administrator and DPO: 403).
- Networks, the queue: the coordinator (403 for the rest); a network, a request in the
  queue: the coordinator (404 for the rest).
- A session and its cases: its participants (the social worker presents the
  client's case there) and its coordinator; everyone else gets 404 (a Kela liaison
  sees only sessions they take part in). Changing it: the coordinator; participants
  see it but get 403.
- Asking for a consultation, a request's page: the client's team (manager 403).
- Answering a work-pair offer: the responsible worker only.
- Withdrawing a request: the one who asked it or the responsible worker (here the
  social worker, both); the rest of the team and the manager 403.
- The calendar feed: anyone with the token, signed in or not.
"""

import datetime

from django.utils import timezone

from accounts.roles import Role
from tests.permissions.matrix import ALL_ROLES, Row
from tests.permissions.rows.clients import TEAM, client_row

R = Role
CLIENT_WORKERS = ALL_ROLES - {R.ADMIN, R.DPO}
COORDINATOR = frozenset({R.COORDINATOR})
# The social worker asked about the world's client and presents the case.
PARTICIPANTS = frozenset({R.KELA_LIAISON, R.EMPLOYMENT_EXPERT, R.SOCIAL_WORKER})
SESSION_SEES = COORDINATOR | PARTICIPANTS


def _acting(user):
    from consents.factories import acting

    return acting(user)


def _setting(world):
    """The network, the session and the case on its agenda, made once per world."""
    if "session" in world.extra:
        return world.extra
    from consultations.factories import (
        NetworkFactory,
        add_network_member,
        add_presenter,
        make_request,
        make_session,
        put_on_agenda,
    )

    users = world.users
    network = NetworkFactory(
        convening_organisation=world.unit.organisation, created_by=users[R.COORDINATOR]
    )
    for role in (R.COORDINATOR, R.KELA_LIAISON, R.EMPLOYMENT_EXPERT):
        add_network_member(network, users[role])
    session = make_session(
        network,
        users[R.COORDINATOR],
        participants=[users[R.KELA_LIAISON], users[R.EMPLOYMENT_EXPERT]],
        starts_at=timezone.now() - datetime.timedelta(minutes=30),
        minutes=240,
    )
    request = make_request(world.client, users[R.SOCIAL_WORKER])
    item = put_on_agenda(request, session)
    add_presenter(session, users[R.SOCIAL_WORKER])
    world.extra.update(network=network, session=session, request=request, item=item)
    return world.extra


def network_kwargs(world):
    return {"network_id": _setting(world)["network"].pk}


def member_kwargs(world):
    from consultations.models import NetworkMember

    setting = _setting(world)
    member = NetworkMember.objects.get(network=setting["network"], user=world.users[R.KELA_LIAISON])
    return {"network_id": setting["network"].pk, "member_id": member.pk}


def session_kwargs(world):
    return {"session_id": _setting(world)["session"].pk}


def participant_kwargs(world):
    setting = _setting(world)
    participant = setting["session"].participants.get(user=world.users[R.KELA_LIAISON])
    return {"session_id": setting["session"].pk, "participant_id": participant.pk}


def case_kwargs(world):
    setting = _setting(world)
    return {"session_id": setting["session"].pk, "item_id": setting["item"].pk}


def waiting_kwargs(world):
    """A request waiting in the queue with no network yet, which the coordinators of the
    client's organisation (the world's coordinator among them) may take."""
    from consultations.factories import make_request

    _setting(world)
    if "waiting" not in world.extra:
        world.extra["waiting"] = make_request(world.client, world.users[R.SOCIAL_WORKER])
    return {"request_id": world.extra["waiting"].pk}


def request_kwargs(world):
    return {"client_id": world.client.uuid, "request_id": _setting(world)["request"].pk}


def withdrawable_kwargs(world):
    """A request the social worker asked, still waiting in the queue."""
    from consultations.factories import make_request

    _setting(world)
    if "withdrawable" not in world.extra:
        world.extra["withdrawable"] = make_request(world.client, world.users[R.SOCIAL_WORKER])
    return {"client_id": world.client.uuid, "request_id": world.extra["withdrawable"].pk}


def offer_kwargs(world):
    """Another coordinator's offer to co-work the world's client as work pair."""
    from accounts.factories import make_user
    from consultations.actions import offer_work_pair

    setting = _setting(world)
    if "offer" not in world.extra:
        offerer = _acting(make_user(R.COORDINATOR, world.unit))
        request = setting["request"]
        request.client = world.client
        world.extra["offer"] = offer_work_pair(request=request, offered_by=offerer)
    return {"client_id": world.client.uuid, "offer_id": world.extra["offer"].pk}


def feed_kwargs(world):
    from consultations.actions import create_feed_token

    _setting(world)
    if "token" not in world.extra:
        world.extra["token"] = create_feed_token(user=world.users[R.KELA_LIAISON])
    return {"token": world.extra["token"]}


def session_data(world):
    return {"session": _setting(world)["session"].pk, "minutes": "15"}


def manage_row(kwargs, *, method="POST", data=lambda world: {}, allowed_status=302, **options):
    """A change to a session: the coordinator; participants see it (403); others 404."""
    return Row(
        allowed=COORDINATOR,
        forbidden=PARTICIPANTS,
        method=method,
        kwargs=kwargs,
        data=data,
        allowed_status=allowed_status,
        **options,
    )


ROWS = {
    "consultations:index": Row(allowed=CLIENT_WORKERS, denied_status=403),
    "consultations:calendar": Row(allowed=CLIENT_WORKERS, denied_status=403),
    "consultations:my_requests": Row(allowed=CLIENT_WORKERS, denied_status=403),
    "consultations:feed_settings": Row(allowed=CLIENT_WORKERS, denied_status=403),
    "consultations:feed": Row(
        allowed=ALL_ROLES, kwargs=feed_kwargs, public=True, public_status=200
    ),
    "consultations:networks": Row(allowed=COORDINATOR, denied_status=403),
    "consultations:network_create": Row(allowed=COORDINATOR, denied_status=403),
    "consultations:network": Row(allowed=COORDINATOR, kwargs=network_kwargs),
    "consultations:member_add": Row(
        allowed=COORDINATOR,
        method="POST",
        kwargs=network_kwargs,
        data=lambda world: {
            "email": world.users[R.HEALTH_PROFESSIONAL].email,
            "expertise": "Terveydenhoitaja",
            "active_from": timezone.localdate().isoformat(),
        },
        allowed_status=302,
    ),
    "consultations:member_end": Row(
        allowed=COORDINATOR, method="POST", kwargs=member_kwargs, allowed_status=302
    ),
    "consultations:session_create": Row(allowed=COORDINATOR, kwargs=network_kwargs),
    "consultations:session": Row(
        allowed=SESSION_SEES, kwargs=session_kwargs, logs="consultations.case.listed"
    ),
    "consultations:session_edit": manage_row(session_kwargs, method="GET", allowed_status=200),
    "consultations:session_cancel": manage_row(
        session_kwargs, data=lambda world: {"reason": "Puheenjohtaja sairastui."}
    ),
    "consultations:guest_add": manage_row(
        session_kwargs, data=lambda world: {"email": world.users[R.HEALTH_PROFESSIONAL].email}
    ),
    # Confirmed on its page (the session page's button first asks with that page, 200).
    "consultations:participant_remove": manage_row(
        participant_kwargs, data=lambda world: {"confirmed": "1"}
    ),
    "consultations:case": Row(
        allowed=SESSION_SEES, kwargs=case_kwargs, logs="consultations.case.viewed"
    ),
    "consultations:agenda_remove": manage_row(case_kwargs, data=lambda world: {"confirmed": "1"}),
    "consultations:minutes": manage_row(
        case_kwargs, data=lambda world: {"minutes": "Käytiin läpi tilanne."}
    ),
    "consultations:recommendation_add": manage_row(
        case_kwargs,
        data=lambda world: {
            "text": "Ohjataan työkykyselvitykseen.",
            "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
    ),
    "consultations:close": manage_row(case_kwargs),
    "consultations:offer_work_pair": manage_row(case_kwargs),
    "consultations:queue": Row(
        allowed=COORDINATOR, denied_status=403, logs="consultations.case.listed"
    ),
    "consultations:triage": Row(
        allowed=COORDINATOR, kwargs=waiting_kwargs, logs="consultations.request.triage_viewed"
    ),
    "consultations:place": Row(
        allowed=COORDINATOR,
        method="POST",
        kwargs=waiting_kwargs,
        data=session_data,
        allowed_status=302,
    ),
    "consultations:decline": Row(
        allowed=COORDINATOR,
        method="POST",
        kwargs=waiting_kwargs,
        data=lambda world: {"reason": "Kuuluu toiseen verkostoon."},
        allowed_status=302,
    ),
    "consultations:request_create": client_row(TEAM, logs="consultations.request.form_viewed"),
    "consultations:request_detail": client_row(
        TEAM, kwargs=request_kwargs, logs="consultations.request.viewed"
    ),
    "consultations:request_withdraw": client_row(
        frozenset({R.SOCIAL_WORKER}),
        method="POST",
        kwargs=withdrawable_kwargs,
        data=lambda world: {"reason": "Lähetetty vahingossa."},
        allowed_status=302,
    ),
    "consultations:work_pair_accept": client_row(
        frozenset({R.SOCIAL_WORKER}), method="POST", kwargs=offer_kwargs, allowed_status=302
    ),
    "consultations:work_pair_decline": client_row(
        frozenset({R.SOCIAL_WORKER}), method="POST", kwargs=offer_kwargs, allowed_status=302
    ),
}
