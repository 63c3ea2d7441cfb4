"""Who may be added to a client's care team (clients.team_scope): current role assignments
of the client's organisation, labelled so namesakes differ; people of other organisations
only where the client's consent covers their organisation for service planning; the team
role fits the person's role. The page and the action enforce the same rule."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from clients import actions, team_scope
from clients.access import relation_to
from clients.factories import member_organisation
from clients.models import CareTeamMembership, Client, TeamRole
from consents.factories import ConsentFactory
from consents.models import Purpose
from services.factories import OrganisationFactory, UnitFactory
from services.models import OrganisationKind
from tests.conftest import acting, login

DAY = datetime.timedelta(days=1)


@pytest.fixture
def scope(team):
    """Around the team's client: namesakes, lapsed and future roles, people who never join,
    and partners of Kela, employment services and health care."""
    unit = team["unit"]
    unit.name_fi = "Aikuissosiaalityö Kallio"
    unit.save()
    workshop = UnitFactory(organisation=unit.organisation, name_fi="Työtoiminta Itäkeskus")
    today = timezone.localdate()
    people = {
        "coach_matti": make_user(
            Role.WORK_COACH, workshop, first_name="Matti", last_name="Virtanen"
        ),
        "counsellor_matti": make_user(
            Role.SOCIAL_COUNSELLOR, unit, first_name="Matti", last_name="Virtanen"
        ),
        "coordinator": make_user(Role.COORDINATOR, unit, first_name="Kaisa", last_name="Koord"),
        "lapsed": make_user(Role.WORK_COACH, workshop, first_name="Eero", last_name="Entinen"),
        "future": make_user(Role.WORK_COACH, workshop, first_name="Tuuli", last_name="Tuleva"),
        "inactive": make_user(
            Role.WORK_COACH, workshop, first_name="Ilkka", last_name="Lopettanut", is_active=False
        ),
        "admin": make_user(Role.ADMIN, unit, first_name="Paavo", last_name="Pääkäyttäjä"),
        "dpo": make_user(Role.DPO, unit, first_name="Tiina", last_name="Tietosuoja"),
    }
    RoleAssignment.objects.filter(user=people["lapsed"]).update(
        valid_from=today - 100 * DAY, valid_to=today - DAY
    )
    RoleAssignment.objects.filter(user=people["future"]).update(valid_from=today + DAY)
    kela = UnitFactory(
        organisation=OrganisationFactory(kela=True, slug="kela"), name_fi="Kela, työkyvyn tuki"
    )
    employment = UnitFactory(
        organisation=OrganisationFactory(employment_services=True, name_fi="Työllisyyspalvelut"),
        name_fi="Työllisyyspalvelut, asiakaspalvelu",
    )
    health = UnitFactory(
        organisation=OrganisationFactory(health_care=True, name_fi="Työterveys Oy"),
        name_fi="Työterveysasema",
    )
    unrelated = UnitFactory(name_fi="Toisen hyvinvointialueen sosiaalityö")
    people |= {
        "kela": make_user(Role.KELA_LIAISON, kela, first_name="Kerttu", last_name="Kelalainen"),
        "expert": make_user(
            Role.EMPLOYMENT_EXPERT, employment, first_name="Tero", last_name="Työllinen"
        ),
        "nurse": make_user(
            Role.HEALTH_PROFESSIONAL, health, first_name="Terhi", last_name="Terveys"
        ),
        "other_manager": make_user(
            Role.MANAGER, employment, first_name="Elsa", last_name="Esihenkilö"
        ),
        "unrelated": make_user(
            Role.SOCIAL_WORKER, unrelated, first_name="Uolevi", last_name="Ulkopuolinen"
        ),
        "kela_unit": kela,
    }
    return {**team, **people}


def add_url(client) -> str:
    return f"/clients/{client.uuid}/team/add/"


def offered(http, scope) -> dict[str, int]:
    """The person choices of the add-member page: label -> assignment id."""
    login(http, scope["worker"])
    response = http.get(add_url(scope["client"]))
    assert response.status_code == 200
    page = response.content.decode()
    select = re.search(r'<select name="assignment".*?</select>', page, re.S).group(0)
    return {
        html.unescape(label).strip(): int(value)
        for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    }


def assignment_of(user) -> int:
    return user.role_assignments.get().pk


def add(scope, member, role=TeamRole.OTHER):
    return actions.add_team_member(
        client=scope["client"], user=member, role=role, added_by=acting(scope["worker"])
    )


def test_the_choices_are_current_roles_in_the_clients_organisation_labelled_so_namesakes_differ(
    client, scope
):
    choices = offered(client, scope)
    assert choices["Matti Virtanen – Työvalmentaja, Työtoiminta Itäkeskus"] == assignment_of(
        scope["coach_matti"]
    )
    assert choices["Matti Virtanen – Sosiaaliohjaaja, Aikuissosiaalityö Kallio"] == (
        assignment_of(scope["counsellor_matti"])
    )
    names = " ".join(choices)
    assert "Kaisa Koord – Työkykykoordinaattori" in names
    for absent in (
        "Eero Entinen",  # the role has ended
        "Tuuli Tuleva",  # the role has not started
        "Ilkka Lopettanut",  # the account is closed
        "Paavo Pääkäyttäjä",
        "Tiina Tietosuoja",
        "Kerttu Kelalainen",  # no consent covers Kela
        "Tero Työllinen",
        "Terhi Terveys",
        "Uolevi Ulkopuolinen",
    ):
        assert absent not in names


def test_an_expired_role_is_not_offered_and_neither_the_page_nor_the_action_accepts_it(
    client, scope
):
    lapsed = scope["lapsed"]
    assert "Eero Entinen" not in " ".join(offered(client, scope))
    response = client.post(
        add_url(scope["client"]), {"assignment": assignment_of(lapsed), "role": TeamRole.COACH}
    )
    assert response.status_code == 200
    with pytest.raises(ValidationError, match="ei ole voimassa olevaa roolia"):
        add(scope, lapsed, TeamRole.COACH)
    assert not CareTeamMembership.objects.filter(user=lapsed).exists()


def test_a_colleague_of_the_organisation_is_added_through_the_page(client, scope):
    choices = offered(client, scope)
    response = client.post(
        add_url(scope["client"]),
        {
            "assignment": choices["Matti Virtanen – Työvalmentaja, Työtoiminta Itäkeskus"],
            "role": TeamRole.COACH,
        },
    )
    assert response.status_code == 302
    membership = CareTeamMembership.objects.get(user=scope["coach_matti"])
    assert membership.role == TeamRole.COACH
    # Within the organisation nothing is disclosed: no disclosure-log row.
    assert not DisclosureLogEntry.objects.exists()
    assert AccessLogEntry.objects.filter(
        action="clients.membership.added", object_id=str(membership.pk)
    ).exists()


@pytest.mark.usefixtures("consent_coverage")
def test_a_kela_liaison_joins_only_when_the_clients_consent_covers_kela(client, scope):
    kela = scope["kela"]
    with pytest.raises(ValidationError, match="suostumus ei kata"):
        add(scope, kela)
    assert not CareTeamMembership.objects.filter(user=kela).exists()
    assert not DisclosureLogEntry.objects.exists()

    consent = ConsentFactory(
        client=scope["client"], parties=[scope["kela_unit"].organisation]
    )  # service planning among its purposes
    choices = offered(client, scope)
    label = "Kerttu Kelalainen – Kelan yhteyshenkilö, Kela, työkyvyn tuki"
    assert choices[label] == assignment_of(kela)
    assert "Tero Työllinen" not in " ".join(choices)  # the consent names Kela only

    response = client.post(
        add_url(scope["client"]), {"assignment": choices[label], "role": TeamRole.OTHER}
    )
    assert response.status_code == 302
    assert CareTeamMembership.objects.current().filter(client=scope["client"], user=kela).exists()
    kela.active_assignment = kela.role_assignments.get()
    assert relation_to(kela, scope["client"]).visible
    # Joining discloses the client to Kela: logged on the consent it rests on.
    disclosure = DisclosureLogEntry.objects.get()
    assert disclosure.recipient_user == kela
    assert disclosure.recipient_organisation == scope["kela_unit"].organisation
    assert (disclosure.basis, disclosure.consent_id) == (Basis.CONSENT, consent.pk)
    assert disclosure.purpose == Purpose.SERVICE_PLANNING
    assert disclosure.client_id == scope["client"].uuid
    # One access-log row for the work: the membership added, not the disclosure again.
    assert not AccessLogEntry.objects.filter(action="consents.disclosure.recorded").exists()
    assert AccessLogEntry.objects.filter(action="clients.membership.added").count() == 1


@pytest.mark.usefixtures("consent_coverage")
def test_a_consent_for_other_purposes_does_not_let_a_partner_join(client, scope):
    ConsentFactory(
        client=scope["client"],
        parties=[scope["kela_unit"].organisation],
        purposes=[Purpose.KELA_BENEFITS, Purpose.CASE_CONSULTATION],
    )
    assert "Kerttu Kelalainen" not in " ".join(offered(client, scope))
    with pytest.raises(ValidationError, match="suostumus ei kata"):
        add(scope, scope["kela"])
    response = client.post(
        add_url(scope["client"]),
        {"assignment": assignment_of(scope["kela"]), "role": TeamRole.OTHER},
    )
    assert response.status_code == 200
    assert not CareTeamMembership.objects.filter(user=scope["kela"]).exists()
    assert not DisclosureLogEntry.objects.exists()


@pytest.mark.usefixtures("consent_coverage")
def test_a_revoked_or_ended_consent_lets_no_one_join(scope):
    ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation], expired=True)
    with pytest.raises(ValidationError, match="suostumus ei kata"):
        add(scope, scope["kela"])
    assert not CareTeamMembership.objects.filter(user=scope["kela"]).exists()


@pytest.mark.usefixtures("consent_coverage")
@pytest.mark.parametrize("with_health", [False, True])
def test_a_health_professional_of_another_organisation_needs_consent_to_health_data(
    client, scope, with_health
):
    nurse = scope["nurse"]
    ConsentFactory(
        client=scope["client"],
        parties=[OrganisationKind.HEALTH_CARE],
        purposes=[Purpose.SERVICE_PLANNING, Purpose.HEALTH_CARE],
        with_health=with_health,
    )
    label = "Terhi Terveys – Terveydenhuollon ammattilainen, Työterveysasema"
    assert (label in offered(client, scope)) is with_health
    if with_health:
        add(scope, nurse, TeamRole.SOTE_CONTACT)
        # What the team sees, health data included.
        assert DisclosureLogEntry.objects.get().what.count(",") == 4  # five categories
    else:
        # A health professional reads health-related notes: an ordinary consent is not enough.
        with pytest.raises(ValidationError, match="suostumus ei kata"):
            add(scope, nurse, TeamRole.SOTE_CONTACT)
    assert CareTeamMembership.objects.filter(user=nurse).exists() is with_health


@pytest.mark.usefixtures("consent_coverage")
def test_a_manager_of_another_organisation_never_joins(client, scope):
    ConsentFactory(client=scope["client"])  # Kela and every employment-services organisation
    choices = " ".join(offered(client, scope))
    assert "Tero Työllinen – Työllisyyspalvelujen asiantuntija" in choices
    assert "Elsa Esihenkilö" not in choices
    with pytest.raises(ValidationError, match="ei ole voimassa olevaa roolia"):
        add(scope, scope["other_manager"])


def test_without_the_consents_coverage_registered_no_one_of_another_organisation_joins(
    client, scope
):
    before = team_scope.team_coverage()
    team_scope.register_team_coverage(None)
    try:
        ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
        assert "Kerttu Kelalainen" not in " ".join(offered(client, scope))
        with pytest.raises(ValidationError, match="suostumus ei kata"):
            add(scope, scope["kela"])
    finally:
        team_scope.register_team_coverage(before)
    assert not CareTeamMembership.objects.filter(user=scope["kela"]).exists()


def test_the_consents_app_registers_the_team_coverage_at_start_up():
    assert team_scope.team_coverage() is not None


def test_the_action_refuses_a_person_outside_the_clients_organisation_directly(scope):
    worker = acting(scope["worker"])
    for outsider in (scope["unrelated"], scope["kela"], scope["admin"], scope["dpo"]):
        with pytest.raises(ValidationError):
            actions.add_team_member(
                client=scope["client"], user=outsider, role=TeamRole.OTHER, added_by=worker
            )
    assert not CareTeamMembership.objects.filter(
        user__in=[scope[k] for k in ("unrelated", "kela", "admin", "dpo")]
    ).exists()
    assert not AccessLogEntry.objects.filter(action="clients.membership.added").exists()


@pytest.mark.parametrize(
    ("person", "team_role"),
    [
        ("coach_matti", TeamRole.WORK_PAIR),  # a work pair is a coordinator
        ("counsellor_matti", TeamRole.COACH),
        ("coordinator", TeamRole.SOTE_CONTACT),
    ],
)
def test_the_team_role_must_fit_the_persons_role(client, scope, person, team_role):
    member = scope[person]
    with pytest.raises(ValidationError) as error:
        add(scope, member, team_role)
    assert list(error.value.error_dict) == ["role"]
    login(client, scope["worker"])
    response = client.post(
        add_url(scope["client"]), {"assignment": assignment_of(member), "role": team_role}
    )
    assert response.status_code == 200
    # A coordinator is told the one way they join: as work pair (PERMISSIONS.md).
    expected = (
        "liittyy asiakkaan tiimiin vain työparina"
        if person == "coordinator"
        else "Henkilön rooli ei sovi tiimin rooliin"
    )
    assert expected in response.content.decode()
    assert not CareTeamMembership.objects.filter(user=member).exists()


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("consent_coverage")
def test_the_page_asks_as_many_queries_for_3_and_30_people(client, scope):
    ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
    login(client, scope["worker"])
    url = add_url(scope["client"])
    client.get(url)  # the session's first request reads more
    few = _queries(client, url)
    for number in range(27):
        make_user(Role.WORK_COACH, scope["unit"], last_name=f"Valmentaja{number}")
        make_user(Role.KELA_LIAISON, scope["kela_unit"], last_name=f"Kelalainen{number}")
    assert len(offered(client, scope)) > 30
    assert _queries(client, url) == few
    # Nor for more organisations with people who could join.
    for number in range(5):
        provider = UnitFactory(
            organisation=OrganisationFactory(name_fi=f"Palveluntuottaja {number}")
        )
        make_user(Role.WORKSHOP_COACH, provider, last_name=f"Pajaohjaaja{number}")
    assert _queries(client, url) == few


# When nothing covers a member of another organisation any longer


def revoke(scope, consent):
    from consents import actions as consent_actions

    consent_actions.revoke_consent(
        consent=consent,
        revoked_by=acting(scope["worker"]),
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )


def test_revoking_the_consent_takes_the_partner_off_the_team_and_tells_the_worker(scope):
    from notifications.models import Task

    consent = ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
    add(scope, scope["kela"])
    add(scope, scope["coach_matti"], TeamRole.COACH)  # of the client's own organisation
    revoke(scope, consent)
    current = CareTeamMembership.objects.current().filter(client=scope["client"])
    assert not current.filter(user=scope["kela"]).exists()
    assert current.filter(user=scope["coach_matti"]).exists()
    scope["client"].__dict__.pop("_relations", None)
    assert not relation_to(acting(scope["kela"]), scope["client"]).visible
    entry = AccessLogEntry.objects.get(action="consents.membership.ended_uncovered")
    assert (entry.actor, entry.detail) == (scope["worker"], "Kela")
    task = Task.objects.get(kind="consents.member_uncovered")
    assert task.assignee == scope["worker"] and "Kerttu Kelalainen" in task.title


def test_telling_the_partner_is_checked_off_as_that_in_the_log(scope):
    """Checking off "tell them" logs telling a member who left the team, not a consent's
    change or revocation told to a party."""
    from audit.labels import action_label
    from notifications.actions import complete_task
    from notifications.models import Task

    consent = ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
    add(scope, scope["kela"])
    revoke(scope, consent)
    complete_task(
        task=Task.objects.get(kind="consents.member_uncovered"), by=acting(scope["worker"])
    )
    entry = AccessLogEntry.objects.get(action="consents.member_uncovered.told")
    assert (entry.actor, entry.client_id) == (scope["worker"], scope["client"].uuid)
    assert "tiimistä poistuneelle" in str(action_label(entry.action))


def test_a_consent_that_runs_out_ends_the_membership_in_the_daily_run(scope):
    from consents.tasks import end_uncovered_memberships_task

    consent = ConsentFactory(
        client=scope["client"],
        parties=[scope["kela_unit"].organisation],
        valid_until=timezone.localdate() + DAY,
    )
    add(scope, scope["kela"])
    assert end_uncovered_memberships_task.apply().get() == 0  # covered still
    with time_machine.travel(timezone.now() + 2 * DAY):
        assert end_uncovered_memberships_task.apply().get() == 1
        assert end_uncovered_memberships_task.apply().get() == 0
        assert not CareTeamMembership.objects.current().filter(user=scope["kela"]).exists()
    assert consent.parties.count() == 1
    # The end is on the client's access log, as the system's on the statutory basis.
    entry = AccessLogEntry.objects.get(action="consents.membership.ended_uncovered")
    assert (entry.actor, entry.basis, entry.client_id) == (None, "statute", scope["client"].uuid)


def test_access_through_another_organisation_stops_when_the_consent_runs_out(client, scope):
    """At midnight, before the daily run ends the membership: the client is no longer on the
    partner's list, the page answers 404; a statutory basis in force keeps them on."""
    from consents.factories import StatutoryBasisFactory
    from consents.models import ORDINARY_CATEGORIES

    ConsentFactory(
        client=scope["client"],
        parties=[scope["kela_unit"].organisation],
        valid_until=timezone.localdate(),
    )
    add(scope, scope["kela"])
    kela = acting(scope["kela"])
    page = f"/clients/{scope['client'].uuid}/"
    login(client, scope["kela"])
    assert client.get(page).status_code == 200
    with time_machine.travel(timezone.now() + DAY):
        # Still a current membership: the daily run has not got to it.
        assert CareTeamMembership.objects.current().filter(user=kela).exists()
        assert not CareTeamMembership.objects.acting(kela).exists()
        assert not Client.objects.for_user(kela).exists()
        assert not relation_to(kela, Client.objects.get(pk=scope["client"].pk)).visible
        client.logout()
        login(client, scope["kela"])  # a new day's sign-in
        assert client.get(page).status_code == 404
        StatutoryBasisFactory(
            client=scope["client"],
            organisation=None,
            organisation_kind=OrganisationKind.KELA,
            purposes=[Purpose.SERVICE_PLANNING],
            categories=list(ORDINARY_CATEGORIES),
            recorded_by=scope["worker"],
        )
        assert Client.objects.for_user(kela).get() == scope["client"]
        assert client.get(page).status_code == 200
    # The worker's own organisation needs no consent.
    assert Client.objects.for_user(acting(scope["worker"])).exists()


def test_team_access_reads_the_consent_as_joining_did_by_kind_and_with_health_data(scope):
    """A consent naming the organisation's kind covers; a health professional's access needs
    the consent's health data, as their joining did: once the consent with it runs out, one
    without it, though in force, opens nothing (before the daily run ends the membership)."""
    for with_health, valid_until in ((True, timezone.localdate()), (False, None)):
        ConsentFactory(
            client=scope["client"],
            parties=[OrganisationKind.HEALTH_CARE],
            purposes=[Purpose.SERVICE_PLANNING],
            with_health=with_health,
            valid_until=valid_until,
        )
    add(scope, scope["nurse"], TeamRole.SOTE_CONTACT)
    nurse = acting(scope["nurse"])
    assert CareTeamMembership.objects.acting(nurse).exists()
    with time_machine.travel(timezone.now() + DAY):
        assert CareTeamMembership.objects.current().filter(user=nurse).exists()
        assert not CareTeamMembership.objects.acting(nurse).exists()


def test_a_partner_still_covered_by_a_new_version_stays(scope):
    from consents import actions as consent_actions

    kela = scope["kela_unit"].organisation
    consent = ConsentFactory(
        client=scope["client"], parties=[kela, OrganisationKind.EMPLOYMENT_SERVICES]
    )
    add(scope, scope["kela"])
    add(scope, scope["expert"])
    terms = consent_actions.ConsentTerms.of(consent)
    consent_actions.change_consent(
        consent=consent,
        terms=consent_actions.ConsentTerms(
            **{**terms.__dict__, "organisations": (kela,), "organisation_kinds": ()}
        ),
        changed_by=acting(scope["worker"]),
    )
    current = CareTeamMembership.objects.current().filter(client=scope["client"])
    assert current.filter(user=scope["kela"]).exists()
    assert not current.filter(user=scope["expert"]).exists()


def test_a_partner_added_to_start_later_does_not_start_after_a_revocation(scope):
    consent = ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
    actions.add_team_member(
        client=scope["client"],
        user=scope["kela"],
        role=TeamRole.OTHER,
        added_by=acting(scope["worker"]),
        started_on=timezone.localdate() + DAY,
    )
    revoke(scope, consent)
    membership = CareTeamMembership.objects.get(user=scope["kela"])
    assert membership.ended_on is not None
    with time_machine.travel(timezone.now() + 2 * DAY):
        scope["client"].__dict__.pop("_relations", None)
        assert not relation_to(acting(scope["kela"]), scope["client"]).visible


def test_whom_the_team_took_through_another_organisation_leaves_however_else_they_hold_roles(
    scope,
):
    """A Kela coach who is also an employment expert of the client's organisation joined as
    coach through Kela (the expert's role does not fit a coach): the revocation ends it. A
    coach of the client's organisation who also holds a role at Kela stays."""
    kela_unit = scope["kela_unit"]
    both = make_user(Role.WORK_COACH, kela_unit, first_name="Kaksi", last_name="Roolia")
    RoleAssignment.objects.create(user=both, role=Role.EMPLOYMENT_EXPERT, unit=scope["unit"])
    RoleAssignment.objects.create(user=scope["coach_matti"], role=Role.KELA_LIAISON, unit=kela_unit)
    consent = ConsentFactory(client=scope["client"], parties=[kela_unit.organisation])
    add(scope, both, TeamRole.COACH)
    add(scope, scope["coach_matti"], TeamRole.COACH)
    revoke(scope, consent)
    current = CareTeamMembership.objects.current().filter(client=scope["client"])
    assert not current.filter(user=both).exists()
    assert current.filter(user=scope["coach_matti"]).exists()


@pytest.mark.usefixtures("consent_coverage")
def test_a_consent_narrower_than_what_the_team_sees_lets_no_one_join(scope):
    """A member sees the team's panels (income on the steps, capacity in the assessments):
    a consent to identity and pathway data alone is not enough."""
    ConsentFactory(
        client=scope["client"],
        parties=[scope["kela_unit"].organisation],
        categories=["identity", "pathway"],
    )
    with pytest.raises(ValidationError, match="suostumus ei kata"):
        add(scope, scope["kela"])
    assert not CareTeamMembership.objects.filter(user=scope["kela"]).exists()


def test_the_daily_run_runs_one_at_a_time(scope):
    from django.core.cache import cache

    from consents.tasks import UNCOVERED_LOCK_KEY, end_uncovered_memberships_task

    ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation], expired=True)
    CareTeamMembership.objects.create(
        client=scope["client"],
        user=scope["kela"],
        role=TeamRole.OTHER,
        organisation_id=member_organisation(scope["client"], scope["kela"]),
        created_by=scope["worker"],
    )
    cache.add(UNCOVERED_LOCK_KEY, "1", timeout=60)  # another run holds it
    assert end_uncovered_memberships_task.apply().get() == 0
    cache.delete(UNCOVERED_LOCK_KEY)
    assert end_uncovered_memberships_task.apply().get() == 1
    assert not CareTeamMembership.objects.current().filter(user=scope["kela"]).exists()


def test_a_partner_on_a_statutory_basis_leaves_when_it_ends(scope):
    from consents import actions as consent_actions
    from consents.factories import StatutoryBasisFactory
    from consents.models import ORDINARY_CATEGORIES

    basis = StatutoryBasisFactory(
        client=scope["client"],
        organisation=scope["kela_unit"].organisation,
        organisation_kind="",
        purposes=[Purpose.SERVICE_PLANNING],
        categories=list(ORDINARY_CATEGORIES),
        recorded_by=scope["worker"],
    )
    add(scope, scope["kela"])
    consent_actions.end_statutory_basis(basis=basis, ended_by=acting(scope["worker"]))
    assert not CareTeamMembership.objects.current().filter(user=scope["kela"]).exists()


def test_a_partner_whose_role_ended_leaves_and_the_worker_is_told_why(scope):
    from consents.team_coverage import end_uncovered_memberships
    from notifications.models import Task

    ConsentFactory(client=scope["client"], parties=[scope["kela_unit"].organisation])
    add(scope, scope["kela"])
    RoleAssignment.objects.filter(user=scope["kela"]).update(
        valid_from=timezone.localdate() - 100 * DAY, valid_to=timezone.localdate() - DAY
    )
    RoleAssignment.objects.create(
        user=scope["kela"], role=Role.MANAGER, unit=scope["kela_unit"]
    )  # a role elsewhere that does not fit the team
    assert end_uncovered_memberships() == 1
    task = Task.objects.get(kind="consents.member_uncovered")
    assert "ei ole voimassa olevaa roolia" in task.title


@pytest.fixture
def two_hats(scope):
    """The employment expert also works as a health professional for a private provider:
    the client's consent covers employment services only, so they join through it."""
    provider = UnitFactory(
        organisation=OrganisationFactory(health_care=True, name_fi="Yksityinen Oy"),
        name_fi="Yksityinen vastaanotto",
    )
    expert = scope["expert"]
    at_provider = RoleAssignment.objects.create(
        user=expert, role=Role.HEALTH_PROFESSIONAL, unit=provider
    )
    employment = expert.role_assignments.get(role=Role.EMPLOYMENT_EXPERT)
    ConsentFactory(client=scope["client"], parties=[employment.unit.organisation])
    membership = add(scope, expert)
    return {"membership": membership, "employment": employment, "provider": at_provider}


def test_a_member_of_two_organisations_works_on_the_team_for_the_one_it_was_disclosed_to(
    scope, two_hats
):
    """The membership is with employment services, whose disclosure was logged: acting for
    the provider (where the role would read health-related notes), the expert does not
    reach the client."""
    expert, employment = scope["expert"], two_hats["employment"]
    assert two_hats["membership"].organisation == employment.unit.organisation
    disclosed = DisclosureLogEntry.objects.get(recipient_user=expert)
    assert disclosed.recipient_organisation == employment.unit.organisation
    assert relation_to(acting(expert, employment), scope["client"]).visible
    scope["client"].__dict__.pop("_relations", None)
    assert not relation_to(acting(expert, two_hats["provider"]), scope["client"]).visible


def test_a_member_whose_role_ended_in_the_organisation_they_joined_for_leaves(scope, two_hats):
    """Their role at employment services ends; the one at the provider goes on, but the
    team took them for employment services (and nothing was disclosed to the provider)."""
    from consents.team_coverage import end_uncovered_memberships

    ConsentFactory(
        client=scope["client"], parties=[two_hats["provider"].unit.organisation], with_health=True
    )
    RoleAssignment.objects.filter(pk=two_hats["employment"].pk).update(
        valid_from=timezone.localdate() - 100 * DAY, valid_to=timezone.localdate() - DAY
    )
    assert end_uncovered_memberships() == 1
    two_hats["membership"].refresh_from_db()
    assert two_hats["membership"].ended_on == timezone.localdate()


def test_the_team_panel_names_the_organisation_the_member_works_for_on_the_team(
    client, scope, two_hats
):
    """Their account's home is the provider; on this team they work for employment services."""
    expert = scope["expert"]
    type(expert).objects.filter(pk=expert.pk).update(
        organisation=two_hats["provider"].unit.organisation
    )
    login(client, scope["worker"])
    page = client.get(f"/clients/{scope['client'].uuid}/").content.decode()
    assert "Tero Työllinen, Työllisyyspalvelut" in page
    assert "Yksityinen Oy" not in page
