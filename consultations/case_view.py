"""Consent-aware presentation of a consultation case, decided per viewer at view time.

A viewer sees a case named (name, age, background, what has been tried; never
the identity code; the background and what has been tried only to a role that reads
health-related notes when the worker marked them as containing health data) when:
- they are on the client's current care team (they see the client anyway;
  nothing is disclosed), or
- they take part in the case's session (a current participant, or its
  coordinator or chair), acting in a role of the organisation they take part
  for, and the client's consent (or a statutory basis) covers that
  organisation for the purpose "case consultation" and the categories shown,
  at this moment; an oral consent counts only for the session it was
  recorded for (its event reference is the session's id). The consents app
  decides (`consents.coverage.record_disclosure`), and each named showing
  writes its disclosure-log row there. Before the case is on a session (the
  coordinator triaging it) the organisation of the viewer's active role counts.
A request that ended without a session (declined, or withdrawn, which takes it off any
agenda) is no one's to know about any more outside the care team: the coordinator who
opens it again sees it pseudonymously, and no disclosure is logged (REQUEST_ENDED). A
request discussed or closed stays with its session, whose participants see it as above.
Everyone else sees it pseudonymously: the reference, an age band, the
worker's pseudonymous summary and the question. So does a coordinator who
runs the network but takes no part in this session, a participant who
has switched to a role in another organisation than the one they were
invited for (the consent named that organisation, not them), a presenter
looking at a case they do not bring (they take part only for their own: the
consent covering their organisation is for the network's members and guests), and,
once the session has been held, one who took part in it as a member of the network
and is no longer one (MEMBERSHIP_ENDED: their need to know came with the membership;
the chair and the coordinator who ran the session keep theirs).

The same organisation as the client's responsible unit gets no exception:
a consultation widens the circle beyond the care team, so it rests on the
client's consent even inside one organisation (a consent naming social
services covers colleagues there).

Each showing is one disclosure-log row per viewer (the unit is the showing,
not the session): the log then answers "who saw the name, when" exactly, and
a consent revoked between two showings is honoured from the next one.
"""

import datetime
from dataclasses import dataclass

import rules
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy

from audit.actions import log_access
from audit.labels import as_logged
from audit.models import Basis
from clients.access import relation_to
from clients.models import CareTeamMembership
from clients.querysets import responsible_worker_of
from config.ordering import Alphabetical, alphabetical_key
from consents.coverage import (
    ConsentEvent,
    DisclosureNotCovered,
    covered_organisations,
    logged_categories,
    record_disclosure,
)
from consents.events import EventOption
from consents.models import EVENT_TIME_ZONE, InformationCategory, OralEventKind, Purpose
from consultations.models import NetworkMember, ParticipantKind
from consultations.pseudonymity import age_band
from services.i18n import in_name_order

CHANNEL = "consultation"
# Access-log detail of each showing.
NAMED = "named"
PSEUDONYMOUS = "pseudonymous"


def shown_categories(request) -> tuple[str, ...]:
    """What a named showing discloses: identity, work capacity, and the service pathway (the
    background and what has been tried); health data when the worker marked the background
    as containing it (a special category)."""
    categories = [
        InformationCategory.IDENTITY,
        InformationCategory.WORK_CAPACITY,
        InformationCategory.PATHWAY,
    ]
    if request.includes_health_data:
        categories.append(InformationCategory.HEALTH)
    return tuple(categories)


def named_showing_categories(includes_health_data: bool) -> list:
    """The information categories a named showing discloses (`shown_categories`), labelled as
    on the consent form: what the client's consent (or a statute) must cover, beside the
    purpose case consultation, for a participant's organisation to see the case named."""
    return [
        InformationCategory(category).label
        for category in shown_categories(_Probe(includes_health_data))
    ]


def session_event(session) -> ConsentEvent | None:
    """The consultation session as the one event an oral consent may be given for: it lasts
    from the session's start to its end, and an oral consent given for it covers nothing
    outside those times, not even the same day."""
    if session is None:
        return None
    return ConsentEvent(
        kind=OralEventKind.CONSULTATION_SESSION,
        reference=str(session.pk),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )


def oral_consent_sessions(client) -> list[EventOption]:
    """The sessions an oral consent of the client may be given for: those discussing the
    client, held today (registered with `consents.events` as the consultation-session
    events), each with its start and end, outside which the consent covers nothing. An oral
    consent is recorded on its event's day, during the session or after it
    (`consents.actions.ConsentTerms`): a session of another day is not offered."""
    from consultations.models import Session

    today = timezone.localdate(timezone.now(), EVENT_TIME_ZONE)
    sessions = (
        Session.objects.not_cancelled()
        .discussing(client)
        .filter(starts_at__date=today)
        .select_related("network")
        .order_by("starts_at")
    )
    options = []
    for session in sessions:
        local = timezone.localtime(session.starts_at)
        when = date_format(local, "SHORT_DATETIME_FORMAT")
        options.append(
            EventOption(
                reference=session_event(session).reference,
                label=f"{session.network.name} {when}",
                date=local.date(),
                starts_at=session.starts_at,
                ends_at=session.ends_at,
            )
        )
    return options


# Why a case shows pseudonymously whatever the consent says (CaseShowing.not_taking_part_as).
NOT_TAKING_PART = "not_taking_part"
ACTING_ELSEWHERE = "acting_elsewhere"
REQUEST_ENDED = "request_ended"
NOT_PRESENTING = "not_presenting"
MEMBERSHIP_ENDED = "membership_ended"


def _active_organisation(user):
    assignment = getattr(user, "active_assignment", None)
    return assignment.unit.organisation if assignment else None


def viewer_organisation(user, *, session=None, participant=None) -> tuple:
    """(organisation, why_not): the organisation whose coverage counts for `user`, or None
    with the reason none does.

    - No session (a request being triaged): the organisation of the active role.
    - A current participant of the session: the organisation they take part for, only
      while their active role is in it (ACTING_ELSEWHERE otherwise).
    - The session's coordinator or chair without a participation: the organisation of the
      active role.
    - Anyone else, such as a coordinator who runs the network: none (NOT_TAKING_PART).
    """
    active = _active_organisation(user)
    if session is None:
        return active, ""
    if participant is not None:
        if active is not None and active.pk == participant.organisation_id:
            return participant.organisation, ""
        return None, ACTING_ELSEWHERE
    if user.pk in (session.coordinator_id, session.chair_id) and active is not None:
        return active, ""
    return None, NOT_TAKING_PART


@dataclass(frozen=True)
class CaseShowing:
    request: object
    named: bool
    on_team: bool
    age_band: str
    organisation: object
    # The client's current responsible worker (the request keeps the one at asking).
    responsible_worker: object = None
    # "" when consent coverage decided; else why it could not (NOT_TAKING_PART, ...).
    not_taking_part_as: str = ""
    # The organisation a participant acting elsewhere was invited for.
    invited_for: object = None
    # A named case whose background holds health data the viewer's role may not read
    # (consultations.read_background): its background and what has been tried are left out.
    background_withheld: bool = False

    @property
    def client(self):
        return self.request.client


def show_case(*, viewer, request, action: str, session=None, participant=None, obj=None):
    """Decides, now, whether `viewer` sees the case named, and logs the showing.

    `participant` is the viewer's current participation in `session` (None when
    they take no part). Writes one access-log row (basis care team for team
    members, consultation otherwise) and, for a named showing to someone outside
    the care team, one disclosure-log row through consents' `record_disclosure`,
    in one transaction. Never raises for missing coverage: the case then shows
    pseudonymously, as a request that ended without a session (REQUEST_ENDED) shows to
    everyone outside the care team. A presenter (ParticipantKind.PRESENTER) sees named only
    the cases they bring, those of clients on whose care team they are; any other case on
    the agenda shows to them pseudonymously, with no disclosure (NOT_PRESENTING).
    After the session has ended, one who took part as a network member
    (ParticipantKind.MEMBER; not the session's chair or coordinator) sees its cases named
    only while their membership of the network is current (one query, then); a former
    member sees them pseudonymously, with no disclosure (MEMBERSHIP_ENDED). A guest,
    invited for their own organisation, is not held to membership.
    A named showing leaves out the background and what has been tried when they contain
    health data and the viewer's active role does not read health-related notes
    (`background_withheld`, consultations.read_background).
    """
    client = request.client
    organisation, why_not = viewer_organisation(viewer, session=session, participant=participant)
    if session is None and not request.is_open:
        # Declined or withdrawn: the need to know whom it was about ended with it.
        organisation, why_not = None, REQUEST_ENDED
    on_team = relation_to(viewer, client).on_team
    if (
        participant is not None
        and participant.kind == ParticipantKind.PRESENTER
        and not on_team
        and organisation is not None
    ):
        # A presenter takes part only to bring the case of a client they work with (on
        # whose care team they are, as presenters_of invites them): they have no need to
        # know whom the session's other cases are about, whatever the consent covers.
        organisation, why_not = None, NOT_PRESENTING
    if organisation is not None and not on_team and _left_the_network(viewer, session, participant):
        organisation, why_not = None, MEMBERSHIP_ENDED
    background_withheld = not rules.has_perm("consultations.read_background", viewer, request)
    with transaction.atomic():
        named = on_team
        if not on_team and organisation is not None:
            try:
                record_disclosure(
                    actor=request.asked_by,
                    client=client,
                    organisation=organisation,
                    category=shown_categories(request),
                    purpose=Purpose.CASE_CONSULTATION,
                    channel=CHANNEL,
                    what=_disclosed_what(request, background_withheld=background_withheld),
                    recipient_user=viewer,
                    event=session_event(session),
                    access_logged=True,  # the viewer's row below logs the showing
                )
                named = True
            except DisclosureNotCovered:
                named = False
        log_access(
            actor=viewer,
            client_id=client.uuid,
            action=action,
            basis=Basis.CARE_TEAM if on_team else Basis.CONSULTATION,
            obj=obj or request,
            detail=f"{request.reference} {NAMED if named else PSEUDONYMOUS}",
        )
    return CaseShowing(
        request=request,
        named=named,
        on_team=on_team,
        age_band=age_band(client, timezone.localdate()),
        organisation=organisation or _active_organisation(viewer),
        responsible_worker=responsible_worker_of(client),
        not_taking_part_as="" if on_team else why_not,
        invited_for=participant.organisation if participant is not None else None,
        background_withheld=background_withheld,
    )


def _left_the_network(viewer, session, participant) -> bool:
    """Whether `viewer` took part in the held `session` as a member of its network and is
    no member today. The chair and the coordinator take part in their own right."""
    if (
        participant is None
        or participant.kind != ParticipantKind.MEMBER
        or not session.has_ended()
        or viewer.pk in (session.chair_id, session.coordinator_id)
    ):
        return False
    return not (
        NetworkMember.objects.active_on(timezone.localdate())
        .filter(network_id=session.network_id, user=viewer)
        .exists()
    )


# What a named showing discloses, as the disclosure log keeps it (registered with the audit
# labels in the app's ready(), so a log report shows it in the reader's language).
DISCLOSED_WHAT = gettext_lazy("Nimi, ikä ja konsultaatiopyynnön tiedot (%(case)s)")


def _disclosed_what(request, *, background_withheld: bool) -> str:
    """The case's details, and health data when the background contains it and the viewer
    reads it: a special category, named on the log row as record_disclosure names it. A
    viewer whose role does not read health notes is shown no background, so the row names
    no health data; the coverage asked for stays the whole case's (`shown_categories`), as
    the request form's preview, which cannot know each participant's role at the session,
    tells the worker."""
    what = as_logged(DISCLOSED_WHAT, case=request.reference)
    if request.includes_health_data and not background_withheld:
        what = f"{what}, {logged_categories([InformationCategory.HEALTH])}"
    return what


# The request form's preview: who would see the case, and how.


@dataclass(frozen=True)
class Attendee:
    """Someone who may see the case at a session of a network, for an organisation: a
    current member (for their nominating organisation), or a coordinator of the convening
    organisation, who may coordinate or chair a session without being a member."""

    user: object
    organisation: object
    coordinator: bool = False

    @property
    def user_id(self) -> int:
        return self.user.pk

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk


def network_attendees(networks, day: datetime.date | None = None) -> dict[int, list[Attendee]]:
    """Per network, its members active on `day` (today by default) and the convening
    organisation's coordinators (in a role current that day) who are not members. Two
    queries whatever the number of networks."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    day = day or timezone.localdate()
    networks = list(networks)
    members = (
        NetworkMember.objects.active_on(day)
        .filter(network__in=[n.pk for n in networks])
        .select_related("user", "organisation")
        .order_by(
            in_name_order("organisation__"),
            Alphabetical("user__last_name"),
            Alphabetical("user__first_name"),
        )
    )
    coordinators = (
        RoleAssignment.objects.current(day)
        .filter(
            role=Role.COORDINATOR,
            unit__organisation__in={n.convening_organisation_id for n in networks},
            user__is_active=True,
        )
        .select_related("user", "unit__organisation")
        .order_by(Alphabetical("user__last_name"), Alphabetical("user__first_name"), "pk")
    )
    attendees: dict[int, list[Attendee]] = {n.pk: [] for n in networks}
    for member in members:
        attendees[member.network_id].append(Attendee(member.user, member.organisation))
    coordinators = list(coordinators)
    for network in networks:
        seen = {a.user_id for a in attendees[network.pk]}
        for assignment in coordinators:
            if (
                assignment.unit.organisation_id == network.convening_organisation_id
                and assignment.user_id not in seen
            ):
                seen.add(assignment.user_id)
                attendees[network.pk].append(
                    Attendee(assignment.user, assignment.unit.organisation, coordinator=True)
                )
    return attendees


@dataclass(frozen=True)
class OrganisationPreview:
    organisation: object
    members: tuple[str, ...]
    named: bool
    on_team: tuple[str, ...] = ()
    coordinators: tuple[str, ...] = ()


def preview_visibility(
    *,
    client,
    attendees: dict[int, list[Attendee]],
    includes_health_data: bool,
    at: datetime.datetime | None = None,
) -> dict[int, list[OrganisationPreview]]:
    """Per network (`attendees`: Attendee rows by network id from `network_attendees`, its
    members and the convening organisation's coordinators who are not members), for each
    organisation of its attendees: would they see the case named (consent or statute
    covers it now) or pseudonymously? Those on the client's care team see it named anyway
    and are listed apart; the coordinators, who may coordinate or chair a session, too.

    Reads the care team once and asks `covered_organisations` once for every organisation
    of every network (a written consent or a statute, as `disclosure_basis` would find;
    an oral consent is given for a session that is not chosen yet), so the queries do not
    grow with the networks. Coverage is checked again whenever the case is shown at a
    session.
    """
    team = set(
        CareTeamMembership.objects.current().filter(client=client).values_list("user_id", flat=True)
    )
    organisations = {
        row.organisation_id: row.organisation for rows in attendees.values() for row in rows
    }
    named = covered_organisations(
        client=client,
        organisations=organisations.values(),
        category=shown_categories(_Probe(includes_health_data)),
        purpose=Purpose.CASE_CONSULTATION,
        at=at,
    )
    return {
        network_id: _organisation_previews(rows, team, named)
        for network_id, rows in attendees.items()
    }


def _organisation_previews(rows, team: set[int], named: set[int]) -> list[OrganisationPreview]:
    by_organisation: dict[int, list] = {}
    for row in rows:
        by_organisation.setdefault(row.organisation_id, []).append(row)
    previews = []
    for rows_of_one in by_organisation.values():
        organisation = rows_of_one[0].organisation
        outside_team = [row for row in rows_of_one if row.user_id not in team]
        previews.append(
            OrganisationPreview(
                organisation=organisation,
                members=tuple(r.user.get_full_name() for r in outside_team if not r.coordinator),
                coordinators=tuple(r.user.get_full_name() for r in outside_team if r.coordinator),
                on_team=tuple(r.user.get_full_name() for r in rows_of_one if r.user_id in team),
                named=organisation.pk in named,
            )
        )
    return sorted(previews, key=lambda p: (p.named, alphabetical_key(str(p.organisation))))


@dataclass(frozen=True)
class _Probe:
    includes_health_data: bool
