"""The inbox and the dashboard's task panel name clients: each client shown is logged, as the
client list logs each client it shows; a client the user no longer reaches is not named."""

import uuid

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from clients import actions as client_actions
from clients.factories import ClientFactory
from notifications.access import CLIENTS_SHOWN
from notifications.factories import ReminderFactory, TaskFactory
from tests.conftest import acting, login

pytestmark = pytest.mark.django_db


def shown(user):
    return sorted(
        AccessLogEntry.objects.filter(action=CLIENTS_SHOWN, actor=user).values_list(
            "client_id", "basis"
        )
    )


def test_the_inbox_logs_each_client_its_tasks_and_reminders_name_once(client, worker):
    first = ClientFactory(responsible_worker=worker).uuid
    second = ClientFactory(responsible_worker=worker).uuid
    TaskFactory(assignee=worker, title="Ilmoita Kelalle: Aino Äijälä", client_id=first)
    ReminderFactory(recipient=worker, title="Suunnitelman tarkistus: Aino Äijälä", client_id=first)
    ReminderFactory(recipient=worker, title="Jakso päättyy: Bo Berg", client_id=second)
    TaskFactory(assignee=worker, title="Yleinen tehtävä")
    ReminderFactory(recipient=worker, title="Jo luettu: Cecilia", client_id=uuid.uuid4(), read=True)
    login(client, worker)

    assert client.get(reverse("notifications:inbox")).status_code == 200

    assert shown(worker) == sorted([(first, "care_team"), (second, "care_team")])


def test_an_inbox_that_names_no_client_logs_nothing(client, worker):
    TaskFactory(assignee=worker, title="Yleinen tehtävä")
    login(client, worker)
    client.get(reverse("notifications:inbox"))
    assert shown(worker) == []


def test_the_answer_to_checking_a_task_off_or_reading_a_reminder_logs_the_client_it_names(
    client, worker
):
    """The confirmation repeats the title, which names the client; the item is no longer
    listed, so the answer logs the client itself."""
    customer = ClientFactory(responsible_worker=worker, first_names="Aino", last_name="Äijälä")
    task = TaskFactory(assignee=worker, title="Soita: Aino Äijälä", client_id=customer.uuid)
    reminder = ReminderFactory(
        recipient=worker, title="Suunnitelman tarkistus: Aino Äijälä", client_id=customer.uuid
    )
    login(client, worker)
    page = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}),
        {"done_on": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Tehtävä merkitty tehdyksi: Soita: Aino Äijälä" in page
    assert shown(worker) == [(customer.uuid, "care_team")]
    page = client.post(
        reverse("notifications:mark_reminder_read", kwargs={"reminder_id": reminder.pk}),
        follow=True,
    ).content.decode()
    assert "Muistutus merkitty luetuksi: Suunnitelman tarkistus: Aino Äijälä" in page
    assert shown(worker) == [(customer.uuid, "care_team")] * 2


def test_a_task_whose_check_off_logs_the_client_is_logged_once(client, worker):
    """Telling a party of a revocation, checked off in the inbox: its completion hook
    writes the client's row, and the confirmation naming the client adds no other."""
    from django.utils import timezone

    from consents.actions import revoke_consent
    from consents.factories import ConsentFactory, acting, kela
    from notifications.models import Task

    customer = ClientFactory(responsible_worker=worker, first_names="Aino", last_name="Äijälä")
    revoke_consent(
        consent=ConsentFactory(client=customer, recorded_by=worker, parties=[kela()]),
        revoked_by=acting(worker),
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    task = Task.objects.get(assignee=worker, client_id=customer.uuid)
    login(client, worker)
    before = AccessLogEntry.objects.filter(client_id=customer.uuid).count()
    page = client.post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}),
        {"done_on": ""},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Tehtävä merkitty tehdyksi" in page
    rows = AccessLogEntry.objects.filter(client_id=customer.uuid).order_by("pk")[before:]
    assert [row.action for row in rows] == ["consents.notification.completed"]


def test_the_dashboards_task_panel_logs_the_clients_it_names(client, worker):
    named = ClientFactory(responsible_worker=worker).uuid
    TaskFactory(assignee=worker, title="Ilmoita osapuolelle: Aino Äijälä", client_id=named)
    login(client, worker)
    response = client.get("/")
    assert "Ilmoita osapuolelle: Aino Äijälä" in response.content.decode()
    assert shown(worker) == [(named, "care_team")]


def test_after_a_transfer_the_former_worker_no_longer_sees_the_clients_name(
    client, worker, colleague
):
    customer = ClientFactory(responsible_worker=worker, first_names="Aino", last_name="Äijälä")
    TaskFactory(
        assignee=worker,
        title="Ilmoita Kelalle: Aino Äijälä",
        description="Asiakas: Aino Äijälä. Suostumus peruttu.",
        client_id=customer.uuid,
        link=f"/clients/{customer.uuid}/",
    )
    reminder = ReminderFactory(
        recipient=worker, title="Suunnitelman tarkistus: Aino Äijälä", client_id=customer.uuid
    )
    client_actions.transfer_responsibility(
        client=customer,
        to_user=colleague,
        to_unit=colleague.role_assignments.get().unit,
        transferred_by=acting(worker),
        handover_note="Siirto kollegalle.",
    )
    login(client, worker)

    for url in (reverse("notifications:inbox"), "/"):
        page = client.get(url).content.decode()
        assert "Äijälä" not in page and f"/clients/{customer.uuid}/" not in page
        assert (
            "Koskee asiakasta, jonka tietoihin sinulla ei ole pääsyä nykyisessä roolissasi" in page
        )
    assert shown(worker) == []
    # Marking it read confirms it without the name either.
    page = client.post(
        reverse("notifications:mark_reminder_read", kwargs={"reminder_id": reminder.pk}),
        follow=True,
    ).content.decode()
    assert "Muistutus merkitty luetuksi" in page and "Äijälä" not in page


def test_the_dashboards_task_panel_says_which_client_each_task_concerns(client, worker):
    """Two revocations give two tasks of the same title: the panel tells them apart by the
    client each concerns (the task's description), and logs both clients it names."""
    from django.utils import timezone

    from consents.actions import revoke_consent
    from consents.factories import ConsentFactory, acting, kela

    names = [("Aino", "Äijälä"), ("Bo", "Berg")]
    customers = [
        ClientFactory(responsible_worker=worker, first_names=first, last_name=last)
        for first, last in names
    ]
    for customer in customers:
        revoke_consent(
            consent=ConsentFactory(client=customer, recorded_by=worker, parties=[kela()]),
            revoked_by=acting(worker),
            revoked_on=timezone.localdate(),
            method="phone",
            through="Asiakas itse",
        )
    login(client, worker)
    page = client.get("/").content.decode()
    assert page.count("Lähetä peruutus Kelaan suojatulla sähköpostilla") == 2
    for customer in customers:
        assert f"Asiakas: {customer.display_name}. Suostumus: Kelan lomake Y 100" in page
    assert shown(worker) == sorted((c.uuid, "care_team") for c in customers)


def test_a_withheld_title_keeps_the_kind_its_own_title_began_with(client, worker, colleague):
    """The kind is left out beside a title that says it, but a title withheld for a client
    out of reach no longer says it: the neutral title is followed by the kind."""
    customer = ClientFactory(responsible_worker=colleague)
    ReminderFactory(
        recipient=worker,
        rule="clients.plan_review_overdue",
        title="Suunnitelman tarkistus myöhässä: Aino Äijälä",
        client_id=customer.uuid,
    )
    login(client, worker)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Äijälä" not in page
    assert "– Suunnitelman tarkistus myöhässä</span>" in page
