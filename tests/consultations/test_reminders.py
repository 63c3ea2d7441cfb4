"""Reminders: a session tomorrow for its participants; a recommendation coming due for
the responsible worker. Registered with the sweep; titles name no client."""

import dataclasses
import datetime

import time_machine
from django.utils import timezone

from audit.labels import action_label
from consultations import actions, reminders
from consultations.factories import make_session
from consultations.models import Session
from notifications.actions import remind_many
from notifications.rules_registry import registered_rules
from notifications.task_kinds import task_kind_label


def test_the_rules_are_registered():
    codes = {rule.code for rule in registered_rules()}
    assert {reminders.CONSULTATION_TOMORROW, reminders.RECOMMENDATION_DUE} <= codes
    assert str(task_kind_label("consultations.recommendation")) == "Konsultaation suositus"


def test_participants_and_the_coordinator_are_reminded_the_day_before(hki):
    day_before = hki.session.starts_at.date() - datetime.timedelta(days=1)
    specs = list(reminders.consultation_tomorrow(day_before, 2))
    assert sorted(s.recipient_id for s in specs) == sorted(
        [hki.coordinator.pk, hki.coordinator.pk, hki.expert.pk, hki.kela_liaison.pk]
    )
    assert {s.object_id for s in specs} == {hki.session.pk}
    assert {s.due_date for s in specs} == {hki.session.starts_at.date()}
    assert all(s.link == f"/consultations/sessions/{hki.session.pk}/" for s in specs)
    specs = [dataclasses.replace(s, rule="consultations.consultation_tomorrow") for s in specs]
    assert remind_many(specs) == 3  # the coordinator once
    assert remind_many(specs) == 0
    title = hki.expert.reminders.get().title
    assert title.startswith("Konsultaatioistunto huomenna klo 13.00") and "Koivisto" not in title


def test_no_reminder_for_other_days_or_cancelled_sessions(hki):
    day_before = hki.session.starts_at.date() - datetime.timedelta(days=1)
    assert list(reminders.consultation_tomorrow(day_before - datetime.timedelta(days=1), 10)) == []
    Session.objects.filter(pk=hki.session.pk).update(
        cancelled_at=hki.session.created_at, cancellation_reason="Peruttu"
    )
    assert list(reminders.consultation_tomorrow(day_before, 10)) == []


def test_a_recommendation_coming_due_reminds_the_responsible_worker(hki):
    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        item = hki.item
        item.session = hki.session
        due = start.date() + datetime.timedelta(days=20)
        recommendation = actions.add_recommendation(
            item=item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    assert list(reminders.recommendation_due(due - datetime.timedelta(days=8), 10)) == []
    (spec,) = reminders.recommendation_due(due - datetime.timedelta(days=7), 10)
    assert (spec.recipient_id, spec.object_id, spec.due_date) == (
        hki.worker.pk,
        recommendation.pk,
        due,
    )
    assert hki.request.reference in str(spec.title)
    recommendation.task.done_at = start
    recommendation.task.done_on = start.date()
    recommendation.task.done_by = hki.worker
    recommendation.task.save()
    assert list(reminders.recommendation_due(due, 10)) == []


def test_the_session_window_is_configurable(hki, settings):
    session_day = timezone.localdate(hki.session.starts_at)
    three_before = session_day - datetime.timedelta(days=3)
    assert list(reminders.consultation_tomorrow(three_before, 10)) == []
    settings.POLKU_REMINDER_WINDOWS = {reminders.CONSULTATION_TOMORROW: 3}
    assert (
        list(reminders.consultation_tomorrow(three_before - datetime.timedelta(days=1), 10)) == []
    )
    specs = list(reminders.consultation_tomorrow(three_before, 10))
    assert {s.recipient_id for s in specs} == {
        hki.coordinator.pk,
        hki.expert.pk,
        hki.kela_liaison.pk,
    }
    assert {s.due_date for s in specs} == {session_day}  # the same key on every sweep
    title = str(specs[0].title)
    assert title.startswith(f"Konsultaatioistunto {session_day:%-d.%-m.%Y} klo 13.00")
    assert "huomenna" not in title
    # Still reminded the day before, under the same key.
    day_before = session_day - datetime.timedelta(days=1)
    assert {s.due_date for s in reminders.consultation_tomorrow(day_before, 10)} == {session_day}


def test_the_recommendation_window_is_configurable(hki, settings):
    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        due = start.date() + datetime.timedelta(days=30)
        actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    fourteen_before = due - datetime.timedelta(days=14)
    assert list(reminders.recommendation_due(fourteen_before, 10)) == []
    settings.POLKU_REMINDER_WINDOWS = {reminders.RECOMMENDATION_DUE: 14}
    assert (
        list(reminders.recommendation_due(fourteen_before - datetime.timedelta(days=1), 10)) == []
    )
    (spec,) = reminders.recommendation_due(fourteen_before, 10)
    assert (spec.recipient_id, spec.due_date) == (hki.worker.pk, due)


def test_one_query_per_batch(hki, django_assert_num_queries):
    for n in range(1, 4):
        make_session(
            hki.network,
            hki.worker,
            participants=[hki.expert],
            starts_at=hki.session.starts_at + datetime.timedelta(hours=2 * n),
            chair=hki.coordinator,
        )
    day_before = hki.session.starts_at.date() - datetime.timedelta(days=1)
    with django_assert_num_queries(2):  # the participants and the coordinators
        specs = list(reminders.consultation_tomorrow(day_before, 1000))
    assert len(specs) == 4 + 3 * 3 + 3


def test_log_reports_name_the_consultation_actions():
    assert action_label("consultations.case.viewed") == "Avasi konsultaatiotapauksen"
