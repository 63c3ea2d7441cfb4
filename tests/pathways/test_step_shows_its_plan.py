"""A step planned under a chosen plan names that plan on its page, linked, for those who
may read the client's plans; the plan's name stays off the page for the others."""

import datetime
from decimal import Decimal

from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from clients.models import ClientPlan
from pathways import actions
from services.models import ServiceType
from tests.conftest import login


def plan_rehabilitation(worker, client, today, plan):
    return actions.plan_step(
        client=client,
        planned_by=worker,
        service_type=ServiceType.objects.get(code="rehabilitative_work_activity"),
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=180),
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Päivärytmi",
        support_given="Työvalmennus",
        plan=plan,
    )


def test_the_step_page_links_the_plan_it_was_planned_under(client, worker, client_of, today):
    client_ = client_of()
    plan = ClientPlan.objects.get(client=client_, plan_type="activation_plan")
    step = plan_rehabilitation(worker, client_, today, plan)
    login(client, worker)
    page = client.get(reverse("pathways:step", args=[client_.uuid, step.pk])).content.decode()
    plan_url = reverse("clients:plan_detail", args=[client_.uuid, plan.pk])
    assert f'href="{plan_url}"' in page
    assert "Aktivointisuunnitelma tai monialainen suunnitelma, versio 1" in page


def test_who_may_not_read_plans_sees_no_plan_on_the_step_page(client, worker, client_of, today):
    client_ = client_of()
    plan = ClientPlan.objects.get(client=client_, plan_type="activation_plan")
    step = plan_rehabilitation(worker, client_, today, plan)
    manager = make_user(Role.MANAGER, worker.active_assignment.unit)
    login(client, manager)
    response = client.get(reverse("pathways:step", args=[client_.uuid, step.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("clients:plan_detail", args=[client_.uuid, plan.pk]) not in page
    assert "Aktivointisuunnitelma" not in page
