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
from notifications.actions import remind_many, sweep_reminders
from notifications.models import Reminder
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
    day = hki.session.starts_at.date()
    # Dated, not "tomorrow": the reminder is read on the day of the session too.
    assert title.startswith(f"Konsultaatioistunto {day.day}.{day.month}.{day.year} klo 13.00")
    assert "Koivisto" not in title and "huomenna" not in title


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
    assert str(spec.title) == (
        f"Konsultaation suositus erääntyy {due:%-d.%-m.%Y}: "
        f"{hki.client.display_name} ({hki.request.reference})"
    )
    assert spec.client_id == hki.client.uuid  # the inbox logs the client it names
    recommendation.task.done_at = start
    recommendation.task.done_on = start.date()
    recommendation.task.done_by = hki.worker
    recommendation.task.save()
    assert list(reminders.recommendation_due(due, 10)) == []


def test_after_a_transfer_the_new_responsible_worker_is_reminded_of_the_recommendation(hki):
    """A recommendation is a task of the responsible worker: it moves with a transfer of
    responsibility, the new worker is reminded of it and the former one's reminder still
    to come is taken back."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.actions import transfer_responsibility
    from consents.factories import acting

    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        due = start.date() + datetime.timedelta(days=5)
        recommendation = actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    specs = [
        dataclasses.replace(spec, rule=reminders.RECOMMENDATION_DUE)
        for spec in reminders.recommendation_due(due, 10)
    ]
    assert remind_many(specs) == 1 and hki.worker.reminders.count() == 1
    successor = acting(make_user(Role.SOCIAL_WORKER, hki.social_work))

    transfer_responsibility(
        client=hki.client,
        to_user=successor,
        to_unit=hki.social_work,
        transferred_by=hki.worker,
        handover_note="Suositus seurattavana.",
    )
    recommendation.task.refresh_from_db()
    assert recommendation.task.assignee == successor
    (spec,) = reminders.recommendation_due(due, 10)
    assert (spec.recipient_id, spec.object_id) == (successor.pk, recommendation.pk)
    assert not hki.worker.reminders.exists()


def test_checking_the_recommendation_off_takes_its_reminder_back(hki):
    from notifications.actions import complete_task, reopen_task

    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        due = start.date() + datetime.timedelta(days=5)
        recommendation = actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    specs = [
        dataclasses.replace(spec, rule=reminders.RECOMMENDATION_DUE)
        for spec in reminders.recommendation_due(due, 10)
    ]
    assert remind_many(specs) == 1
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        task = complete_task(task=recommendation.task, by=hki.worker)
    assert not hki.worker.reminders.exists()
    assert list(reminders.recommendation_due(due, 10)) == []
    # Opened again, it is reminded of again.
    reopen_task(task=task, by=hki.worker)
    (spec,) = reminders.recommendation_due(due, 10)
    assert spec.object_id == recommendation.pk


def _overdue_recommendation_reminder(hki):
    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        due = start.date() + datetime.timedelta(days=5)
        recommendation = actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    specs = [
        dataclasses.replace(spec, rule=reminders.RECOMMENDATION_DUE)
        for spec in reminders.recommendation_due(due, 10)
    ]
    assert remind_many(specs) == 1
    return recommendation, due


def test_checking_an_overdue_recommendation_off_settles_its_reminder(hki):
    """Checked off after its due date: the reminder (about the recommendation, not its task)
    is past, so it was not taken back, and complete_task settles only reminders about the
    task: it stayed unread and overdue. Now it is marked read; the row stays."""
    from notifications.actions import complete_task

    recommendation, due = _overdue_recommendation_reminder(hki)
    late = datetime.datetime.combine(
        due + datetime.timedelta(days=2), datetime.time(10), tzinfo=timezone.get_current_timezone()
    )
    with time_machine.travel(late, tick=False):
        complete_task(task=recommendation.task, by=hki.worker)
    (reminder,) = hki.worker.reminders.all()
    assert reminder.read_at is not None


def test_a_closed_clients_overdue_recommendation_reminder_is_settled_by_the_sweep(hki):
    _recommendation, due = _overdue_recommendation_reminder(hki)
    later = due + datetime.timedelta(days=3)
    assert reminders.withdraw_stale_recommendations(later) == 0
    assert hki.worker.reminders.get().read_at is None
    hki.client.closed_on, hki.client.closure_reason = later, "Muutti toiselle paikkakunnalle"
    hki.client.save(update_fields=["closed_on", "closure_reason"])
    assert reminders.withdraw_stale_recommendations(later) == 1
    assert hki.worker.reminders.get().read_at is not None


def test_a_closed_clients_recommendation_reminds_no_one(hki):
    start = hki.session.starts_at
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        due = start.date() + datetime.timedelta(days=3)
        actions.add_recommendation(
            item=hki.item, recommended_by=hki.coordinator, text="Seuraa.", due_date=due
        )
    assert len(list(reminders.recommendation_due(due, 10))) == 1
    hki.client.closed_on, hki.client.closure_reason = due, "Muutti toiselle paikkakunnalle"
    hki.client.save(update_fields=["closed_on", "closure_reason"])
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


# A reminder written for a session that is then cancelled, moved or left is taken back.


def _sweep(day: datetime.date) -> int:
    specs = [
        dataclasses.replace(spec, rule=reminders.CONSULTATION_TOMORROW)
        for spec in reminders.consultation_tomorrow(day, 100)
    ]
    return remind_many(specs)


def _session_reminders(session):
    return Reminder.objects.filter(rule=reminders.CONSULTATION_TOMORROW).concerning(session)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def test_cancelling_a_session_takes_back_its_reminders(hki):
    day_before = _local_day(hki.session.starts_at) - datetime.timedelta(days=1)
    assert _sweep(day_before) == 3
    other = make_session(
        hki.network,
        hki.coordinator,
        participants=[hki.expert],
        starts_at=hki.session.starts_at + datetime.timedelta(hours=3),
    )
    assert _sweep(day_before) == 2  # the other session's, for the coordinator and the expert
    actions.cancel_session(
        session=hki.session, cancelled_by=hki.coordinator, reason="Sairastuminen"
    )
    assert not _session_reminders(hki.session).exists()
    assert _session_reminders(other).count() == 2  # another session's stay
    assert _sweep(day_before) == 0  # and the sweep does not bring them back


def test_reminders_a_sweep_read_before_the_cancellation_are_taken_back_by_the_next(hki):
    """The rule read the session, the coordinator cancelled it, then the sweep wrote what it
    had read: the next sweep takes those reminders back (the rule's withdraw_stale)."""
    day_before = _local_day(hki.session.starts_at) - datetime.timedelta(days=1)
    read = [
        dataclasses.replace(spec, rule=reminders.CONSULTATION_TOMORROW)
        for spec in reminders.consultation_tomorrow(day_before, 100)
    ]
    actions.cancel_session(
        session=hki.session, cancelled_by=hki.coordinator, reason="Sairastuminen"
    )
    assert remind_many(read) == 3
    sweep_reminders(today=day_before)
    assert not _session_reminders(hki.session).exists()


def test_moving_a_session_to_another_day_reminds_on_the_new_day_before(hki):
    old_day = _local_day(hki.session.starts_at)
    assert _sweep(old_day - datetime.timedelta(days=1)) == 3
    moved = hki.session.starts_at + datetime.timedelta(days=7)
    actions.change_session(
        session=hki.session,
        changed_by=hki.coordinator,
        starts_at=moved,
        duration_minutes=hki.session.duration_minutes,
        chair=hki.session.chair,
        place=hki.session.place,
    )
    assert not _session_reminders(hki.session).exists()
    assert _sweep(old_day - datetime.timedelta(days=1)) == 0
    assert _sweep(_local_day(moved) - datetime.timedelta(days=1)) == 3
    assert set(_session_reminders(hki.session).values_list("due_date", flat=True)) == {
        _local_day(moved)
    }


def test_moving_a_session_within_its_day_rewrites_the_reminder_with_the_new_time(hki):
    day_before = _local_day(hki.session.starts_at) - datetime.timedelta(days=1)
    _sweep(day_before)
    hki.expert.reminders.update(read_at=timezone.now())
    actions.change_session(
        session=hki.session,
        changed_by=hki.coordinator,
        starts_at=hki.session.starts_at + datetime.timedelta(hours=2),
        duration_minutes=hki.session.duration_minutes,
        chair=hki.session.chair,
        place=hki.session.place,
    )
    assert _sweep(day_before) == 3
    reminder = hki.expert.reminders.get()
    assert "klo 15.00" in reminder.title
    assert reminder.read_at is None


def test_a_change_that_keeps_the_time_keeps_the_reminders(hki):
    day_before = _local_day(hki.session.starts_at) - datetime.timedelta(days=1)
    _sweep(day_before)
    first = set(_session_reminders(hki.session).values_list("pk", flat=True))
    actions.change_session(
        session=hki.session,
        changed_by=hki.coordinator,
        starts_at=hki.session.starts_at,
        duration_minutes=hki.session.duration_minutes,
        chair=hki.session.chair,
        place="Neuvotteluhuone 5",
    )
    assert set(_session_reminders(hki.session).values_list("pk", flat=True)) == first


def test_a_participant_taken_off_the_session_loses_only_their_reminder(hki):
    day_before = _local_day(hki.session.starts_at) - datetime.timedelta(days=1)
    _sweep(day_before)
    participant = hki.session.participants.current().get(user=hki.kela_liaison)
    actions.remove_participant(participant=participant, removed_by=hki.coordinator)
    assert not hki.kela_liaison.reminders.exists()
    assert set(_session_reminders(hki.session).values_list("recipient_id", flat=True)) == {
        hki.coordinator.pk,
        hki.expert.pk,
    }
    assert _sweep(day_before) == 0


def test_the_reminders_of_a_session_are_settled_once_its_day_has_passed(hki):
    """On the session's day its reminder is still there to be read; after the day it asks
    for nothing any more: the sweep marks it read (the row stays), or the bell and the digest
    would count a session long held as overdue for good."""
    day = _local_day(hki.session.starts_at)
    assert _sweep(day - datetime.timedelta(days=1)) == 3
    sweep_reminders(today=day)
    assert not _session_reminders(hki.session).filter(read_at__isnull=False).exists()

    sweep_reminders(today=day + datetime.timedelta(days=1))

    assert _session_reminders(hki.session).count() == 3
    assert not _session_reminders(hki.session).unread().exists()
