"""A summary's sections that carry the client's plans (the situation, with the plan's own words
and goals, and the important dates, with the plans' reviews) are printed only by those who may
read the plans (clients.read_plan): the manager of the responsible unit prints the summary
without them, as the manager sees the client's page without the plans (PERMISSIONS.md)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import make_plan
from pathways import actions
from pathways.access import get_document_for_user
from pathways.models import PrintedDocument
from pathways.tasks import render_document_pdf_task
from tests.conftest import acting, login


@pytest.fixture
def planned_client(client_of, worker):
    client = client_of(plan=False)
    make_plan(
        client,
        worker,
        plan_type="client_plan",
        client_view="Haluan oppia leipomaan.",
        goals=("Hankin hygieniapassin",),
    )
    return client


@pytest.fixture
def manager(planned_client):
    return acting(make_user(Role.MANAGER, planned_client.responsible_unit))


def test_the_managers_print_dialog_offers_no_section_of_the_plans(
    client, planned_client, manager, worker, monkeypatch
):
    monkeypatch.setattr(render_document_pdf_task, "delay", lambda document_id: None)
    url = reverse("pathways:print_summary", args=[planned_client.uuid])
    # The manager may not open the plan itself.
    login(client, manager)
    plan = planned_client.plans.get()
    assert client.get(f"/clients/{planned_client.uuid}/plans/{plan.pk}/").status_code == 403
    page = client.get(url).content.decode()
    assert 'value="timeline"' in page and 'value="contacts"' in page
    assert 'value="situation"' not in page and 'value="dates"' not in page
    refused = client.post(url, {"language": "fi", "sections": ["situation", "timeline"]})
    assert refused.status_code == 200
    assert not PrintedDocument.objects.exists()
    response = client.post(url, {"language": "fi", "sections": ["timeline", "contacts"]})
    document = PrintedDocument.objects.get()
    assert response.status_code == 302
    assert document.sections == ["timeline", "contacts"]
    # The responsible worker is offered every section (the test above fails for its reason).
    login(client, worker)
    page = client.get(url).content.decode()
    assert 'value="situation"' in page and 'value="dates"' in page


@pytest.mark.parametrize("section", ["situation", "dates"])
def test_the_action_refuses_a_section_of_the_plans_to_who_may_not_read_them(
    planned_client, manager, worker, section
):
    with pytest.raises(PermissionDenied):
        actions.request_pathway_summary(
            client=planned_client, requested_by=manager, language="fi", sections=[section]
        )
    assert not PrintedDocument.objects.exists()
    assert not AccessLogEntry.objects.filter(action="pathways.summary.requested").exists()
    document = actions.request_pathway_summary(
        client=planned_client, requested_by=worker, language="fi", sections=[section]
    )
    assert document.sections == [section]


@pytest.mark.parametrize("section", ["situation", "dates"])
def test_a_print_with_the_plans_is_not_reached_by_who_may_not_read_them(
    client, planned_client, manager, worker, section
):
    """The worker's print holds the plan: the manager, who may print the client's summary,
    neither opens its page nor downloads it."""
    document = actions.request_pathway_summary(
        client=planned_client, requested_by=worker, language="fi", sections=[section, "contacts"]
    )
    actions.render_document(document_id=document.pk)
    with pytest.raises(PermissionDenied):
        get_document_for_user(manager, planned_client.uuid, document.uuid, log_view=False)
    login(client, manager)
    download = reverse("pathways:document_download", args=[planned_client.uuid, document.uuid])
    assert client.get(download).status_code == 403
    assert not AccessLogEntry.objects.filter(action="pathways.summary.printed").exists()
    # The manager's own print without the plans is theirs to download.
    own = actions.request_pathway_summary(
        client=planned_client, requested_by=manager, language="fi", sections=["contacts"]
    )
    actions.render_document(document_id=own.pk)
    assert (
        client.get(
            reverse("pathways:document_download", args=[planned_client.uuid, own.uuid])
        ).status_code
        == 200
    )
    login(client, worker)
    assert client.get(download).status_code == 200
