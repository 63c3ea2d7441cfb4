import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.factories import ReminderFactory, TaskFactory
from notifications.models import Reminder, Task
from notifications.task_kinds import register_task_kind
from tests.conftest import login

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


def test_the_inbox_shows_only_the_users_own_open_items(client, worker, colleague):
    TaskFactory(
        assignee=worker,
        title="Ilmoita Kelalle",
        due_date=datetime.date(2026, 3, 5),
        link="/clients/a/",
    )
    TaskFactory(assignee=worker, title="Jo tehty", done=True)
    TaskFactory(assignee=colleague, title="Kollegan tehtävä")
    ReminderFactory(recipient=worker, title="Suunnitelman tarkistus", link="/clients/b/")
    ReminderFactory(recipient=worker, title="Jo luettu", read=True)
    ReminderFactory(recipient=colleague, title="Kollegan muistutus")
    login(client, worker)
    response = client.get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/clients/a/">Ilmoita Kelalle</a>' in html
    assert "5.3.2026" in html
    assert '<a href="/clients/b/">Suunnitelman tarkistus</a>' in html
    for hidden in ("Jo tehty", "Kollegan tehtävä", "Jo luettu", "Kollegan muistutus"):
        assert hidden not in html


def test_overdue_and_due_today_are_said_in_words(client, worker):
    today = timezone.localdate()
    TaskFactory(
        assignee=worker, title="Myöhässä oleva", due_date=today - datetime.timedelta(days=1)
    )
    TaskFactory(assignee=worker, title="Tänään", due_date=today)
    ReminderFactory(recipient=worker, due_date=today - datetime.timedelta(days=2))
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert html.count("<strong>Myöhässä</strong>") == 2
    assert html.count("<strong>Tänään</strong>") == 1


def test_the_inbox_lists_what_needs_attention_now_before_what_is_due_later(client, worker):
    """Overdue, due today and undated (the bell counts them all as needing attention now)
    come first, then what is due later, earliest first."""
    today = timezone.localdate()
    TaskFactory(assignee=worker, title="Ensi kuussa", due_date=today + datetime.timedelta(days=30))
    TaskFactory(assignee=worker, title="Ensi viikolla", due_date=today + datetime.timedelta(days=7))
    TaskFactory(assignee=worker, title="Ilman määräpäivää", due_date=None)
    TaskFactory(assignee=worker, title="Tänään tehtävä", due_date=today)
    TaskFactory(
        assignee=worker, title="Myöhässä oleva", due_date=today - datetime.timedelta(days=1)
    )
    login(client, worker)
    html = client.get(INBOX).content.decode()
    titles = [
        "Myöhässä oleva",
        "Tänään tehtävä",
        "Ilman määräpäivää",
        "Ensi viikolla",
        "Ensi kuussa",
    ]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)


def test_a_registered_kind_is_named(client, worker):
    register_task_kind("tests.kind", "Suostumuksen peruutus")
    TaskFactory(assignee=worker, kind="tests.kind")
    login(client, worker)
    assert "Suostumuksen peruutus" in client.get(INBOX).content.decode()


def test_a_kind_the_title_already_begins_with_is_not_said_again(client, worker):
    register_task_kind("tests.recommendation", "Konsultaation suositus")
    TaskFactory(
        assignee=worker, kind="tests.recommendation", title="Konsultaation suositus: K-2026-002"
    )
    TaskFactory(assignee=worker, kind="tests.recommendation", title="Soita työnantajalle")
    ReminderFactory(
        recipient=worker,
        rule="clients.plan_review_overdue",
        title="Suunnitelman tarkistus myöhässä: Aino Ylönen",
    )
    ReminderFactory(recipient=worker, rule="clients.plan_review_overdue", title="Tarkista")
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert "– Konsultaation suositus</span>" in html
    assert html.count("– Konsultaation suositus</span>") == 1  # beside "Soita työnantajalle"
    assert html.count("– Suunnitelman tarkistus myöhässä</span>") == 1  # beside "Tarkista"


def test_the_two_scrolling_tables_are_told_apart_by_their_names(client, worker):
    """Each scrolling table is a landmark (role="region"): two with one name could not be
    told apart in a screen reader's list of landmarks (axe: landmark-unique)."""
    TaskFactory(assignee=worker)
    ReminderFactory(recipient=worker)
    login(client, worker)
    html = client.get(INBOX).content.decode()
    names = re.findall(r'role="region" tabindex="0" aria-label="([^"]+)"', html)
    assert names == ["Tehtävät, vieritettävä taulukko", "Muistutukset, vieritettävä taulukko"]


def test_done_checks_a_task_off_with_the_given_date(client, worker):
    task = TaskFactory(assignee=worker, title="Lähetä peruutus Kelalle")
    Task.objects.filter(pk=task.pk).update(created_at=timezone.now() - datetime.timedelta(days=5))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    login(client, worker)
    url = reverse("notifications:complete_task", args=[task.pk])
    response = client.post(url, {"done_on": yesterday.isoformat()}, follow=True)
    assert response.redirect_chain == [(INBOX, 302)]
    assert "Tehtävä merkitty tehdyksi: Lähetä peruutus Kelalle" in response.content.decode()
    task.refresh_from_db()
    assert (task.done_on, task.done_by) == (yesterday, worker)


def test_done_without_a_date_means_today(client, worker):
    task = TaskFactory(assignee=worker)
    login(client, worker)
    client.post(reverse("notifications:complete_task", args=[task.pk]))
    task.refresh_from_db()
    assert task.done_on == timezone.localdate()


def test_a_future_date_is_refused_next_to_the_field(client, worker):
    task = TaskFactory(assignee=worker, title="Soita")
    login(client, worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("notifications:complete_task", args=[task.pk]), {"done_on": tomorrow.isoformat()}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Päivämäärä ei voi olla tulevaisuudessa." in html
    assert f'id="id_task{task.pk}_done_on_error"' in html
    assert 'aria-invalid="true"' in html
    task.refresh_from_db()
    assert task.is_open


def test_a_refused_check_off_opens_with_an_error_summary_and_an_error_title(client, worker):
    task = TaskFactory(assignee=worker, title="Soita")
    login(client, worker)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("notifications:complete_task", args=[task.pk])
    response = client.post(url, {"done_on": tomorrow.isoformat()})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>\s*Virhe:\s+Saapuneet", html)
    # At the top of <main>, before the heading, focused and read out; its link goes to the field.
    summary = html.index("polku-error-summary")
    assert html.index('<main id="main"') < summary < html.index("<h1>")
    assert 'role="alert" tabindex="-1" autofocus' in html
    assert f'<a href="#id_task{task.pk}_done_on">Tehty päivänä – Soita</a>' in html
    assert html.count("autofocus") == 1

    # With htmx the summary opens the task section that replaces the old one.
    response = client.post(url, {"done_on": tomorrow.isoformat()}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="inbox-tasks"')
    assert (
        'class="hds-notification hds-notification--error polku-error-summary" role="alert"' in html
    )
    assert f'<a href="#id_task{task.pk}_done_on">' in html
    assert html.count("autofocus") == 1


def test_another_users_task_answers_404_and_stays_open(client, worker, colleague):
    task = TaskFactory(assignee=colleague)
    login(client, worker)
    response = client.post(reverse("notifications:complete_task", args=[task.pk]))
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.is_open


def test_with_htmx_done_answers_the_task_section_and_refreshes_the_bell(client, worker):
    task = TaskFactory(assignee=worker, title="Soita")
    TaskFactory(assignee=worker, title="Toinen")
    login(client, worker)
    response = client.post(
        reverse("notifications:complete_task", args=[task.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inboxChanged"
    assert html.lstrip().startswith('<section id="inbox-tasks"')
    assert "Avoimet tehtävät (1)" in html
    assert "Tehtävä merkitty tehdyksi: Soita" in html
    assert "<html" not in html


def test_mark_read_and_mark_all_read(client, worker, colleague):
    first, second, third = ReminderFactory.create_batch(3, recipient=worker)
    theirs = ReminderFactory(recipient=colleague)
    login(client, worker)
    response = client.post(reverse("notifications:mark_reminder_read", args=[first.pk]))
    assert response.status_code == 302
    assert (
        client.post(reverse("notifications:mark_reminder_read", args=[theirs.pk])).status_code
        == 404
    )
    assert set(Reminder.objects.unread()) == {second, third, theirs}

    response = client.post(
        reverse("notifications:mark_all_read"), {"shown": _shown(client)}, follow=True
    )
    assert "Kaikki muistutukset merkitty luetuiksi (2)." in response.content.decode()
    assert list(Reminder.objects.unread()) == [theirs]


def _shown(client) -> str:
    """The ids the inbox's "mark all read" form posts, as the page has them."""
    html = client.get(INBOX).content.decode()
    (shown,) = re.findall(r'<input type="hidden" name="shown" value="([0-9,]*)"', html)
    return shown


def test_mark_all_read_leaves_unread_what_the_page_did_not_show(client, worker, colleague):
    """The sweep adds a reminder after the inbox was rendered: "mark all read" marks only those
    the page showed, and says so; the new one stays unread. An id of someone else's reminder
    in the list marks nothing of theirs."""
    seen = ReminderFactory.create_batch(2, recipient=worker)
    theirs = ReminderFactory(recipient=colleague)
    login(client, worker)
    shown = _shown(client)
    assert sorted(shown.split(",")) == sorted(str(r.pk) for r in seen)
    added = ReminderFactory(recipient=worker, title="Juuri tullut")

    response = client.post(
        reverse("notifications:mark_all_read"), {"shown": f"{shown},{theirs.pk}"}, follow=True
    )
    html = response.content.decode()
    assert "Näytetyt muistutukset merkitty luetuiksi (2)." in html
    assert set(Reminder.objects.unread()) == {added, theirs}
    assert "Juuri tullut" in html


def test_mark_all_read_with_more_than_the_inbox_shows_marks_those_shown(
    client, worker, monkeypatch
):
    from notifications import views

    monkeypatch.setattr(views, "INBOX_LIMIT", 3)
    reminders = ReminderFactory.create_batch(5, recipient=worker)
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert "Merkitse näytetyt luetuiksi" in html
    assert "Merkitse kaikki luetuiksi" not in html

    response = client.post(
        reverse("notifications:mark_all_read"),
        {"shown": _shown(client)},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Näytetyt muistutukset merkitty luetuiksi (3)." in html
    # The first three in the inbox's order (earliest due first) were shown and are read.
    assert set(Reminder.objects.unread()) == set(reminders[3:])
    assert "Lukemattomat muistutukset (2)" in html
    assert "Merkitse kaikki luetuiksi" in html


@pytest.mark.parametrize("shown", ["1,x", ",".join(["1"] * 101)])
def test_mark_all_read_refuses_a_list_the_page_did_not_make(client, worker, shown):
    reminder = ReminderFactory(recipient=worker)
    login(client, worker)
    response = client.post(reverse("notifications:mark_all_read"), {"shown": shown})
    assert response.status_code == 400
    assert list(Reminder.objects.unread()) == [reminder]


def test_with_htmx_mark_read_answers_the_reminder_section(client, worker):
    reminder = ReminderFactory(recipient=worker, title="Tarkistus")
    ReminderFactory(recipient=worker)
    login(client, worker)
    response = client.post(
        reverse("notifications:mark_reminder_read", args=[reminder.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="inbox-reminders"')
    assert "Lukemattomat muistutukset (1)" in html
    assert response["HX-Trigger"] == "inboxChanged"


def test_the_forms_work_without_javascript(client, worker):
    task = TaskFactory(assignee=worker)
    reminder = ReminderFactory(recipient=worker)
    login(client, worker)
    html = client.get(INBOX).content.decode()
    for url in (
        reverse("notifications:complete_task", args=[task.pk]),
        reverse("notifications:mark_reminder_read", args=[reminder.pk]),
        reverse("notifications:mark_all_read"),
    ):
        assert f'action="{url}"' in html
        assert f'hx-post="{url}"' in html


@pytest.mark.parametrize("size", [3, 30])
def test_the_inbox_query_count_does_not_grow_with_its_rows(
    client, worker, colleague, size, django_assert_num_queries
):
    TaskFactory.create_batch(size, assignee=worker)
    # Titles and descriptions kept as messages render without a query of their own.
    TaskFactory.create_batch(size, assignee=worker, overdue=True, **MESSAGE, **DESCRIBED)
    ReminderFactory.create_batch(size, recipient=worker, **MESSAGE)
    TaskFactory.create_batch(2, assignee=colleague)
    login(client, worker)
    client.get(INBOX)  # warm the session and content-type caches
    with django_assert_num_queries(INBOX_QUERIES):
        response = client.get(INBOX)
    html = response.content.decode()
    assert f"Avoimet tehtävät ({2 * size})" in html
    # Each task's title in its link and its two check-off labels; each reminder's in two.
    assert html.count("Suunnitelman tarkistus lähestyy: Kaija Koivisto") == 3 * size + 2 * size


MESSAGE = {
    "title_msgid": "Suunnitelman tarkistus lähestyy: {client}",
    "title_params": {"client": "Kaija Koivisto"},
}
DESCRIBED = {
    "description_msgid": "Asiakas: {client}. Suostumus: {consent}.",
    "description_params": {"client": "Kaija Koivisto", "consent": {"fi": "Y 100", "sv": "Y 100"}},
}


# Session user, MFA check, role assignments (middleware); open tasks; unread reminders.
INBOX_QUERIES = 5


def test_an_htmx_answer_logs_only_the_clients_of_the_section_it_renders(client, worker):
    """Marking a reminder read renders the reminders again, not the tasks: a client named
    only by a task was not shown, so it gets no "shown in the inbox" row (and the reverse).
    The task checked off is named by the answer's confirmation, and logged so."""
    from audit.models import AccessLogEntry
    from clients.factories import ClientFactory
    from notifications.access import CLIENTS_SHOWN

    of_task = ClientFactory(created_by=worker)
    of_reminder = ClientFactory(created_by=worker)
    task = TaskFactory(assignee=worker, client_id=of_task.uuid)
    read = ReminderFactory(recipient=worker, client_id=of_reminder.uuid)
    ReminderFactory(recipient=worker, client_id=of_reminder.uuid)
    login(client, worker)

    def shown_by(url) -> set:
        before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(url, headers={"HX-Request": "true"})
        assert response.status_code == 200
        rows = AccessLogEntry.objects.filter(action=CLIENTS_SHOWN, pk__gt=before)
        return set(rows.values_list("client_id", flat=True))

    assert shown_by(reverse("notifications:mark_reminder_read", args=[read.pk])) == {
        of_reminder.uuid
    }
    ReminderFactory(recipient=worker, client_id=of_reminder.uuid)
    assert shown_by(reverse("notifications:complete_task", args=[task.pk])) == {of_task.uuid}
