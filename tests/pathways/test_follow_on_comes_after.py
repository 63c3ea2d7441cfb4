"""The follow-on step is what comes after a step: not the companion that ends with it (the
work coaching of a work activity period), not a step that was already running before it
(the work coaching a Jobcenter period ran alongside). The end form does not offer them and
the action refuses them next to the follow-on; a follow-on is not planned to start before
the step it follows."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.models import PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.conftest import save_contract
from tests.pathways.test_step_rules import rehab_fields, service


def coaching_of(client):
    return PathwayStep.objects.get(client=client, service_type__code="work_coaching")


def offered(client, worker, step) -> str:
    login(client, worker)
    return client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/end/").content.decode()


@pytest.fixture
def work_activity(worker, client_of, today):
    """Rehabilitative work activity with its work coaching, running for two months."""
    return actions.plan_step(
        client=client_of(), planned_by=worker, **rehab_fields(today - datetime.timedelta(days=60))
    )


def test_the_companion_ending_with_the_step_is_not_its_follow_on(
    client, worker, work_activity, today
):
    coaching = coaching_of(work_activity.client)
    assert f'<option value="{coaching.pk}"' not in offered(client, worker, work_activity)

    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=work_activity,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            next_step=coaching,
            review_decision="move",
        )

    assert "päättyy tämän jakson mukana" in " ".join(refused.value.message_dict["next_step"])
    for step in (work_activity, coaching):
        step.refresh_from_db()
        assert (step.status, step.next_step_id) == (StepStatus.ACTIVE, None)


def test_a_step_running_since_before_the_step_is_not_its_follow_on(
    client, worker, work_activity, today
):
    """A Jobcenter period is not closed with the work coaching it ran alongside as its follow-on."""
    paid = actions.plan_step(
        client=work_activity.client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=today - datetime.timedelta(days=10),
        planned_end_on=today + datetime.timedelta(days=20),
    )
    save_contract(paid, worker, paid.start_on, today)
    coaching = coaching_of(paid.client)
    # Studies do not run alongside the work activity: they start when it has ended.
    studies = actions.plan_step(
        client=paid.client,
        planned_by=worker,
        service_type=service("education"),
        start_on=work_activity.planned_end_on + datetime.timedelta(days=1),
    )
    form = offered(client, worker, paid)
    assert f'<option value="{coaching.pk}"' not in form
    assert f'<option value="{work_activity.pk}"' not in form
    assert f'<option value="{studies.pk}"' in form

    response = client.post(
        f"/clients/{paid.client.uuid}/steps/{paid.pk}/end/",
        {"ended_on": today.isoformat(), "end_reason": "completed", "next_step": coaching.pk},
    )
    assert response.status_code == 200
    assert 'id="id_next_step_error"' in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=paid, ended_by=worker, ended_on=today, end_reason="completed", next_step=coaching
        )
    (message,) = refused.value.message_dict["next_step"]
    assert "alkoi jo ennen tätä jaksoa" in message and "Työvalmennus" in message
    paid.refresh_from_db()
    assert (paid.status, paid.next_step_id) == (StepStatus.ACTIVE, None)

    ended = actions.end_step(
        step=paid, ended_by=worker, ended_on=today, end_reason="completed", next_step=studies
    )
    assert (ended.status, ended.next_step) == (StepStatus.ENDED, studies)


def test_a_follow_on_starting_on_the_same_day_is_accepted(worker, client_of, today):
    """The allowed edge: a follow-on that begins the day the step began (a short step)."""
    customer = client_of()
    guidance = actions.plan_step(
        client=customer,
        planned_by=worker,
        service_type=service("ohjaamo_guidance"),
        start_on=today,
    )
    studies = actions.plan_step(
        client=customer, planned_by=worker, service_type=service("education"), start_on=today
    )
    ended = actions.end_step(
        step=guidance, ended_by=worker, ended_on=today, end_reason="completed", next_step=studies
    )
    assert ended.next_step == studies


def test_a_follow_on_is_not_planned_to_start_before_the_step_it_follows(
    client, worker, client_of, today
):
    running = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("education"),
        start_on=today - datetime.timedelta(days=30),
        planned_end_on=today + datetime.timedelta(days=30),
    )
    login(client, worker)
    response = client.post(
        f"/clients/{running.client.uuid}/steps/new/?type=kela_vocational_rehabilitation&follows={running.pk}",
        {"start_on": (today - datetime.timedelta(days=31)).isoformat()},
    )
    assert response.status_code == 200
    assert "ei voi alkaa ennen jaksoa" in field_errors(response.content.decode(), "start_on")
    assert not PathwayStep.objects.filter(
        client=running.client, service_type__code="kela_vocational_rehabilitation"
    ).exists()
    running.refresh_from_db()
    assert running.next_step is None


def test_the_work_coaching_alongside_disability_work_activity_is_not_its_follow_on(
    client, worker, client_of, today
):
    """Disability work activity does not require work coaching, but the coaching running
    alongside it needs it: a companion, not what follows it."""
    client_ = client_of()
    start, end = today - datetime.timedelta(days=5), today + datetime.timedelta(days=200)
    work_activity = actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=service("disability_work_activity"),
        start_on=start,
        planned_end_on=end,
        days_per_week=3,
        hours_per_day=5,
    )
    coaching = actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=service("work_coaching"),
        start_on=start,
        planned_end_on=end,
    )
    later = actions.plan_step(
        client=client_,
        planned_by=worker,
        service_type=service("education"),
        start_on=end + datetime.timedelta(days=1),
    )
    page = offered(client, worker, work_activity)
    assert f'<option value="{coaching.pk}"' not in page
    assert f'<option value="{later.pk}"' in page


ALONGSIDE = "on käynnissä tämän jakson rinnalla"


@pytest.fixture
def disability_work_activity(worker, client_of, today):
    """Disability work activity running for two months (it does not require work coaching)."""
    return actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("disability_work_activity"),
        start_on=today - datetime.timedelta(days=60),
        planned_end_on=today + datetime.timedelta(days=200),
        days_per_week=3,
        hours_per_day=5,
    )


def test_the_work_coaching_started_with_a_jobcenter_period_is_not_its_follow_on(
    client, worker, disability_work_activity, today
):
    """Coaching begun the same day as the Jobcenter period it runs with did not start before
    it, yet it is no more what follows the period than coaching begun earlier: the action
    refuses it on the follow-on as the end form leaves it out."""
    start = today - datetime.timedelta(days=10)
    coaching = actions.plan_step(
        client=disability_work_activity.client,
        planned_by=worker,
        service_type=service("work_coaching"),
        start_on=start,
        planned_end_on=today + datetime.timedelta(days=100),
    )
    paid = actions.plan_step(
        client=coaching.client,
        planned_by=worker,
        service_type=service("jobcenter_paid_work"),
        start_on=start,
        planned_end_on=today + datetime.timedelta(days=20),
        income_clarification="Palkka ei vaikuta eläkkeeseen.",
    )
    save_contract(paid, worker, start, today)
    # Studies do not run alongside the work activity: they start when it has ended.
    studies = actions.plan_step(
        client=paid.client,
        planned_by=worker,
        service_type=service("education"),
        start_on=disability_work_activity.planned_end_on + datetime.timedelta(days=1),
    )
    form = offered(client, worker, paid)
    assert f'<option value="{coaching.pk}"' not in form
    assert f'<option value="{studies.pk}"' in form

    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=paid, ended_by=worker, ended_on=today, end_reason="completed", next_step=coaching
        )
    (message,) = refused.value.message_dict["next_step"]
    assert ALONGSIDE in message and "Työvalmennus" in message
    for step in (paid, coaching):
        step.refresh_from_db()
        assert (step.status, step.next_step_id) == (StepStatus.ACTIVE, None)


def test_the_work_coaching_alongside_disability_work_activity_is_refused_on_the_follow_on(
    worker, disability_work_activity, today
):
    coaching = actions.plan_step(
        client=disability_work_activity.client,
        planned_by=worker,
        service_type=service("work_coaching"),
        start_on=disability_work_activity.start_on,
        planned_end_on=disability_work_activity.planned_end_on,
    )
    with pytest.raises(ValidationError) as refused:
        actions.end_step(
            step=disability_work_activity,
            ended_by=worker,
            ended_on=today,
            end_reason="completed",
            next_step=coaching,
        )
    (message,) = refused.value.message_dict["next_step"]
    assert ALONGSIDE in message
    disability_work_activity.refresh_from_db()
    assert disability_work_activity.status == StepStatus.ACTIVE


class TestDatesMovedLater:
    """A follow-on planned in order stays in order when either step's start date is changed."""

    @pytest.fixture
    def followed(self, worker, client_of, today):
        running = actions.plan_step(
            client=client_of(),
            planned_by=worker,
            service_type=service("education"),
            start_on=today - datetime.timedelta(days=30),
            planned_end_on=today + datetime.timedelta(days=30),
        )
        kela = actions.plan_step(
            client=running.client,
            planned_by=worker,
            service_type=service("kela_vocational_rehabilitation"),
            start_on=today + datetime.timedelta(days=31),
            follows=running,
        )
        return running, kela

    def test_the_follow_on_is_not_moved_to_start_before_the_step_it_follows(
        self, client, worker, followed, today
    ):
        running, kela = followed
        login(client, worker)
        response = client.post(
            f"/clients/{running.client.uuid}/steps/{kela.pk}/edit/",
            {"start_on": (today - datetime.timedelta(days=31)).isoformat()},
        )
        assert response.status_code == 200
        assert "ei voi alkaa ennen jaksoa" in field_errors(response.content.decode(), "start_on")
        kela.refresh_from_db()
        assert kela.start_on == today + datetime.timedelta(days=31)

    def test_the_step_is_not_moved_to_start_after_its_follow_on(self, worker, followed, today):
        running, _kela = followed
        with pytest.raises(ValidationError) as refused:
            actions.update_step(
                step=running,
                changed_by=worker,
                start_on=today + datetime.timedelta(days=32),
                planned_end_on=today + datetime.timedelta(days=40),
            )
        assert "start_on" in refused.value.message_dict
        running.refresh_from_db()
        assert running.start_on == today - datetime.timedelta(days=30)

    def test_the_same_day_is_the_allowed_edge(self, worker, followed, today):
        running, kela = followed
        changed = actions.update_step(step=kela, changed_by=worker, start_on=running.start_on)
        assert changed.start_on == running.start_on


class TestPlannedAlongside:
    """A follow-on planned from the step page (`?follows=`) is refused when it would run
    alongside the step it follows, as `end_step` refuses choosing such a step: next to its
    start, nothing saved."""

    def coaching_during(self, followed, today) -> dict:
        return {
            "service_type": service("work_coaching"),
            "start_on": today + datetime.timedelta(days=10),
            "planned_end_on": today + datetime.timedelta(days=100),
        }

    def test_the_action_refuses_it_on_the_start(self, worker, disability_work_activity, today):
        with pytest.raises(ValidationError) as refused:
            actions.plan_step(
                client=disability_work_activity.client,
                planned_by=worker,
                follows=disability_work_activity,
                **self.coaching_during(disability_work_activity, today),
            )
        (message,) = refused.value.message_dict["start_on"]
        assert "rinnalla" in message and "Vammaisten työtoiminta" in message
        assert not coaching_exists(disability_work_activity.client)
        disability_work_activity.refresh_from_db()
        assert disability_work_activity.next_step is None

    def test_the_form_shows_it_next_to_the_start(
        self, client, worker, disability_work_activity, today
    ):
        login(client, worker)
        fields = self.coaching_during(disability_work_activity, today)
        response = client.post(
            f"/clients/{disability_work_activity.client.uuid}/steps/new/"
            f"?type=work_coaching&follows={disability_work_activity.pk}",
            {
                "start_on": fields["start_on"].isoformat(),
                "planned_end_on": fields["planned_end_on"].isoformat(),
            },
        )
        assert response.status_code == 200
        assert "rinnalla" in field_errors(response.content.decode(), "start_on")
        assert not coaching_exists(disability_work_activity.client)
        disability_work_activity.refresh_from_db()
        assert disability_work_activity.next_step is None

    def test_another_service_beginning_before_its_end_is_its_follow_on(
        self, worker, client_of, today
    ):
        """Studies need no service alongside them, nor does a work trial: begun before the
        trial's planned end, they still follow it, as the end form offers them. (Neither has
        rules on what may run with it, so the two may overlap.)"""
        trial = actions.plan_step(
            client=client_of(),
            planned_by=worker,
            service_type=service("work_trial"),
            start_on=today - datetime.timedelta(days=60),
            planned_end_on=today + datetime.timedelta(days=200),
        )
        follow_on = actions.plan_step(
            client=trial.client,
            planned_by=worker,
            follows=trial,
            service_type=service("education"),
            start_on=today + datetime.timedelta(days=10),
        )
        trial.refresh_from_db()
        assert trial.next_step == follow_on


def coaching_exists(client_) -> bool:
    return PathwayStep.objects.filter(client=client_, service_type__code="work_coaching").exists()
