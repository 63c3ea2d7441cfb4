"""Factories for networks, sessions and requests, shared by tests and the demo data.

They write rows directly (no invitations, no access-log rows): the actions
are tested on their own. `make_session()` gives a session with participants;
`make_request()` a request numbered like the action numbers them;
`put_on_agenda()` places a request in a slot (without inviting its presenter:
`add_presenter()` does that where a test or the demo needs it).
"""

import datetime

import factory
from django.db.models import Max
from django.utils import timezone

from consultations.ics import HELSINKI
from consultations.models import (
    AgendaItem,
    ConsultationRequest,
    Network,
    NetworkMember,
    ParticipantKind,
    RequestStatus,
    Session,
    SessionParticipant,
)
from services.factories import OrganisationFactory


def _any_user():
    from accounts.factories import UserFactory

    return UserFactory()


class NetworkFactory(factory.django.DjangoModelFactory):
    """A network named in Finnish only (shown in Finnish on every page); `translated=True`
    names it in Swedish and English too."""

    class Meta:
        model = Network
        django_get_or_create = ["name_fi"]

    class Params:
        translated = factory.Trait(
            name_sv=factory.Sequence(lambda n: f"Nätverket för stöd för arbetsförmågan {n}"),
            name_en=factory.Sequence(lambda n: f"Work-ability support network {n}"),
        )

    name_fi = factory.Sequence(lambda n: f"Työkyvyn tuen verkosto {n}")
    description = "Moniammatillinen konsultaatioverkosto."
    convening_organisation = factory.SubFactory(OrganisationFactory)
    default_place = "Neuvotteluhuone 3"
    created_by = factory.LazyFunction(_any_user)


def add_network_member(
    network, user, *, organisation=None, expertise="Asiantuntija", added_by=None, **fields
):
    """A member added directly. As in the demo, the member's own organisation nominates
    them (they are added by themself) unless `added_by` says otherwise; whether the
    nominating organisation itself nominated them follows add_member's rule for an
    adder without an active role (a current role there) unless given."""
    from accounts.models import RoleAssignment

    organisation = organisation or user.organisation
    added_by = added_by or user
    fields.setdefault(
        "nominated_by_own_organisation",
        RoleAssignment.objects.current()
        .filter(user=added_by, unit__organisation=organisation)
        .exists(),
    )
    return NetworkMember.objects.create(
        network=network,
        user=user,
        organisation=organisation,
        expertise=expertise,
        added_by=added_by,
        **fields,
    )


def local_time(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=HELSINKI)


def next_weekday_at(hour: int, days_ahead: int = 7) -> datetime.datetime:
    """A weekday at least `days_ahead` days from today, at `hour` in Helsinki."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return local_time(day, hour)


def make_session(
    network,
    coordinator,
    *,
    participants=(),
    starts_at: datetime.datetime | None = None,
    minutes: int = 120,
    chair=None,
    **fields,
) -> Session:
    """A session with the coordinator, the chair and `participants` invited; members of the
    network take part as members (their nominating organisation), others as guests."""
    starts_at = starts_at or next_weekday_at(13)
    chair = chair or coordinator
    session = Session.objects.create(
        network=network,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        place=fields.pop("place", "Neuvotteluhuone 3"),
        chair=chair,
        coordinator=coordinator,
        created_by=coordinator,
        **fields,
    )
    members = {m.user_id: m for m in NetworkMember.objects.filter(network=network)}
    seen = set()
    for user in (*participants, chair, coordinator):
        if user.pk in seen:
            continue
        seen.add(user.pk)
        member = members.get(user.pk)
        SessionParticipant.objects.create(
            session=session,
            user=user,
            organisation=member.organisation if member else user.organisation,
            kind=ParticipantKind.MEMBER if member else ParticipantKind.GUEST,
            expertise=member.expertise if member else "",
            invited_by=coordinator,
        )
    return session


def make_request(client, asked_by=None, **fields) -> ConsultationRequest:
    """A request in status `requested` (or as given), numbered K-<year>-<n>."""
    from clients.models import CareTeamMembership, TeamRole

    worker = (
        CareTeamMembership.objects.current()
        .filter(client=client, role=TeamRole.RESPONSIBLE_WORKER)
        .select_related("user")
        .first()
    )
    responsible = worker.user if worker else client.created_by
    year = timezone.localdate().year
    number = (
        ConsultationRequest.objects.filter(year=year).aggregate(last=Max("number"))["last"] or 0
    ) + 1
    defaults = {
        "question": "Miten työkykyä voisi tukea, kun terveys ja toimeentulo kuormittavat?",
        "background": "Pitkä työttömyys, selkäkipuja ja mielialan laskua. Asunto vaihtuu keväällä.",
        "tried_so_far": "Kuntouttava työtoiminta kaksi päivää viikossa, keskeytyi kivun vuoksi.",
        "pseudonymous_summary": "Keski-ikäinen asiakas, jolla on useita kuormittavia tekijöitä.",
        "urgency": "normal",
    }
    return ConsultationRequest.objects.create(
        reference=f"K-{year}-{number:03d}",
        year=year,
        number=number,
        client=client,
        responsible_worker=responsible,
        asked_by=asked_by or responsible,
        **{**defaults, **fields},
    )


def add_presenter(session, user, *, organisation=None) -> SessionParticipant:
    """`user` takes part in the session as the presenter of a case (as place_on_session
    invites the one who asked), for `organisation` or their own."""
    return SessionParticipant.objects.create(
        session=session,
        user=user,
        organisation=organisation or user.organisation,
        kind=ParticipantKind.PRESENTER,
        invited_by=session.coordinator,
    )


def put_on_agenda(request, session, *, starts_at=None, minutes: int = 30) -> AgendaItem:
    if starts_at is None:
        last = AgendaItem.objects.filter(session=session).aggregate(last=Max("ends_at"))["last"]
        starts_at = last or session.starts_at
    item = AgendaItem.objects.create(
        session=session,
        request=request,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
    )
    ConsultationRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.SCHEDULED, network=session.network
    )
    request.refresh_from_db()
    return item
