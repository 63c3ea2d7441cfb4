"""Expiring consents also reach the responsible worker's inbox as reminders."""

import dataclasses
import datetime

from django.utils import timezone

from audit.labels import action_label
from consents import page_panels
from consents.factories import ConsentFactory
from consents.models import Consent
from notifications.actions import remind_many


def test_the_rule_reminds_the_responsible_worker_once_per_expiring_consent(team, parties):
    today = timezone.localdate()
    soon = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=9),
    )
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=90),
    )
    ConsentFactory(client=team["client"], parties=[parties["kela"]], expired=True)
    specs = list(page_panels.expiring_consent_reminders(today, 100))
    assert [(s.recipient_id, s.object_id, s.due_date) for s in specs] == [
        (team["worker"].pk, soon.pk, soon.valid_until)
    ]
    assert specs[0].link.endswith(f"/consents/{soon.pk}/")
    specs = [dataclasses.replace(s, rule="consents.consent_expiring") for s in specs]
    assert remind_many(specs) == 1
    assert remind_many(specs) == 0  # a repeated sweep adds nothing
    reminder = team["worker"].reminders.get()
    # Named as every rule's reminder about a client, which the inbox then logs or withholds.
    assert reminder.title.startswith("Suostumus päättyy ")
    assert reminder.title.endswith(": Tuisku Tietävä")
    assert reminder.client_id == team["client"].uuid


def _sweep_expiring(today) -> int:
    """The consent-expiry rule run and written as the sweep does; returns how many are new."""
    specs = page_panels.expiring_consent_reminders(today, 100)
    return remind_many([dataclasses.replace(s, rule=page_panels.CONSENT_EXPIRING) for s in specs])


def test_a_change_that_keeps_the_last_day_leaves_one_reminder_for_the_consent(team, parties):
    """A consent's reminder is about the consent (its series), not one of its versions: a
    change with the same terms signed again today, a new version, gives the worker no second
    reminder."""
    from consents import actions

    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        recorded_by=team["worker"],
        valid_until=today + datetime.timedelta(days=9),
    )
    assert _sweep_expiring(today) == 1
    renewed = dataclasses.replace(
        actions.ConsentTerms.of(consent), signed_on=today, valid_from=today
    )
    new = actions.change_consent(consent=consent, terms=renewed, changed_by=team["worker"])
    assert (new.version, new.valid_until) == (2, consent.valid_until)
    _sweep_expiring(today)
    _sweep_expiring(today + datetime.timedelta(days=1))
    reminder = team["worker"].reminders.get(rule=page_panels.CONSENT_EXPIRING)
    assert reminder.concerning == consent  # the series' first version
    assert reminder.due_date == consent.valid_until
    # Written again after the change, it leads to the version now in force.
    assert reminder.link.endswith(f"/consents/{new.pk}/")


def test_a_longer_consent_or_a_revocation_takes_the_expiry_reminder_back(team, parties):
    from consents import actions

    today = timezone.localdate()
    extended = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        recorded_by=team["worker"],
        valid_until=today + datetime.timedelta(days=9),
    )
    revoked = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        recorded_by=team["worker"],
        valid_until=today + datetime.timedelta(days=20),
    )
    other = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=25),
    )
    assert _sweep_expiring(today) == 3
    terms = actions.ConsentTerms.of(extended)
    terms = dataclasses.replace(terms, valid_until=today + datetime.timedelta(days=365))
    second = actions.change_consent(consent=extended, terms=terms, changed_by=team["worker"])
    actions.revoke_consent(
        consent=revoked,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="Asiakas itse",
    )
    # A change of the second version finds the reminder through the series' first version.
    remaining = team["worker"].reminders.filter(rule=page_panels.CONSENT_EXPIRING)
    assert [r.concerning for r in remaining] == [other]
    assert _sweep_expiring(today) == 0
    actions.change_consent(
        consent=second, terms=actions.ConsentTerms.of(extended), changed_by=team["worker"]
    )
    assert _sweep_expiring(today) == 1
    actions.change_consent(
        consent=Consent.objects.get(series=extended.series, superseded_at__isnull=True),
        terms=terms,
        changed_by=team["worker"],
    )
    assert [r.concerning for r in remaining.all()] == [other]


def test_the_sweep_settles_the_expiry_reminder_of_an_expired_consent(team, parties):
    """Past its last day the consent has expired and its reminder asks for nothing any more:
    the sweep marks it read (the row stays), while a consent still to expire keeps its own."""
    from notifications.actions import sweep_reminders

    today = timezone.localdate()
    expiring = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=2),
    )
    later = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=20),
    )
    sweep_reminders(today)
    reminders = team["worker"].reminders.filter(rule=page_panels.CONSENT_EXPIRING)
    assert {r.concerning: r.read_at for r in reminders} == {expiring: None, later: None}

    sweep_reminders(expiring.valid_until)  # its last day: still to be seen to
    assert not reminders.filter(read_at__isnull=False).exists()

    result = sweep_reminders(expiring.valid_until + datetime.timedelta(days=1))
    assert result.withdrawn[page_panels.CONSENT_EXPIRING] == 1
    assert {r.concerning: r.read_at is not None for r in reminders.all()} == {
        expiring: True,
        later: False,
    }


def test_the_sweep_takes_back_the_expiry_reminder_of_a_revoked_or_closed_clients_consent(
    team, parties
):
    """revoke_consent takes back the reminders it finds, but a sweep that read the consent
    just before the revocation writes one after it; and a client relationship closes by
    another app's action. The sweep takes such reminders back; the others stay."""
    from clients.factories import ClientFactory
    from consents import actions
    from notifications.actions import sweep_reminders

    today = timezone.localdate()
    revoked = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        recorded_by=team["worker"],
        valid_until=today + datetime.timedelta(days=9),
    )
    kept = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=12),
    )
    closing = ClientFactory(responsible_worker=team["worker"])
    of_closed = ConsentFactory(
        client=closing, parties=[parties["kela"]], valid_until=today + datetime.timedelta(days=5)
    )
    read_before = list(page_panels.expiring_consent_reminders(today, 100))
    actions.revoke_consent(
        consent=revoked,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="Asiakas itse",
    )
    remind_many([dataclasses.replace(s, rule=page_panels.CONSENT_EXPIRING) for s in read_before])
    closing.closed_on, closing.closure_reason = today, "Muutti toiselle paikkakunnalle"
    closing.save(update_fields=["closed_on", "closure_reason"])
    reminders = team["worker"].reminders.filter(rule=page_panels.CONSENT_EXPIRING)
    assert {r.concerning for r in reminders} == {revoked, kept, of_closed}

    result = sweep_reminders(today)

    assert result.withdrawn[page_panels.CONSENT_EXPIRING] == 2
    assert [(r.concerning, r.read_at) for r in reminders.all()] == [(kept, None)]


def test_a_closed_clients_expiring_consent_reminds_no_one(team, parties):
    today = timezone.localdate()
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=9),
    )
    client = team["client"]
    client.closed_on, client.closure_reason = today, "Muutti toiselle paikkakunnalle"
    client.save(update_fields=["closed_on", "closure_reason"])
    assert list(page_panels.expiring_consent_reminders(today, 100)) == []


def test_a_deactivated_responsible_worker_gets_no_expiry_reminder(team, parties):
    """As every other rule's (clients.reminders.responsible_worker): a reminder to a
    deactivated account is one nobody reads."""
    today = timezone.localdate()
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=9),
    )
    assert len(list(page_panels.expiring_consent_reminders(today, 100))) == 1
    team["worker"].is_active = False
    team["worker"].save(update_fields=["is_active"])
    assert list(page_panels.expiring_consent_reminders(today, 100)) == []


def test_log_reports_name_the_consent_actions():
    assert action_label("consents.consent.revoked") == "Kirjasi suostumuksen peruutuksen"


def test_open_revocation_notifications_remind_their_assignee_from_the_third_day(team, parties):
    from consents import actions, reminders
    from notifications.models import Task

    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"], parties=[parties["kela"]], recorded_by=team["worker"]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="asiakas itse",
    )
    task = Task.objects.get(kind=actions.SEND_REVOCATION_TO_KELA)
    assert (
        list(reminders.open_revocation_notifications(today + datetime.timedelta(days=2), 100)) == []
    )
    specs = list(reminders.open_revocation_notifications(today + datetime.timedelta(days=3), 100))
    assert [(s.recipient_id, s.object_id, s.client_id) for s in specs] == [
        (task.assignee_id, task.pk, team["client"].uuid)
    ]
    specs = [dataclasses.replace(s, rule=reminders.CODE) for s in specs]
    assert remind_many(specs) == 1 and remind_many(specs) == 0
    reminder = team["worker"].reminders.get(rule=reminders.CODE)
    assert reminder.title == (
        "Suostumuksen peruutuksesta ei ole vielä ilmoitettu osapuolelle: Tuisku Tietävä"
    )
    # The sweep's withdraw_stale leaves the reminder of a task still open as it is...
    assert reminders.withdraw_stale_revocation_notifications(today + datetime.timedelta(3)) == 0
    reminder.refresh_from_db()
    assert reminder.read_at is None
    task.done_at, task.done_on, task.done_by = timezone.now(), today, task.assignee
    task.save()
    assert (
        list(reminders.open_revocation_notifications(today + datetime.timedelta(days=5), 100)) == []
    )
    # ...and settles it once the task is done, also when a sweep wrote it after the task was
    # checked off from what it had read before.
    assert reminders.withdraw_stale_revocation_notifications(today + datetime.timedelta(5)) == 1
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_the_revocation_notification_window_is_configurable(team, parties, settings):
    """At five days the task is reminded of on its fifth day, not its fourth; the sweep's
    withdraw_stale reads the same window and leaves that reminder be while the task is open."""
    from consents import actions, reminders

    settings.POLKU_REMINDER_WINDOWS = {reminders.CODE: 5}
    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"], parties=[parties["kela"]], recorded_by=team["worker"]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="asiakas itse",
    )
    fourth, fifth = today + datetime.timedelta(days=4), today + datetime.timedelta(days=5)
    assert list(reminders.open_revocation_notifications(fourth, 100)) == []
    specs = list(reminders.open_revocation_notifications(fifth, 100))
    assert [(s.recipient_id, s.due_date) for s in specs] == [(team["worker"].pk, fifth)]
    remind_many([dataclasses.replace(s, rule=reminders.CODE) for s in specs])
    assert reminders.withdraw_stale_revocation_notifications(fifth) == 0
    assert team["worker"].reminders.get(rule=reminders.CODE).due_date == fifth


def test_the_expiry_reminder_fires_at_thirty_days_and_not_at_thirty_one(team, parties, settings):
    today = timezone.localdate()
    # Responsible since before the days swept: a sweep reads the team, and the roles its
    # members act in, of its own day.
    team["client"].memberships.update(started_on=today - datetime.timedelta(days=60))
    team["worker"].role_assignments.update(valid_from=today - datetime.timedelta(days=60))
    consent = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=30),
    )
    day_before_edge = today - datetime.timedelta(days=1)  # 31 days before its last day
    assert list(page_panels.expiring_consent_reminders(day_before_edge, 100)) == []
    (spec,) = page_panels.expiring_consent_reminders(today, 100)
    assert (spec.object_id, spec.due_date) == (consent.pk, consent.valid_until)

    # The window is a setting: at 31 days the edge moves a day earlier.
    settings.POLKU_CONSENT_EXPIRY_WARNING_DAYS = 31
    (spec,) = page_panels.expiring_consent_reminders(day_before_edge, 100)
    assert spec.object_id == consent.pk
    # As every rule's, its window can also be set per rule code, which wins.
    settings.POLKU_REMINDER_WINDOWS = {"consents.consent_expiring": 29}
    assert list(page_panels.expiring_consent_reminders(today, 100)) == []
    assert page_panels.warning_days() == 29


def test_the_revocation_reminder_is_due_on_the_helsinki_day_after_midnight(team, parties):
    """A task created at 0.30 Helsinki time is still the previous day in UTC: the reminder
    is due three Helsinki days after the day the task was created."""
    from consents import actions, reminders
    from notifications.models import Task

    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"], parties=[parties["kela"]], recorded_by=team["worker"]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="asiakas itse",
    )
    created = today - datetime.timedelta(days=3)
    after_midnight = timezone.make_aware(datetime.datetime.combine(created, datetime.time(0, 30)))
    Task.objects.filter(kind=actions.SEND_REVOCATION_TO_KELA).update(created_at=after_midnight)
    (spec,) = reminders.open_revocation_notifications(today, 100)
    assert spec.due_date == today


def test_the_inbox_names_the_client_of_a_consent_reminder_logs_it_and_withholds_it_later(
    client, team, parties
):
    """Both consent rules' reminders carry the client's id: the inbox logs the client it
    shows, and a worker who no longer reaches the client sees a neutral title instead."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from audit.models import AccessLogEntry
    from clients import actions as client_actions
    from consents import actions, reminders
    from notifications.access import CLIENTS_SHOWN
    from tests.conftest import login

    today = timezone.localdate()
    worker, customer = team["worker"], team["client"]
    ConsentFactory(
        client=customer, parties=[parties["kela"]], valid_until=today + datetime.timedelta(days=9)
    )
    revoked = ConsentFactory(client=customer, parties=[parties["kela"]], recorded_by=worker)
    actions.revoke_consent(
        consent=revoked, revoked_by=worker, revoked_on=today, method="phone", through="asiakas"
    )
    _sweep_expiring(today)
    later = today + datetime.timedelta(days=3)
    remind_many(
        [
            dataclasses.replace(s, rule=reminders.CODE)
            for s in reminders.open_revocation_notifications(later, 100)
        ]
    )
    assert worker.reminders.count() == 2
    login(client, worker)
    page = client.get("/inbox/").content.decode()
    assert page.count("Tuisku Tietävä") >= 2
    assert AccessLogEntry.objects.filter(
        action=CLIENTS_SHOWN, actor=worker, client_id=customer.uuid
    ).exists()

    colleague = make_user(Role.SOCIAL_WORKER, team["unit"])
    client_actions.transfer_responsibility(
        client=customer,
        to_user=colleague,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Siirto kollegalle.",
    )
    before = AccessLogEntry.objects.filter(action=CLIENTS_SHOWN, actor=worker).count()
    # The expiry reminder stays the former worker's (the revocation's moved with its task).
    assert worker.reminders.filter(rule=page_panels.CONSENT_EXPIRING).exists()
    page = client.get("/inbox/").content.decode()
    assert "Tuisku Tietävä" not in page
    assert AccessLogEntry.objects.filter(action=CLIENTS_SHOWN, actor=worker).count() == before


def test_telling_the_party_settles_the_revocation_reminder(team, parties):
    """Checked off (here in the inbox's action, as on the consent page), the task's reminder,
    already past its day, is marked read: nothing is left to remind of."""
    import time_machine

    from consents import actions, reminders
    from notifications.actions import complete_task
    from notifications.models import Task

    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"], parties=[parties["kela"]], recorded_by=team["worker"]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=today,
        method="phone",
        through="asiakas itse",
    )
    later = today + datetime.timedelta(days=4)
    specs = reminders.open_revocation_notifications(later, 100)
    remind_many([dataclasses.replace(s, rule=reminders.CODE) for s in specs])
    reminder = team["worker"].reminders.get(rule=reminders.CODE)
    assert reminder.read_at is None and reminder.due_date < later
    task = Task.objects.get(kind=actions.SEND_REVOCATION_TO_KELA)

    with time_machine.travel(later):
        complete_task(task=task, by=team["worker"])

    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_a_read_expiry_reminder_stays_read_after_a_change_that_keeps_the_last_day(team, parties):
    """The worker read "Suostumus päättyy"; a change that keeps the last day (a party
    removed) leaves the reminder as it was, not back unread by the next sweep."""
    from consents import actions
    from notifications.actions import mark_reminder_read

    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"],
        parties=[parties["kela"], parties["health"]],
        recorded_by=team["worker"],
        valid_until=today + datetime.timedelta(days=9),
    )
    assert _sweep_expiring(today) == 1
    reminder = team["worker"].reminders.get(rule=page_panels.CONSENT_EXPIRING)
    read_at = mark_reminder_read(reminder=reminder, by=team["worker"]).read_at
    terms = dataclasses.replace(
        actions.ConsentTerms.of(consent),
        signed_on=today,
        valid_from=today,
        organisations=(parties["kela"],),
    )
    actions.change_consent(consent=consent, terms=terms, changed_by=team["worker"])
    assert _sweep_expiring(today) == 0
    kept = team["worker"].reminders.get(rule=page_panels.CONSENT_EXPIRING)
    assert (kept.pk, kept.read_at) == (reminder.pk, read_at)
