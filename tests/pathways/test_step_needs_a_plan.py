"""A service whose rules demand a plan says so on the step form before anything is typed,
when the client has no plan of that type in force, and links to writing one; the plan
saved, the worker is back on the step form, which then offers it."""

from django.urls import reverse

from clients.models import ClientPlan
from tests.conftest import login

NEEDS_PLAN = "Palvelu edellyttää voimassa olevaa suunnitelmaa"


def test_the_step_form_says_a_plan_is_missing_and_leads_to_writing_one(client, worker, client_of):
    client_ = client_of(plan=False)
    login(client, worker)
    step_form = (
        reverse("pathways:step_create", args=[client_.uuid]) + "?type=rehabilitative_work_activity"
    )
    page = client.get(step_form).content.decode()
    assert NEEDS_PLAN in page
    write_plan = reverse("clients:plan_create", args=[client_.uuid])
    link = page.split(f'href="{write_plan}?')[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("type=activation_plan&next=")

    plan_page = client.get(f"{write_plan}?{link}").content.decode()
    assert 'name="next"' in plan_page
    response = client.post(
        write_plan,
        {
            "plan_type": "activation_plan",
            "status": "active",
            "client_view": "Haluan päivärytmin.",
            "goals": "Päivärytmi",
            "next": step_form,
        },
    )
    assert response.status_code == 302 and response["Location"] == step_form
    assert ClientPlan.objects.filter(client=client_, plan_type="activation_plan").exists()
    assert NEEDS_PLAN not in client.get(step_form).content.decode()


def test_the_plan_form_returns_only_to_the_clients_own_pages(client, worker, client_of):
    client_ = client_of(plan=False)
    other = client_of(plan=False)
    login(client, worker)
    write_plan = reverse("clients:plan_create", args=[client_.uuid])
    # One plan of each type: a second of a type is written as its new version.
    for plan_type, elsewhere in (
        ("client_plan", "https://example.com/"),
        ("activation_plan", "//example.com/clients/"),
        ("work_ability_support_plan", reverse("pathways:step_create", args=[other.uuid])),
    ):
        response = client.post(
            write_plan,
            {
                "plan_type": plan_type,
                "status": "active",
                "client_view": "Haluan töihin.",
                "goals": "Tavoite",
                "next": elsewhere,
            },
        )
        assert response.status_code == 302
        assert response["Location"].startswith(f"/clients/{client_.uuid}/plans/")
