"""A care-team membership counts only while the user acts in a role that fits it.

PERMISSIONS.md: a user may hold several roles and acts in one at a time, chosen in the
header; every rule reads that active role. A responsible worker who switches to a
work-coach role they hold elsewhere is not the client's responsible worker there, and a
coach whose coach role has ended is no longer a coach, whatever other role they keep.
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.access import relation_to
from clients.factories import ClientFactory, add_member, make_note
from clients.models import CareTeamMembership, Client, TeamRole
from consents.team_coverage import NO_FITTING_ROLE, end_uncovered_memberships
from notifications.models import Task
from services.factories import UnitFactory
from tests.conftest import acting, login

STREET = "Piilokuja 13 C 45"


def switch(http, assignment):
    http.post("/role/", {"assignment": assignment.pk})


def test_a_responsible_worker_acting_as_a_work_coach_elsewhere_does_not_reach_the_client(
    client, team
):
    """Reproduction (a): the worker's work-coach role in another unit does not carry the
    responsible worker's membership: no page, no address, no identity code, no list hit."""
    worker, target = team["worker"], team["client"]
    target.street_address = STREET
    target.address_non_disclosure = True
    target.save()
    social = worker.role_assignments.get()
    coaching = RoleAssignment.objects.create(user=worker, role=Role.WORK_COACH, unit=UnitFactory())
    login(client, worker)
    switch(client, coaching)

    assert client.get(f"/clients/{target.uuid}/").status_code == 404
    assert client.post(f"/clients/{target.uuid}/identity-code/").status_code == 404
    listed = client.get("/clients/", {"q": "Suunnistaja"}).content.decode()
    assert str(target.uuid) not in listed
    assert not Client.objects.for_user(acting(worker, coaching)).exists()
    assert not AccessLogEntry.objects.filter(client_id=target.uuid, actor=worker).exists()

    switch(client, social)
    page = client.get(f"/clients/{target.uuid}/")
    assert page.status_code == 200
    assert STREET in page.content.decode()
    assert str(target.uuid) in client.get("/clients/", {"q": "Suunnistaja"}).content.decode()
    assert list(Client.objects.for_user(acting(worker, social))) == [target]
    assert set(
        AccessLogEntry.objects.filter(client_id=target.uuid, actor=worker).values_list(
            "actor_role", "basis"
        )
    ) == {(Role.SOCIAL_WORKER, "care_team")}


def test_the_relation_is_that_of_the_role_acted_in(team):
    """relation_to caches per role: switching on the same client object reads anew."""
    worker, target = team["worker"], team["client"]
    social = worker.role_assignments.get()
    coaching = RoleAssignment.objects.create(user=worker, role=Role.WORK_COACH, unit=UnitFactory())
    assert relation_to(acting(worker, social), target).is_responsible_worker
    assert not relation_to(acting(worker, coaching), target).visible
    assert relation_to(acting(worker, social), target).is_responsible_worker


def test_the_relation_is_one_query_for_a_team_member(team):
    target = Client.objects.get(pk=team["client"].pk)
    coach = acting(team["coach"])
    with CaptureQueriesContext(connection) as queries:
        relation = relation_to(coach, target)
    assert relation.team_roles == {TeamRole.COACH}
    assert len(queries) == 1


def test_a_coach_whose_coach_role_ended_does_not_reach_the_client_as_kela_liaison(client, team):
    """Reproduction (b): the coach membership needs a coach role; a Kela liaison role in the
    same organisation does not carry it. The daily re-check ends the membership."""
    coach, target, worker = team["coach"], team["client"], team["worker"]
    make_note(target, worker, text="Asiakas aloitti pajalla maanantaina.")
    RoleAssignment.objects.create(user=coach, role=Role.KELA_LIAISON, unit=team["unit"])
    login(client, coach)
    assert client.get(f"/clients/{target.uuid}/").status_code == 200

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user=coach, role=Role.WORK_COACH).update(
        valid_from=yesterday - datetime.timedelta(days=30), valid_to=yesterday
    )
    assert client.get(f"/clients/{target.uuid}/").status_code == 404
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 404
    assert str(target.uuid) not in client.get("/clients/").content.decode()

    assert end_uncovered_memberships() == 1
    membership = CareTeamMembership.objects.get(client=target, user=coach)
    assert membership.ended_on == timezone.localdate()
    task = Task.objects.get(assignee=worker)
    assert str(task.title) == str(NO_FITTING_ROLE).format(name=coach.get_full_name())


def test_the_daily_re_check_keeps_members_with_a_fitting_role_in_the_organisation(team):
    """A coach who still holds a coach role, a responsible worker (ended only by a transfer)
    and an "other" member acting in any role that works with clients all stay."""
    add_member(team["client"], team["counsellor"], TeamRole.OTHER)
    assert end_uncovered_memberships() == 0
    assert CareTeamMembership.objects.current().filter(client=team["client"]).count() == 3


def test_a_sote_contact_person_reaches_the_client_only_in_a_fitting_role(team):
    nurse = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(team["client"], nurse, TeamRole.SOTE_CONTACT)
    coaching = RoleAssignment.objects.create(
        user=nurse, role=Role.WORKSHOP_COACH, unit=team["unit"]
    )
    target = team["client"]
    assert relation_to(acting(nurse), target).is_sote_contact
    assert not relation_to(acting(nurse, coaching), target).visible
    other = ClientFactory(created_by=team["worker"])
    add_member(other, nurse, TeamRole.OTHER)
    assert list(Client.objects.for_user(acting(nurse, coaching))) == [other]


def test_the_worker_s_own_lists_follow_the_active_role_too(team):
    """The dashboard's expiring consents and the worker's consultation requests name the
    client as the client list does: not while the responsible worker acts as a coach."""
    from consents.factories import ConsentFactory
    from consents.models import Consent
    from consultations.factories import make_request
    from consultations.models import ConsultationRequest

    worker, target = team["worker"], team["client"]
    social = worker.role_assignments.get()
    coaching = RoleAssignment.objects.create(user=worker, role=Role.WORK_COACH, unit=UnitFactory())
    consent = ConsentFactory(client=target)
    request = make_request(target, asked_by=worker)
    assert list(Consent.objects.of_responsible_worker(acting(worker, social))) == [consent]
    assert list(ConsultationRequest.objects.of_worker(acting(worker, social))) == [request]
    assert not Consent.objects.of_responsible_worker(acting(worker, coaching)).exists()
    assert not ConsultationRequest.objects.of_worker(acting(worker, coaching)).exists()


def test_a_social_worker_of_two_organisations_reaches_a_client_only_acting_for_its_own(
    client, team
):
    """A worker who is a social worker in two municipalities acts for one at a time: acting
    for the other, the same role does not carry the membership of this one's client."""
    from services.factories import OrganisationFactory

    worker, target = team["worker"], team["client"]
    home = worker.role_assignments.get()
    elsewhere = RoleAssignment.objects.create(
        user=worker,
        role=Role.SOCIAL_WORKER,
        unit=UnitFactory(organisation=OrganisationFactory(slug="naapurikunta")),
    )
    assert not Client.objects.for_user(acting(worker, elsewhere)).exists()
    assert not relation_to(acting(worker, elsewhere), target).visible
    login(client, worker)
    switch(client, elsewhere)
    assert client.get(f"/clients/{target.uuid}/").status_code == 404
    switch(client, home)
    assert client.get(f"/clients/{target.uuid}/").status_code == 200
    assert list(Client.objects.for_user(acting(worker, home))) == [target]


def test_a_partner_who_works_only_elsewhere_acts_for_their_own_organisation(team):
    """A member from another organisation (here employment services), with no role in the
    client's organisation, reaches the client acting for their own."""
    from consents.factories import ConsentFactory
    from services.factories import OrganisationFactory

    target = team["client"]
    employment = OrganisationFactory(employment_services=True, slug="tyollisyys-x")
    expert = make_user(Role.EMPLOYMENT_EXPERT, UnitFactory(organisation=employment))
    ConsentFactory(client=target, recorded_by=team["worker"], parties=[employment])
    add_member(target, expert, TeamRole.OTHER)
    assert list(Client.objects.for_user(acting(expert))) == [target]
