"""A coach taken off the client's care team while their step goes on is no longer reminded of
the client: not in the inbox, not on the bell, not at the next sweep."""

import pytest

from clients.actions import end_membership
from clients.models import CareTeamMembership
from notifications import rules_registry
from notifications.actions import sweep_reminders
from notifications.models import Reminder
from notifications.views import unread_count
from pathways import reminders as pathway_rules


@pytest.fixture
def only_pathway_rules(monkeypatch):
    monkeypatch.setattr(rules_registry, "_rules", {})
    pathway_rules.register()


def test_an_ips_job_coach_taken_off_the_team_loses_the_clients_reminders(
    only_pathway_rules, ips_step, job_coach, worker, today
):
    client_of, _step = ips_step()
    sweep_reminders(today=today)
    (reminder,) = Reminder.objects.filter(recipient=job_coach).unread()
    assert (reminder.rule, reminder.client_id) == (
        pathway_rules.IPS_NO_EMPLOYER_CONTACT,
        client_of.uuid,
    )

    membership = CareTeamMembership.objects.get(
        client=client_of, user=job_coach, ended_on__isnull=True
    )
    end_membership(membership=membership, ended_by=worker)

    assert not Reminder.objects.filter(recipient=job_coach).unread().exists()
    assert unread_count(job_coach) == 0
    sweep_reminders(today=today)
    assert not Reminder.objects.filter(recipient=job_coach).unread().exists()
