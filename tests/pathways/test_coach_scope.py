"""A step's coach joins the client's care team, so the coach is chosen as the team's members
are (clients.team_scope): a coach role in force in the client's organisation, or in another
organisation that the client's consent covers, the joining then a logged disclosure. The
step form offers no one else and the actions refuse anyone else on the coach field, nothing
saved; a step whose coach has left the scope still takes changes to its other fields."""

import datetime
import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from clients.actions import end_membership
from clients.models import CareTeamMembership, TeamRole
from consents.actions import revoke_consent
from consents.factories import ConsentFactory
from consents.models import Purpose
from pathways import actions
from pathways.models import PathwayStep
from pathways.step_rules import period_end_limit
from services.factories import OrganisationFactory, UnitFactory
from services.models import ServiceType
from tests.conftest import field_errors, login

DAY = datetime.timedelta(days=1)
REHAB = "rehabilitative_work_activity"
IPS = "supported_employment"


@pytest.fixture
def cast(worker, client_of, today):
    """Around a client of the worker's organisation: coaches of that organisation (two
    namesakes, one whose role has ended, a colleague who is no coach) and a job coach of
    an employment-services organisation."""
    unit = worker.active_assignment.unit
    unit.name_fi = "Aikuissosiaalityö Kallio"
    unit.save()
    workshop = UnitFactory(organisation=unit.organisation, name_fi="Työtoiminta Itäkeskus")
    employment = UnitFactory(
        organisation=OrganisationFactory(employment_services=True, name_fi="Työllisyyspalvelut"),
        name_fi="Työllisyyspalvelut, työhönvalmennus",
    )
    people = {
        "coach": make_user(Role.WORK_COACH, workshop, first_name="Matti", last_name="Virtanen"),
        "namesake": make_user(Role.JOB_COACH, unit, first_name="Matti", last_name="Virtanen"),
        "lapsed": make_user(Role.WORK_COACH, workshop, first_name="Eero", last_name="Entinen"),
        "counsellor": make_user(
            Role.SOCIAL_COUNSELLOR, unit, first_name="Sini", last_name="Sosiaaliohjaaja"
        ),
        "outsider": make_user(Role.JOB_COACH, employment, first_name="Tero", last_name="Työllinen"),
    }
    RoleAssignment.objects.filter(user=people["lapsed"]).update(
        valid_from=today - 100 * DAY, valid_to=today - DAY
    )
    return {
        **people,
        "worker": worker,
        "client": client_of(),
        "employment": employment.organisation,
    }


def new_url(client, code=IPS) -> str:
    return f"/clients/{client.uuid}/steps/new/?type={code}"


def edit_url(step) -> str:
    return f"/clients/{step.client.uuid}/steps/{step.pk}/edit/"


def coach_options(page: str) -> dict[str, int]:
    """The coach choices of a step form: label -> user id."""
    select = re.search(r'<select name="coach".*?</select>', page, re.S).group(0)
    return {
        html.unescape(label).strip(): int(value)
        for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    }


def offered(http, cast) -> dict[str, int]:
    login(http, cast["worker"])
    response = http.get(new_url(cast["client"]))
    assert response.status_code == 200
    return coach_options(response.content.decode())


def ips_form(today, coach) -> dict:
    return {"type": IPS, "coach": coach.pk, "start_on": today.isoformat(), "goal": "Työpaikka"}


def rehab_fields(today, **overrides) -> dict:
    return {
        "service_type": ServiceType.objects.get(code=REHAB),
        "start_on": today,
        "planned_end_on": period_end_limit(today, 6),
        "days_per_week": 3,
        "hours_per_day": 5,
        "goal": "Arjen rytmi",
        "support_given": "Työvalmennus",
        **overrides,
    }


def coach_error(call) -> list[str]:
    """The messages the action refuses with; they must be the coach field's only."""
    with pytest.raises(ValidationError) as error:
        call()
    assert list(error.value.error_dict) == ["coach"]
    return error.value.message_dict["coach"]


def test_the_choices_are_current_coaches_the_team_takes_labelled_so_namesakes_differ(client, cast):
    choices = offered(client, cast)
    assert choices["Matti Virtanen – Työvalmentaja, Työtoiminta Itäkeskus"] == cast["coach"].pk
    assert choices["Matti Virtanen – Työhönvalmentaja, Aikuissosiaalityö Kallio"] == (
        cast["namesake"].pk
    )
    names = " ".join(choices)
    assert "Eero Entinen" not in names  # the coach role has ended
    assert "Sini Sosiaaliohjaaja" not in names  # no coach
    assert "Tero Työllinen" not in names  # another organisation, and no consent covers it


def test_a_coach_of_the_clients_organisation_is_planned_and_joins_the_team(client, cast, today):
    offered(client, cast)
    response = client.post(new_url(cast["client"]), ips_form(today, cast["coach"]))
    assert response.status_code == 302
    step = PathwayStep.objects.get(client=cast["client"])
    assert step.coach == cast["coach"]
    assert CareTeamMembership.objects.current().get(
        client=cast["client"], user=cast["coach"]
    ).role == (TeamRole.COACH)
    # Within the organisation nothing is disclosed.
    assert not DisclosureLogEntry.objects.exists()


def test_a_coach_on_the_team_as_other_member_becomes_its_coach(client, cast, today):
    """ "Other member" is for someone with no other role in the team: the step's coach who
    held it is the team's coach from now on, the other membership ended and logged."""
    from clients.actions import add_team_member

    other = add_team_member(
        client=cast["client"], user=cast["coach"], role=TeamRole.OTHER, added_by=cast["worker"]
    )
    offered(client, cast)
    response = client.post(new_url(cast["client"]), ips_form(today, cast["coach"]))
    assert response.status_code == 302

    other.refresh_from_db()
    assert other.ended_on is not None
    held = CareTeamMembership.objects.filter(client=cast["client"], user=cast["coach"]).on_team()
    assert list(held.values_list("role", flat=True)) == [TeamRole.COACH]
    assert AccessLogEntry.objects.filter(
        action__in=["clients.membership.ended", "clients.membership.cancelled"],
        object_id=str(other.pk),
        actor=cast["worker"],
        detail="superseded by coach",
    ).exists()


def test_a_coach_of_another_organisation_is_refused_without_the_clients_consent(
    client, cast, today
):
    outsider = cast["outsider"]
    assert outsider.pk not in offered(client, cast).values()
    response = client.post(new_url(cast["client"]), ips_form(today, outsider))
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "coach")

    # The action refuses the work activity on the coach field, its work coaching unsaved too.
    messages = coach_error(
        lambda: actions.plan_step(
            client=cast["client"],
            planned_by=cast["worker"],
            coach=outsider,
            **rehab_fields(today),
        )
    )
    assert "suostumus ei kata" in " ".join(messages)
    assert not PathwayStep.objects.filter(client=cast["client"]).exists()
    assert not CareTeamMembership.objects.filter(user=outsider).exists()
    assert not DisclosureLogEntry.objects.exists()
    assert not AccessLogEntry.objects.filter(action="pathways.step.planned").exists()


def test_a_coach_of_another_organisation_joins_with_a_covering_consent_as_a_disclosure(
    client, cast, today
):
    outsider = cast["outsider"]
    consent = ConsentFactory(client=cast["client"], parties=[cast["employment"]])
    choices = offered(client, cast)
    label = "Tero Työllinen – Työhönvalmentaja, Työllisyyspalvelut, työhönvalmennus"
    assert choices[label] == outsider.pk
    response = client.post(new_url(cast["client"]), ips_form(today, outsider))
    assert response.status_code == 302
    assert PathwayStep.objects.get(client=cast["client"]).coach == outsider
    assert (
        CareTeamMembership.objects.current()
        .filter(client=cast["client"], user=outsider, role=TeamRole.COACH)
        .exists()
    )
    disclosure = DisclosureLogEntry.objects.get()
    assert disclosure.recipient_user == outsider
    assert disclosure.recipient_organisation == cast["employment"]
    assert (disclosure.basis, disclosure.consent_id) == (Basis.CONSENT, consent.pk)
    assert disclosure.purpose == Purpose.SERVICE_PLANNING
    assert disclosure.actor == cast["worker"]


def test_a_consent_for_other_purposes_does_not_let_the_coach_join(cast, today):
    ConsentFactory(
        client=cast["client"],
        parties=[cast["employment"]],
        purposes=[Purpose.KELA_BENEFITS, Purpose.CASE_CONSULTATION],
    )
    coach_error(
        lambda: actions.plan_step(
            client=cast["client"],
            planned_by=cast["worker"],
            coach=cast["outsider"],
            **rehab_fields(today),
        )
    )
    assert not PathwayStep.objects.filter(client=cast["client"]).exists()
    assert not DisclosureLogEntry.objects.exists()


@pytest.mark.parametrize("person", ["lapsed", "counsellor"])
def test_an_ended_coach_role_or_another_role_is_refused(client, cast, today, person):
    chosen = cast[person]
    response = login(client, cast["worker"]).post(new_url(cast["client"]), ips_form(today, chosen))
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "coach")
    coach_error(
        lambda: actions.plan_step(
            client=cast["client"],
            planned_by=cast["worker"],
            coach=chosen,
            **rehab_fields(today),
        )
    )
    assert not PathwayStep.objects.filter(client=cast["client"]).exists()
    assert not CareTeamMembership.objects.filter(user=chosen).exists()


def planned(cast, today, coach=None):
    return actions.plan_step(
        client=cast["client"],
        planned_by=cast["worker"],
        coach=coach or cast["coach"],
        **rehab_fields(today),
    )


def test_a_step_whose_coach_has_left_the_scope_still_takes_other_changes(client, cast, today):
    step = planned(cast, today)
    coach = cast["coach"]
    RoleAssignment.objects.filter(user=coach).update(
        valid_from=today - 100 * DAY, valid_to=today - DAY
    )
    CareTeamMembership.objects.filter(user=coach).update(ended_on=today)
    login(client, cast["worker"])
    page = client.get(edit_url(step)).content.decode()
    # The present coach stays selected, though no longer offered to anyone else.
    assert coach_options(page) == {
        "Matti Virtanen – nykyinen valmentaja": coach.pk,
        "Matti Virtanen – Työhönvalmentaja, Aikuissosiaalityö Kallio": cast["namesake"].pk,
    }
    assert re.search(rf'<option value="{coach.pk}" selected>', page)
    assert "Matti Virtanen – nykyinen valmentaja" not in " ".join(offered(client, cast))

    form = {
        "coach": coach.pk,
        "start_on": today.isoformat(),
        "planned_end_on": period_end_limit(today, 6).isoformat(),
        "plan": step.plan_id or "",
        "days_per_week": 4,
        "hours_per_day": 5,
        "goal": "Arjen rytmi ja ryhmässä toimiminen",
        "support_given": "Työvalmennus",
    }
    response = client.post(edit_url(step), form)
    assert response.status_code == 302, field_errors(response.content.decode(), "coach")
    step.refresh_from_db()
    assert (step.coach, step.days_per_week, step.goal) == (
        coach,
        4,
        "Arjen rytmi ja ryhmässä toimiminen",
    )
    # Kept on the step, but no longer in the team's scope: the coach does not rejoin.
    assert not CareTeamMembership.objects.current().filter(user=coach).exists()


def test_a_new_coach_out_of_scope_is_refused_when_editing_and_nothing_changes(cast, today):
    step = planned(cast, today)
    coach_error(
        lambda: actions.update_step(
            step=step, changed_by=cast["worker"], coach=cast["outsider"], goal="Uusi tavoite"
        )
    )
    step.refresh_from_db()
    assert (step.coach, step.goal) == (cast["coach"], "Arjen rytmi")
    assert not CareTeamMembership.objects.filter(user=cast["outsider"]).exists()


def test_a_new_coach_of_another_organisation_joins_on_editing_with_the_consent(cast, today):
    step = planned(cast, today)
    ConsentFactory(client=cast["client"], parties=[cast["employment"]])
    actions.update_step(step=step, changed_by=cast["worker"], coach=cast["outsider"])
    assert (
        CareTeamMembership.objects.current()
        .filter(client=cast["client"], user=cast["outsider"], role=TeamRole.COACH)
        .exists()
    )
    assert DisclosureLogEntry.objects.get().recipient_user == cast["outsider"]
    # Changing the step again discloses nothing more: the coach is already a member.
    actions.update_step(step=step, changed_by=cast["worker"], goal="Uusi tavoite")
    assert DisclosureLogEntry.objects.count() == 1


def test_a_kept_coach_whose_consent_has_ended_does_not_rejoin(cast, today):
    consent = ConsentFactory(client=cast["client"], parties=[cast["employment"]])
    step = planned(cast, today, coach=cast["outsider"])
    assert DisclosureLogEntry.objects.count() == 1
    revoke_consent(
        consent=consent,
        revoked_by=cast["worker"],
        revoked_on=today,
        method="in_person",
        through="Asiakas itse vastuutyöntekijälle",
    )
    CareTeamMembership.objects.filter(user=cast["outsider"]).update(ended_on=today)
    changed = actions.update_step(step=step, changed_by=cast["worker"], goal="Uusi tavoite")
    assert (changed.coach, changed.goal) == (cast["outsider"], "Uusi tavoite")
    assert not CareTeamMembership.objects.current().filter(user=cast["outsider"]).exists()
    assert DisclosureLogEntry.objects.count() == 1


def test_a_coach_whom_the_worker_took_off_the_team_stays_off_when_the_step_changes(cast, today):
    step = planned(cast, today)
    coach = cast["coach"]
    membership = CareTeamMembership.objects.current().get(user=coach, client=cast["client"])
    end_membership(membership=membership, ended_by=cast["worker"])
    # The coach is still in the team's scope, yet a change to the step's goal or dates
    # does not undo the worker's decision: only a coach newly chosen for a step joins.
    changed = actions.update_step(step=step, changed_by=cast["worker"], goal="Uusi tavoite")
    assert (changed.coach, changed.goal) == (coach, "Uusi tavoite")
    assert not CareTeamMembership.objects.current().filter(user=coach).exists()
    # Choosing the coach again for the step is that decision, and brings them back.
    actions.update_step(step=step, changed_by=cast["worker"], coach=cast["namesake"])
    actions.update_step(step=step, changed_by=cast["worker"], coach=coach)
    assert CareTeamMembership.objects.current().filter(user=coach, role=TeamRole.COACH).exists()


def _queries(http, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries)


def test_the_form_asks_as_many_queries_for_3_and_30_coaches(client, cast):
    ConsentFactory(client=cast["client"], parties=[cast["employment"]])
    url = new_url(cast["client"])
    login(client, cast["worker"])
    client.get(url)  # the session's first request reads more
    few = _queries(client, url)
    for number in range(14):
        make_user(Role.WORK_COACH, cast["worker"].active_assignment.unit, last_name=f"V{number}")
        make_user(
            Role.JOB_COACH,
            cast["outsider"].role_assignments.get().unit,
            last_name=f"T{number}",
        )
    assert len(offered(client, cast)) > 30
    assert _queries(client, url) == few


def test_a_replaced_coach_leaves_the_team_and_no_longer_sees_the_client(client, cast, today):
    """The team has the coach of an active step (PERMISSIONS.md): a coach replaced on the
    step, coaching no other open step of the client, leaves the team in the change, as
    the coach of a step ended or cancelled does."""
    coach, successor = cast["coach"], cast["namesake"]
    step = actions.plan_step(
        client=cast["client"],
        planned_by=cast["worker"],
        service_type=ServiceType.objects.get(code=IPS),
        start_on=today + 7 * DAY,
        coach=coach,
        goal="Työpaikka",
    )
    login(client, coach)
    page = f"/clients/{cast['client'].uuid}/"
    assert client.get(page).status_code == 200

    changed = actions.update_step(step=step, changed_by=cast["worker"], coach=successor)

    assert changed.coach == successor
    membership = CareTeamMembership.objects.get(client=cast["client"], user=coach)
    assert membership.ended_on == today
    event = CareTeamMembership.pgh_event_model.objects.filter(pgh_obj=membership).last()
    assert event.pgh_context.metadata == {
        "user": cast["worker"].pk,
        "action": "pathways.step.changed",
    }
    assert (
        CareTeamMembership.objects.current()
        .filter(client=cast["client"], user=successor, role=TeamRole.COACH)
        .exists()
    )
    login(client, coach)
    assert client.get(page).status_code == 404


def test_the_work_coaching_planned_with_the_period_takes_its_new_coach(cast, today):
    """One work coach coaches the period and its work coaching: replaced on the period, the
    coach is replaced on the coaching too, and leaves the team."""
    step = planned(cast, today)
    coach, successor = cast["coach"], cast["namesake"]
    assert PathwayStep.objects.filter(client=cast["client"], coach=coach).count() == 2

    changed = actions.update_step(step=step, changed_by=cast["worker"], coach=successor)

    assert set(
        PathwayStep.objects.filter(client=cast["client"]).values_list("coach", flat=True)
    ) == {successor.pk}
    assert [s.service_type.code for s in changed.changed_with] == ["work_coaching"]
    current = CareTeamMembership.objects.current().filter(
        client=cast["client"], role=TeamRole.COACH
    )
    assert set(current.values_list("user", flat=True)) == {successor.pk}


def test_a_replaced_coach_who_coaches_another_open_step_stays_on_the_team(cast, today):
    """Replaced on the period (and its coaching), the coach still coaches the client's work
    trial planned after it: still the coach of an open step, still on the team."""
    step = planned(cast, today)
    coach = cast["coach"]
    actions.plan_step(
        client=cast["client"],
        planned_by=cast["worker"],
        service_type=ServiceType.objects.get(code="work_trial"),
        start_on=step.planned_end_on + DAY,
        coach=coach,
    )

    actions.update_step(step=step, changed_by=cast["worker"], coach=cast["namesake"])

    assert (
        CareTeamMembership.objects.current()
        .filter(client=cast["client"], user=coach, role=TeamRole.COACH)
        .exists()
    )
    assert (
        CareTeamMembership.objects.current()
        .filter(client=cast["client"], user=cast["namesake"], role=TeamRole.COACH)
        .exists()
    )
