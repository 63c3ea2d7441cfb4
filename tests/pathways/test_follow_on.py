"""The follow-on step is planned while the step runs, from the step page, and linked at once;
a step is ended on its last day or later, never ahead of it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from pathways.reminders import steps_ending_without_next
from tests.conftest import field_errors, login


@pytest.fixture
def running(client_of, worker, today):
    """Work at a social enterprise ending in ten days, with no follow-on yet."""
    return make_step(
        client_of(),
        "education",
        created_by=worker,
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=10),
    )


def ending_without_next(today):
    return [spec.object_id for spec in steps_ending_without_next(today, 100)]


def test_the_follow_on_is_planned_from_the_step_page_and_linked_at_once(
    client, worker, running, today
):
    assert running.pk in ending_without_next(today)
    login(client, worker)
    base = f"/clients/{running.client.uuid}"
    page = client.get(f"{base}/steps/{running.pk}/").content.decode()
    assert f"/steps/new/?follows={running.pk}" in page
    choose = client.get(f"{base}/steps/new/?follows={running.pk}").content.decode()
    assert f"type=supported_employment&amp;follows={running.pk}" in choose

    start = running.planned_end_on + datetime.timedelta(days=1)
    response = client.post(
        f"{base}/steps/new/",
        {"type": "supported_employment", "follows": running.pk, "start_on": start.isoformat()},
    )

    assert response.status_code == 302
    follow_on = PathwayStep.objects.get(
        client=running.client, service_type__code="supported_employment"
    )
    running.refresh_from_db()
    assert running.next_step == follow_on
    assert running.status == StepStatus.ACTIVE  # it still runs until its end
    assert running.pk not in ending_without_next(today)
    page = client.get(f"{base}/steps/{running.pk}/").content.decode()
    assert "Jatkopolku" in page and f"/steps/{follow_on.pk}/" in page
    # ...and the follow-on's page names the step it follows.
    page = client.get(f"{base}/steps/{follow_on.pk}/").content.decode()
    assert "Jatkoa jaksolle" in page and f'href="{base}/steps/{running.pk}/"' in page
    assert f"alkoi {running.start_on:%-d.%-m.%Y}" in page
    # The end form offers the linked follow-on, chosen already.
    end = client.get(f"{base}/steps/{running.pk}/end/").content.decode()
    assert f'<option value="{follow_on.pk}" selected>' in end


def test_a_step_is_not_ended_ahead_of_its_last_day(worker, running, today):
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=running,
            ended_by=worker,
            ended_on=today + datetime.timedelta(days=1),
            end_reason="completed",
            exit_outcome="studies",
        )
    assert "ended_on" in refused.value.message_dict
    running.refresh_from_db()
    assert (running.status, running.ended_on) == (StepStatus.ACTIVE, None)


def test_an_ended_or_linked_step_or_another_clients_step_cannot_be_followed(
    client, worker, client_of, running, today
):
    other = make_step(client_of(), "education", created_by=worker, start_on=today)
    login(client, worker)
    base = f"/clients/{running.client.uuid}/steps/new/"
    assert client.get(f"{base}?follows={other.pk}").status_code == 404
    assert client.get(f"{base}?follows=abc").status_code == 404
    follow_on = actions.plan_step(
        client=running.client,
        planned_by=worker,
        follows=running,
        service_type=other.service_type,
        start_on=running.planned_end_on + datetime.timedelta(days=1),
        planned_end_on=running.planned_end_on + datetime.timedelta(days=60),
    )
    assert follow_on.previous_step == running
    # Followed meanwhile (an old link, the back button): back to the step, with the reason.
    response = client.get(f"{base}?follows={running.pk}", follow=True)
    assert response.redirect_chain == [(f"/clients/{running.client.uuid}/steps/{running.pk}/", 302)]
    assert "Jaksolla on jo jatkopolku." in response.content.decode()
    # A form sent stays on its page, with the refusal, and nothing is saved.
    steps_before = PathwayStep.objects.count()
    response = client.post(
        f"{base}?type=education&follows={running.pk}",
        {
            "start_on": f"{running.planned_end_on + datetime.timedelta(days=90):%-d.%-m.%Y}",
            "planned_end_on": f"{running.planned_end_on + datetime.timedelta(days=120):%-d.%-m.%Y}",
        },
    )
    assert response.status_code == 200
    assert "Jaksolla on jo jatkopolku." in response.content.decode()
    assert PathwayStep.objects.count() == steps_before
    with pytest.raises(ValidationError):
        actions.plan_step(
            client=running.client,
            planned_by=worker,
            follows=running,
            service_type=other.service_type,
            start_on=running.planned_end_on + datetime.timedelta(days=90),
        )


def test_a_follow_on_is_offered_to_start_the_day_after_the_step_ends(
    client, worker, running, today
):
    """Planned from the step's page: its start is offered as the day after the step's planned
    end (a new step without one starts today), and the rules shown are those of that day."""
    login(client, worker)
    base = f"/clients/{running.client.uuid}/steps/new/?type=supported_employment"
    form = client.get(f"{base}&follows={running.pk}").context["form"]
    assert form["start_on"].value() == running.planned_end_on + datetime.timedelta(days=1)
    assert form.rules_on == running.planned_end_on + datetime.timedelta(days=1)
    assert client.get(base).context["form"]["start_on"].value() == today


def test_an_ended_step_is_not_chosen_as_the_follow_on_when_ending(worker, running, today):
    earlier = make_step(
        running.client,
        "volunteering",
        created_by=worker,
        start_on=today - datetime.timedelta(days=200),
        planned_end_on=today - datetime.timedelta(days=100),
    )
    PathwayStep.objects.filter(pk=earlier.pk).update(
        status=StepStatus.ENDED,
        ended_on=earlier.planned_end_on,
        end_reason="completed",
        exit_outcome="other_service",
    )
    earlier.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        actions.end_step(
            step=running, ended_by=worker, ended_on=today, end_reason="other", next_step=earlier
        )
    assert "ei päättynyttä" in " ".join(error.value.messages)
    running.refresh_from_db()
    assert running.status != StepStatus.ENDED and running.next_step is None


def test_a_step_starting_before_any_rules_in_force_is_refused_next_to_its_start(
    client, worker, client_of
):
    customer = client_of()
    login(client, worker)
    url = f"/clients/{customer.uuid}/steps/new/?type=education"
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url, {"start_on": "2019-03-01", "planned_end_on": "2019-06-30", "goal": "Opinnot"}
    )
    assert response.status_code == 200
    assert "ei ole voimassa olevia sääntöjä 1.3.2019" in field_errors(
        response.content.decode(), "start_on"
    )
    assert not PathwayStep.objects.filter(client=customer).exists()


# A reminder written for the step's old state is taken back by the next sweep.


def _ending_reminders(step):
    from notifications.models import Reminder
    from pathways.reminders import STEP_ENDING_WITHOUT_NEXT

    return list(
        Reminder.objects.filter(rule=STEP_ENDING_WITHOUT_NEXT)
        .concerning(step)
        .values_list("recipient_id", "due_date")
    )


def test_a_follow_on_takes_back_the_ending_without_follow_on_reminder(worker, running, today):
    from notifications.actions import sweep_reminders
    from pathways.reminders import STEP_ENDING_WITHOUT_NEXT

    sweep_reminders(today=today)
    assert _ending_reminders(running) == [(worker.pk, running.planned_end_on)]
    actions.plan_step(
        client=running.client,
        planned_by=worker,
        follows=running,
        service_type=running.service_type,
        start_on=running.planned_end_on + datetime.timedelta(days=1),
        planned_end_on=running.planned_end_on + datetime.timedelta(days=60),
    )
    result = sweep_reminders(today=today)
    assert result.withdrawn[STEP_ENDING_WITHOUT_NEXT] == 1
    assert _ending_reminders(running) == []


def test_a_moved_end_replaces_the_reminder_and_a_distant_one_takes_it_back(worker, running, today):
    from notifications.actions import sweep_reminders

    sweep_reminders(today=today)
    nearer = today + datetime.timedelta(days=12)
    actions.update_step(step=running, changed_by=worker, planned_end_on=nearer)
    sweep_reminders(today=today)
    assert _ending_reminders(running) == [(worker.pk, nearer)]
    later = today + datetime.timedelta(days=60)
    actions.update_step(step=running, changed_by=worker, planned_end_on=later)
    sweep_reminders(today=today)
    assert _ending_reminders(running) == []
    # A reminder already past its due date stays: it was right on its day.
    sweep_reminders(today=today + datetime.timedelta(days=50))
    assert _ending_reminders(running) == [(worker.pk, later)]
    actions.update_step(
        step=running, changed_by=worker, planned_end_on=today + datetime.timedelta(days=90)
    )
    sweep_reminders(today=today + datetime.timedelta(days=61))
    assert _ending_reminders(running) == [(worker.pk, later)]
