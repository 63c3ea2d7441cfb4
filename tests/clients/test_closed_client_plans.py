"""After the client relationship is closed its plans, their goals and its service-need
assessments are a record: not created or changed until the relationship is reopened. Case
notes stay writable (a closing entry is often written afterwards)."""

import datetime

import pytest
import rules
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions
from clients.factories import add_member, make_plan
from clients.models import Client, ClientPlan, PlanGoal, ServiceNeedAssessment, TeamRole
from tests.conftest import acting, login
from tests.transfers import while_holding

PLAN = {"status": "active", "client_view": "Haluan töihin keittiöön."}
CLOSED = {
    "fi": "Asiakkuus on päättynyt, joten suunnitelmaa tai arviota ei voi enää muuttaa. Avaa "
    "asiakkuus ensin uudelleen."
}


def _close(client) -> Client:
    Client.objects.filter(pk=client.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    worker = client.memberships.get(role=TeamRole.RESPONSIBLE_WORKER).user
    return actions.close_client(
        client=Client.objects.get(pk=client.pk),
        closed_by=acting(worker),
        closed_on=timezone.localdate() - datetime.timedelta(days=5),
        reason="Siirtyi opiskelemaan",
    )


@pytest.fixture
def worker(team):
    return acting(team["worker"])


@pytest.fixture
def plan(team, worker):
    return make_plan(team["client"], worker)


def _refused(callable_, **kwargs) -> str:
    with translation.override("fi"), pytest.raises(ValidationError) as error:
        callable_(**kwargs)
    return " ".join(error.value.messages)


def test_a_plan_is_not_created_for_a_closed_client(team, worker):
    closed = _close(team["client"])
    logged = AccessLogEntry.objects.count()
    message = _refused(
        actions.create_plan,
        client=closed,
        written_by=worker,
        plan_type="client_plan",
        goals=["Hygieniapassi"],
        **PLAN,
    )
    assert message == CLOSED["fi"]
    assert not ClientPlan.objects.filter(client=closed).exists()
    assert AccessLogEntry.objects.count() == logged


def test_a_closed_clients_plan_is_not_revised_nor_its_goals_changed(team, worker, plan):
    _close(team["client"])
    goal = plan.goals.order_by("position").first()
    assert (
        _refused(actions.revise_plan, plan=plan, revised_by=worker, goals=["Uusi"], **PLAN)
        == CLOSED["fi"]
    )
    assert _refused(actions.set_goal_status, goal=goal, status="achieved", changed_by=worker)
    assert list(ClientPlan.objects.filter(client=team["client"])) == [plan]
    assert PlanGoal.objects.get(pk=goal.pk).status == goal.status


def test_a_closed_clients_assessment_is_not_started(team, worker):
    closed = _close(team["client"])
    assert _refused(
        actions.save_assessment,
        client=closed,
        written_by=worker,
        started_on=timezone.localdate(),
    )
    assert not ServiceNeedAssessment.objects.filter(client=closed).exists()


def test_reopened_the_plan_is_written_again(team, worker):
    closed = _close(team["client"])
    actions.reopen_client(client=closed, reopened_by=worker)
    plan = actions.create_plan(
        client=closed, written_by=worker, plan_type="client_plan", goals=["Hygieniapassi"], **PLAN
    )
    assert plan.version == 1


@pytest.mark.django_db(transaction=True)
def test_a_plan_written_while_the_client_is_closed_waits_and_is_refused(team, worker):
    """The check is under the client's lock: a closing at the same moment either commits
    first, and the plan is refused, or waits for the plan."""

    def close():
        _close(team["client"])

    outcome, waited = while_holding(
        close,
        lambda: actions.create_plan(
            client=team["client"],
            written_by=worker,
            plan_type="client_plan",
            goals=["Hygieniapassi"],
            **PLAN,
        ),
        expected=ValidationError,
    )
    assert waited > 0
    assert isinstance(outcome, ValidationError)
    assert not ClientPlan.objects.filter(client=team["client"]).exists()


def test_the_rule_writes_plans_only_for_an_open_client_but_notes_still(team, worker):
    sote = acting(make_user(Role.HEALTH_PROFESSIONAL, team["unit"]))
    add_member(team["client"], sote, TeamRole.SOTE_CONTACT)
    coach = acting(team["coach"])
    client = team["client"]
    assert rules.has_perm("clients.write_plan", worker, client)
    assert rules.has_perm("clients.write_plan", sote, client)
    closed = _close(client)
    assert not rules.has_perm("clients.write_plan", worker, closed)
    assert not rules.has_perm("clients.write_plan", sote, closed)
    assert rules.has_perm("clients.read_plan", worker, closed)
    # Case notes stay writable on purpose: the closing entry is written afterwards.
    for member in (worker, sote, coach):
        assert rules.has_perm("clients.write_note", member, closed)


def test_a_closed_clients_pages_offer_no_plan_writing(client, team, worker, plan):
    login(client, team["worker"])
    page_url = reverse("clients:detail", kwargs={"client_id": team["client"].uuid})
    plan_url = reverse(
        "clients:plan_detail", kwargs={"client_id": team["client"].uuid, "plan_id": plan.pk}
    )
    assert "Laadi suunnitelma" in client.get(page_url).content.decode()
    assert "Päivitä suunnitelma" in client.get(plan_url).content.decode()
    _close(team["client"])
    page = client.get(page_url).content.decode()
    assert "Laadi suunnitelma" not in page
    assert "Uusi kirjaus" in page  # notes are still written
    shown = client.get(plan_url).content.decode()
    assert "Päivitä suunnitelma" not in shown
    assert 'name="status"' not in shown  # no goal status control


def test_a_closed_clients_plan_form_answers_403_and_saves_nothing(client, team):
    _close(team["client"])
    login(client, team["worker"])
    url = reverse("clients:plan_create", kwargs={"client_id": team["client"].uuid})
    assert client.get(url).status_code == 403
    response = client.post(url, {"plan_type": "client_plan", "goals": "Hygieniapassi", **PLAN})
    assert response.status_code == 403
    assert not ClientPlan.objects.filter(client=team["client"]).exists()
