import datetime
import time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_LAST_ACTIVITY
from notifications.factories import ReminderFactory, TaskFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db

BELL = reverse("notifications:bell")


def test_the_bell_counts_due_tasks_and_unread_reminders(client, worker, colleague):
    today = timezone.localdate()
    TaskFactory(assignee=worker, overdue=True)
    TaskFactory(assignee=worker, due_date=today)
    TaskFactory(assignee=worker, due_date=today + datetime.timedelta(days=3))  # not due yet
    TaskFactory(assignee=worker, overdue=True, done=True)
    ReminderFactory(recipient=worker)
    ReminderFactory(recipient=worker, read=True)
    TaskFactory(assignee=colleague, overdue=True)
    login(client, worker)
    response = client.get(BELL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saapuneet, 3 lukematonta" in html
    # The count follows the word with no space between them: the margin parts them, so the
    # link's underline ends at the word instead of running under a space.
    assert 'Saapuneet<span class="polku-bell__count">3</span>' in html
    assert 'aria-live="polite"' in html
    assert f'href="{reverse("notifications:inbox")}"' in html
    assert f'hx-get="{BELL}?shown=3"' in html


def test_the_bell_answers_204_while_the_count_is_unchanged(client, worker):
    ReminderFactory(recipient=worker)
    login(client, worker)
    assert client.get(BELL, {"shown": "1"}).status_code == 204
    ReminderFactory(recipient=worker)
    response = client.get(BELL, {"shown": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saapuneet, 2 lukematonta" in html
    assert "aria-live" not in html  # only the link inside the live region is replaced


def test_one_unread_is_singular(client, worker):
    ReminderFactory(recipient=worker)
    login(client, worker)
    text = " ".join(client.get(BELL).content.decode().split())
    assert "Saapuneet, 1 lukematon </span>" in text


def test_the_bell_does_not_extend_the_idle_session_but_a_page_does(client, worker):
    login(client, worker)
    session = client.session
    earlier = time.time() - 120  # within the idle timeout, older than the 30 s write interval
    session[SESSION_LAST_ACTIVITY] = earlier
    session.save()

    assert client.get(BELL).status_code == 200
    assert client.session[SESSION_LAST_ACTIVITY] == earlier

    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert client.session[SESSION_LAST_ACTIVITY] > earlier


def test_the_bell_include_is_a_real_link_that_loads_the_count(worker, rf):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = worker
    html = render_to_string("notifications/bell.html", request=request)
    assert f'href="{reverse("notifications:inbox")}"' in html
    assert f'hx-get="{BELL}"' in html
    assert 'hx-trigger="load, every 60s"' in html
    assert "aria-live" not in html  # arrives with the first answer, so page loads are silent


def test_a_session_that_only_polls_still_ends_after_the_idle_time(client, worker, settings):
    """The first request of a session starts the idle clock, a poll too; polls never move it
    on, so a tab left on the bell alone is signed out like any other."""
    login(client, worker)
    session = client.session
    session.pop(SESSION_LAST_ACTIVITY, None)
    session.save()
    assert client.get(BELL).status_code == 200
    started = client.session[SESSION_LAST_ACTIVITY]
    assert started == pytest.approx(time.time(), abs=5)

    later = time.time() + settings.POLKU_IDLE_TIMEOUT_MINUTES * 60 + 60
    with mock.patch("accounts.middleware.time.time", return_value=later):
        response = client.get(BELL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
