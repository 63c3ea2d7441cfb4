"""IDOR within a visible client's URL: a step, placement, certificate or document of another
client, even one the same team sees, under this client's URL answers 404 to every role allowed
on the URL."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from clients.factories import ClientFactory, add_member
from clients.models import TeamRole
from pathways.factories import make_step
from pathways.models import CompetenceCertificate, Placement, StepStatus
from tests.conftest import login
from tests.permissions.matrix import EXPECTATIONS
from tests.permissions.rows.pathways import ready_document

OBJECT_KEYS = ("step_id", "placement_id", "certificate_id", "document_id")
PATHWAY_ROWS = sorted(name for name in EXPECTATIONS if name.startswith("pathways:"))


def sibling_of(world):
    """A second client of the same team: its objects are visible to the team under its own URL."""
    sibling = world.extra.get("sibling")
    if sibling is None:
        users = world.users
        sibling = world.extra["sibling"] = ClientFactory(
            responsible_worker=users[Role.SOCIAL_WORKER]
        )
        add_member(sibling, users[Role.HEALTH_PROFESSIONAL], TeamRole.SOTE_CONTACT)
        add_member(sibling, users[Role.COORDINATOR], TeamRole.WORK_PAIR)
        add_member(sibling, users[Role.WORK_COACH], TeamRole.COACH)
    return sibling


def siblings_objects(world, kwargs) -> list[dict]:
    """The URL's kwargs with one object at a time replaced by the sibling's."""
    from pathways.models import PathwayStep

    sibling = sibling_of(world)
    variants = []
    if "step_id" in kwargs:
        original = PathwayStep.objects.select_related("service_type").get(pk=kwargs["step_id"])
        # A step like the URL's, in the same state (a planned one for cancelling, a paused
        # one for resuming, say).
        paused = (
            {
                "status": original.status,
                "paused_on": original.paused_on,
                "pause_reason": original.pause_reason,
            }
            if original.status == StepStatus.PAUSED
            else {}
        )
        step = make_step(
            sibling,
            original.service_type.code,
            start_on=original.start_on,
            created_by=world.users[Role.SOCIAL_WORKER],
            coach=world.users[Role.WORK_COACH],
            days_per_week=3,
            hours_per_day=5,
            **paused,
        )
        if "placement_id" in kwargs:
            # Like the URL's (begun or not), of the sibling's step, with that step: seen under
            # the sibling's own URL. Another client's placement under this client's step:
            # tests/pathways/test_placement_end_and_cancel.py.
            original = Placement.objects.get(pk=kwargs["placement_id"])
            placement = Placement.objects.create(
                client=sibling,
                step=step,
                kind=original.kind,
                organisation_name=original.organisation_name,
                started_on=original.started_on,
                recorded_by=world.users[Role.WORK_COACH],
            )
            variants.append({**kwargs, "step_id": step.pk, "placement_id": placement.pk})
        else:
            variants.append({**kwargs, "step_id": step.pk})
        if "certificate_id" in kwargs:
            certificate = CompetenceCertificate.objects.create(
                step=step,
                issued_on=step.start_on,
                competences=["Puutyöt"],
                issued_by=world.users[Role.WORK_COACH],
            )
            variants.append({**kwargs, "certificate_id": certificate.pk})
    if "document_id" in kwargs:
        document = ready_document(sibling, world.users[Role.SOCIAL_WORKER])
        variants.append({**kwargs, "document_id": document.uuid})
    return variants


@pytest.mark.parametrize("name", PATHWAY_ROWS)
def test_another_clients_object_under_this_clients_url_answers_404(client, world, name):
    row = EXPECTATIONS[name]
    kwargs = row.kwargs(world)
    if not set(OBJECT_KEYS) & set(kwargs):
        pytest.skip("the URL names no object of the client")
    variants = siblings_objects(world, kwargs)
    assert variants
    for role in sorted(row.allowed):
        user = world.users[role]
        world.current_assignment_id = user.role_assignments.get().pk
        client.logout()
        login(client, user)
        for variant in variants:
            # The team sees the sibling's object under the sibling's own URL...
            own = reverse(name, kwargs={**variant, "client_id": world.extra["sibling"].uuid})
            if row.method == "GET":
                assert client.get(own).status_code in (200, 403), f"{name} as {role}"
            url = reverse(name, kwargs=variant)
            response = (
                client.post(url, row.data(world)) if row.method == "POST" else client.get(url)
            )
            # ...but not under this client's.
            assert response.status_code == 404, f"{name} as {role}: {variant}"
