"""A client who returns: the closed relationship is opened again, with the same care team."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from clients import actions
from clients.models import Client
from tests.conftest import login


@pytest.fixture
def closed(team):
    # Registered long before, closed 40 days ago.
    Client.objects.filter(pk=team["client"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    return actions.close_client(
        client=Client.objects.get(pk=team["client"].pk),
        closed_by=team["worker"],
        closed_on=timezone.localdate() - datetime.timedelta(days=40),
        reason="Siirtyi opiskelemaan",
    )


def test_the_responsible_worker_reopens_a_closed_client_from_the_client_page(client, team, closed):
    login(client, team["worker"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": closed.uuid}))
    assert "Avaa asiakkuus uudelleen" in page.content.decode()

    response = client.post(reverse("clients:reopen", kwargs={"client_id": closed.uuid}))

    assert response.status_code == 302
    reopened = Client.objects.get(pk=closed.pk)
    assert (reopened.closed_on, reopened.closure_reason) == (None, "")
    assert Client.objects.active().filter(pk=closed.pk).exists()
    entry = AccessLogEntry.objects.filter(action="clients.client.reopened").get()
    assert entry.actor_id == team["worker"].pk and entry.client_id == closed.uuid
    # The closure stays in the change history, with who reopened.
    event = Client.pgh_event_model.objects.filter(pgh_obj=closed).order_by("pgh_id").last()
    assert event.pgh_context.metadata["action"] == "clients.client.reopened"
    assert event.pgh_context.metadata["user"] == team["worker"].pk
    assert Client.pgh_event_model.objects.filter(
        pgh_obj=closed, closure_reason="Siirtyi opiskelemaan"
    ).exists()
    follow = client.get(response["Location"]).content.decode()
    assert "Asiakkuus avattu uudelleen." in follow and "Avaa asiakkuus uudelleen" not in follow


def test_an_open_client_is_not_reopened(team):
    with pytest.raises(ValidationError, match=r"Asiakkuus on jo voimassa\."):
        actions.reopen_client(client=team["client"], reopened_by=team["worker"])
    assert not AccessLogEntry.objects.filter(action="clients.client.reopened").exists()


def test_a_coach_on_the_team_may_not_reopen(client, team, closed):
    login(client, team["coach"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": closed.uuid}))
    assert "Avaa asiakkuus uudelleen" not in page.content.decode()
    response = client.post(reverse("clients:reopen", kwargs={"client_id": closed.uuid}))
    assert response.status_code == 403
    assert Client.objects.get(pk=closed.pk).closed_on is not None


def test_a_second_closing_is_not_dated_before_the_reopening(team, closed):
    """Closed 40 days ago, reopened today: a new closing can be dated today at the earliest
    (the action says so next to the date; the database holds it too)."""
    today = timezone.localdate()
    reopened = actions.reopen_client(client=closed, reopened_by=team["worker"])
    assert reopened.reopened_on == today
    with pytest.raises(ValidationError) as refused:
        actions.close_client(
            client=reopened,
            closed_by=team["worker"],
            closed_on=today - datetime.timedelta(days=20),
            reason="Muutti pois",
        )
    assert refused.value.message_dict["closed_on"] == [
        f"Päättymispäivä ei voi olla ennen kuin asiakkuus avattiin uudelleen ({today:%-d.%-m.%Y})."
    ]
    assert Client.objects.get(pk=closed.pk).closed_on is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=closed.pk).update(
            closed_on=today - datetime.timedelta(days=1), closure_reason="Suoraan kantaan"
        )
    closed_again = actions.close_client(
        client=reopened, closed_by=team["worker"], closed_on=today, reason="Muutti pois"
    )
    assert closed_again.closed_on == today
