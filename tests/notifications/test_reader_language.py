"""Titles and descriptions that Polku writes read in the reader's language, whoever they
were written for: the inbox, the dashboard's task panel and the check-off message render
the kept message (notifications.texts) in the language the reader uses now; a person's
words stay as written; the e-mail digest is in the reader's language and names no title."""

import datetime
import uuid

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazystr
from django.utils.translation import gettext_noop

from clients.models import TeamRole
from notifications.actions import create_task, remind
from notifications.digest import send_digest
from notifications.factories import ReminderFactory, TaskFactory
from notifications.models import Reminder, Task
from notifications.panels import open_tasks_panel_context
from notifications.texts import Text, render_text
from services.factories import OrganisationFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
REVOCATION = gettext_noop("Ilmoita suostumuksen peruutuksesta: {party}")
CONSENT = gettext_noop("Asiakas: {client}. Suostumus: {consent}.")
MEMBERSHIP_ENDING = gettext_noop("Tiimin jäsenyys päättyy ({role}): {client}")

FINNISH_TITLE = "Ilmoita suostumuksen peruutuksesta: Helsingin kaupunki"
SWEDISH_TITLE = "Meddela om återkallelsen av samtycket: Helsingfors stad"
ENGLISH_TITLE = "Notify of the revocation of consent: City of Helsinki"


@pytest.fixture
def city():
    return OrganisationFactory(
        name_fi="Helsingin kaupunki", name_sv="Helsingfors stad", name_en="City of Helsinki"
    )


@pytest.fixture
def finnish_task(worker, city):
    """A task written while its assignee read Polku in Finnish (the default)."""
    assert worker.preferred_language == "fi"
    return create_task(
        assignee=worker,
        kind="tests.task",
        title=Text(REVOCATION, party=lazystr(city)),
        description=Text(CONSENT, client="Kaija Koivisto", consent="Y 100, versio 1"),
        due_date=timezone.localdate(),
        link="/clients/a/",
    )


@pytest.fixture
def finnish_reminder(worker, unit):
    reminder, _created = remind(
        recipient=worker,
        rule="tests.rule",
        concerning=unit,
        due_date=timezone.localdate(),
        title=Text(MEMBERSHIP_ENDING, role=TeamRole.WORK_PAIR.label, client="Kaija Koivisto"),
        link="/clients/b/",
    )
    return reminder


def _work_pair(language: str) -> str:
    with translation.override(language):
        return str(TeamRole.WORK_PAIR.label)


def test_the_finnish_title_is_kept_with_its_message(finnish_task, finnish_reminder):
    task = Task.objects.get()
    assert task.title == FINNISH_TITLE
    assert task.title_msgid == REVOCATION
    assert task.title_params == {
        "party": {"fi": "Helsingin kaupunki", "sv": "Helsingfors stad", "en": "City of Helsinki"}
    }
    assert task.description == "Asiakas: Kaija Koivisto. Suostumus: Y 100, versio 1."
    reminder = Reminder.objects.get()
    assert reminder.title == f"Tiimin jäsenyys päättyy ({_work_pair('fi')}): Kaija Koivisto"
    assert reminder.title_params["role"]["sv"] == _work_pair("sv") != _work_pair("fi")


def test_after_a_change_of_language_the_inbox_reads_in_the_new_one(
    client, worker, finnish_task, finnish_reminder
):
    worker.preferred_language = "sv"
    worker.save(update_fields=["preferred_language"])
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert f'<a href="/clients/a/">{SWEDISH_TITLE}</a>' in html
    assert "Klient: Kaija Koivisto. Samtycke: Y 100, versio 1." in html
    swedish_reminder = f"Medlemskapet i teamet upphör ({_work_pair('sv')}): Kaija Koivisto"
    assert f'<a href="/clients/b/">{swedish_reminder}</a>' in html
    assert "Ilmoita suostumuksen" not in html and "Tiimin jäsenyys" not in html

    # The language switch (its cookie) wins, as on every page.
    client.cookies["django_language"] = "en"
    html = client.get(INBOX).content.decode()
    assert f'<a href="/clients/a/">{ENGLISH_TITLE}</a>' in html
    assert "Client: Kaija Koivisto. Consent: Y 100, versio 1." in html
    assert f"Team membership ending ({_work_pair('en')}): Kaija Koivisto" in html

    response = client.post(
        reverse("notifications:complete_task", args=[finnish_task.pk]),
        {"done_on": timezone.localdate().isoformat()},
        follow=True,
    )
    assert f"Task marked as done: {ENGLISH_TITLE}" in response.content.decode()


def test_the_dashboards_task_panel_reads_in_the_readers_language(rf, worker, finnish_task):
    request = rf.get("/")
    request.user = worker
    with translation.override("sv"):
        context = open_tasks_panel_context(request)
        html = render_to_string("notifications/panels/open_tasks.html", {"panel": context})
    assert f'<a href="/clients/a/">{SWEDISH_TITLE}</a>' in html
    assert "Klient: Kaija Koivisto." in html


def test_a_persons_words_stay_as_written(client, worker):
    create_task(
        assignee=worker,
        kind="tests.task",
        title="Soita Kaijalle",
        description="Kaija toivoo soittoa aamupäivällä.",
    )
    task = Task.objects.get()
    assert (task.title_msgid, task.title_params, task.description_msgid) == ("", {}, "")
    worker.preferred_language = "en"
    worker.save(update_fields=["preferred_language"])
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert "Soita Kaijalle" in html and "Kaija toivoo soittoa aamupäivällä." in html


def test_a_row_without_a_message_shows_its_stored_title(client, worker):
    """Rows from before messages were kept (migration 0003) have none."""
    TaskFactory(assignee=worker, title="Vanha tehtävä")
    ReminderFactory(recipient=worker, title="Vanha muistutus")
    worker.preferred_language = "sv"
    worker.save(update_fields=["preferred_language"])
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert "Vanha tehtävä" in html and "Vanha muistutus" in html


def test_a_translation_that_does_not_fit_its_parameters_falls_back_to_the_stored_text():
    assert render_text("{client} ({case})", {"client": "Kaija"}, fallback="Tallennettu") == (
        "Tallennettu"
    )
    assert render_text("", {}, fallback="Tallennettu") == "Tallennettu"
    with translation.override("sv"):
        assert render_text("Yes", {}, fallback="x") == "Ja"
        # A name kept in Finnish only (a service without a Swedish name) reads in Finnish.
        assert render_text("{name}", {"name": {"fi": "Paja"}}, fallback="x") == "Paja"


def test_a_text_refuses_a_lazy_msgid():
    with pytest.raises(TypeError):
        Text(translation.gettext_lazy("Yes"))


def test_a_client_out_of_reach_is_not_named_in_any_language(client, worker):
    TaskFactory(
        assignee=worker,
        title="Asiakkaan vastuu siirtyi sinulle: Kaija Koivisto",
        title_msgid=gettext_noop("Asiakkaan vastuu siirtyi sinulle: {client}"),
        title_params={"client": "Kaija Koivisto"},
        description_msgid=CONSENT,
        description_params={"client": "Kaija Koivisto", "consent": "Y 100"},
        client_id=uuid.uuid4(),
    )
    login(client, worker)
    html = client.get(INBOX).content.decode()
    assert "Kaija Koivisto" not in html
    assert "Koskee asiakasta, jonka tietoihin sinulla ei ole pääsyä" in html


def test_the_digest_is_in_the_readers_language_now_and_names_no_title(
    worker, finnish_task, finnish_reminder, settings
):
    settings.POLKU_BASE_URL = "https://polku.example.fi"
    worker.preferred_language = "en"
    worker.save(update_fields=["preferred_language"])
    assert send_digest(user_id=worker.pk, today=timezone.localdate()) is True
    message = mail.outbox[0]
    assert message.extra_headers["Content-Language"] == "en"
    texts = [message.subject, message.body, message.alternatives[0][0]]
    assert "Polku – Tasks and reminders" in message.subject
    for text in texts:
        for title in (FINNISH_TITLE, SWEDISH_TITLE, ENGLISH_TITLE, "Kaija Koivisto"):
            assert title not in text


def test_the_params_of_a_text_go_only_with_its_message(worker):
    for make in (
        lambda: TaskFactory(assignee=worker, title="x", title_params={"client": "Kaija"}),
        lambda: TaskFactory(assignee=worker, title="x", description_params={"client": "Kaija"}),
        lambda: ReminderFactory(recipient=worker, title="x", title_params={"client": "Kaija"}),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            make()
    TaskFactory(assignee=worker, title="x", title_msgid="{client}", title_params={"client": "K"})


def test_a_text_in_a_reminder_rule_reads_in_the_readers_language(worker, unit):
    """The sweep's bulk insert keeps the message as remind() does."""
    from notifications.actions import remind_many
    from notifications.rules_registry import ReminderSpec
    from services.models import Unit

    title = Text(MEMBERSHIP_ENDING, role=TeamRole.WORK_PAIR.label, client="Kaija Koivisto")
    spec = ReminderSpec(worker.pk, Unit, unit.pk, datetime.date(2030, 1, 1), title, rule="t.r")
    assert remind_many([spec]) == 1
    with translation.override("en"):
        assert Reminder.objects.get().shown_title == (
            f"Team membership ending ({_work_pair('en')}): Kaija Koivisto"
        )
