"""IDOR: an inner object (plan, goal, note, assessment, membership) of another client, asked
for under a client's URL the user may open, answers 404 and changes nothing."""

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import ClientFactory, add_member, make_note, make_plan
from clients.models import (
    CareTeamMembership,
    CaseNote,
    ClientPlan,
    PlanGoal,
    ServiceNeedAssessment,
    TeamRole,
)
from tests.conftest import login


def _objects(client, worker):
    plan = make_plan(client, worker, goals=("Tavoite",))
    return {
        "plan": plan,
        "goal": plan.goals.get(),
        "note": make_note(client, worker),
        "assessment": ServiceNeedAssessment.objects.create(client=client, author=worker),
        "membership": add_member(client, make_user(Role.WORK_COACH), TeamRole.COACH),
    }


# (method, path under /clients/<uuid>/, data) with the other client's object ids.
URLS = {
    "plan_detail": ("GET", "plans/{plan}/", {}),
    "plan_revise": ("GET", "plans/{plan}/revise/", {}),
    "plan_revise_post": ("POST", "plans/{plan}/revise/", {"goals": "X", "client_view": "X"}),
    "goal_status": ("POST", "plans/{plan}/goals/{goal}/status/", {"status": "achieved"}),
    "goal_of_own_plan": ("POST", "plans/{own_plan}/goals/{goal}/status/", {"status": "achieved"}),
    "assessment_detail": ("GET", "assessments/{assessment}/", {}),
    "assessment_edit": ("GET", "assessments/{assessment}/edit/", {}),
    "assessment_post": (
        "POST",
        "assessments/{assessment}/edit/",
        {"started_on": "2020-01-01", "conclusion": "X"},
    ),
    "note_edit": ("GET", "notes/{note}/edit/", {}),
    "note_edit_post": ("POST", "notes/{note}/edit/", {"kind": "phone", "text": "X"}),
    "note_amends": ("GET", "notes/new/?amends={note}", {}),
    "end_member": ("POST", "team/{membership}/end/", {}),
    "member_period": ("GET", "team/{membership}/period/", {}),
    "member_period_post": ("POST", "team/{membership}/period/", {"valid_until": "2099-12-31"}),
}


@pytest.fixture
def two_clients(team):
    """The worker is the responsible worker of both: each client alone is theirs to open."""
    worker = team["worker"]
    own, other = team["client"], ClientFactory(created_by=worker)
    return {
        "worker": worker,
        "own": own,
        "own_objects": _objects(own, worker),
        "other": other,
        "other_objects": _objects(other, worker),
    }


def _snapshot():
    return (
        ClientPlan.objects.count(),
        list(PlanGoal.objects.values_list("pk", "status").order_by("pk")),
        list(CaseNote.objects.values_list("pk", "text").order_by("pk")),
        list(ServiceNeedAssessment.objects.values_list("pk", "started_on").order_by("pk")),
        list(
            CareTeamMembership.objects.values_list("pk", "ended_on", "valid_until").order_by("pk")
        ),
    )


@pytest.mark.parametrize("name", sorted(URLS))
def test_another_clients_object_under_the_own_clients_url_answers_404(client, two_clients, name):
    method, path, data = URLS[name]
    ids = {key: obj.pk for key, obj in two_clients["other_objects"].items()}
    ids["own_plan"] = two_clients["own_objects"]["plan"].pk
    url = f"/clients/{two_clients['own'].uuid}/" + path.format(**ids)
    login(client, two_clients["worker"])
    # The same URL with the client's own objects is allowed, so the 404 is the mismatch.
    own_ids = {key: obj.pk for key, obj in two_clients["own_objects"].items()}
    own_ids["own_plan"] = own_ids["plan"]
    if method == "GET":
        assert (
            client.get(f"/clients/{two_clients['own'].uuid}/" + path.format(**own_ids)).status_code
            == 200
        )
    before, logs = _snapshot(), AccessLogEntry.objects.count()
    response = client.post(url, data) if method == "POST" else client.get(url)
    assert response.status_code == 404
    assert _snapshot() == before
    # A 404 shows nothing of the client: no read is logged either.
    assert AccessLogEntry.objects.count() == logs
