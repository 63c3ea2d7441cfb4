"""A step's status follows its dates: it starts on its start date, not before; a step that
never started is cancelled, not ended; a pause records since when and why, and resuming
records when. The step page shows the schedule only as far as it is given."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep, StepStatus
from tests.conftest import field_errors, login
from tests.pathways.test_history import assert_by, last_event

REASON = "Sairausloma kuukauden ajan"


def url(step, page=""):
    return f"/clients/{step.client.uuid}/steps/{step.pk}/{page}"


class TestStart:
    def test_a_step_does_not_start_before_its_start_date(self, client, worker, client_of, today):
        step = make_step(
            client_of(), "education", created_by=worker, start_on=today + datetime.timedelta(3)
        )
        assert step.status == StepStatus.PLANNED
        login(client, worker)
        page = client.get(url(step)).content.decode()
        assert 'value="active"' not in page
        day = f"{step.start_on:%-d.%-m.%Y}"
        assert f"Jakso alkaa {day}. Sen voi aloittaa alkamispäivänä" in page

        response = client.post(url(step, "status/"), {"status": "active"}, follow=True)

        assert f"Jakso alkaa {day}, joten sen voi aloittaa aikaisintaan silloin." in (
            response.content.decode()
        )
        step.refresh_from_db()
        assert step.status == StepStatus.PLANNED

    def test_a_step_starts_on_its_start_date_or_later(self, client, worker, client_of, today):
        step = make_step(
            client_of(),
            "education",
            created_by=worker,
            start_on=today - datetime.timedelta(days=2),
            status=StepStatus.PLANNED,
        )
        login(client, worker)
        assert 'value="active"' in client.get(url(step)).content.decode()
        client.post(url(step, "status/"), {"status": "active"})
        step.refresh_from_db()
        assert step.status == StepStatus.ACTIVE

    def test_a_started_step_does_not_move_its_start_after_today(self, worker, client_of, today):
        """A running step with its start ahead could be neither ended, cancelled nor paused."""
        step = make_step(
            client_of(), "education", created_by=worker, start_on=today - datetime.timedelta(3)
        )
        assert step.status == StepStatus.ACTIVE
        with pytest.raises(ValidationError) as refused:
            actions.update_step(
                step=step, changed_by=worker, start_on=today + datetime.timedelta(days=30)
            )
        assert refused.value.message_dict == {
            "start_on": ["Jakso on jo alkanut, joten sen alkamispäivä voi olla viimeistään tänään."]
        }
        step.refresh_from_db()
        assert step.start_on == today - datetime.timedelta(3)
        assert actions.update_step(step=step, changed_by=worker, start_on=today).start_on == today

    def test_a_planned_step_moves_its_start_later(self, worker, client_of, today):
        step = make_step(
            client_of(), "education", created_by=worker, start_on=today + datetime.timedelta(3)
        )
        later = today + datetime.timedelta(days=30)
        changed = actions.update_step(step=step, changed_by=worker, start_on=later)
        assert (changed.start_on, changed.status) == (later, StepStatus.PLANNED)


class TestEndingAStepThatNeverStarted:
    def test_a_planned_jobcenter_period_is_not_ended_as_planned(
        self, client, worker, client_of, today
    ):
        period = make_step(
            client_of(),
            "jobcenter_paid_work",
            created_by=worker,
            start_on=today - datetime.timedelta(days=10),
            planned_end_on=today,
            status=StepStatus.PLANNED,
        )
        follow_on = make_step(
            period.client, "education", created_by=worker, start_on=today + datetime.timedelta(1)
        )
        with pytest.raises(ValidationError) as refused:
            actions.end_step(
                step=period,
                ended_by=worker,
                ended_on=today,
                end_reason="completed",
                next_step=follow_on,
            )
        assert "peru se jakson sivulta" in " ".join(refused.value.messages)
        period.refresh_from_db()
        assert (period.status, period.end_reason) == (StepStatus.PLANNED, "")

        login(client, worker)
        step_page = client.get(url(period)).content.decode()
        assert url(period, "end/") not in step_page and url(period, "cancel/") in step_page
        end_page = client.get(url(period, "end/")).content.decode()
        assert "Jakso ei ole alkanut, joten sitä ei päätetä." in end_page
        response = client.post(
            url(period, "end/"),
            {
                "ended_on": today.isoformat(),
                "end_reason": "completed",
                "next_step": follow_on.pk,
            },
        )
        assert response.status_code == 200
        assert "peru se jakson sivulta" in response.content.decode()
        period.refresh_from_db()
        assert period.status == StepStatus.PLANNED


class TestPause:
    @pytest.fixture
    def step(self, worker, client_of, today):
        return make_step(
            client_of(), "education", created_by=worker, start_on=today - datetime.timedelta(20)
        )

    def test_a_pause_records_since_when_and_why_and_resuming_records_when(
        self, client, worker, coach, step, today
    ):
        login(client, worker)
        page = client.get(url(step)).content.decode()
        assert f'href="{url(step, "pause/")}"' in page
        form = client.get(url(step, "pause/")).content.decode()
        assert 'name="paused_on"' in form and 'name="reason"' in form

        response = client.post(url(step, "pause/"), {"paused_on": today.isoformat()})
        assert field_errors(response.content.decode(), "reason")
        response = client.post(
            url(step, "pause/"),
            {"paused_on": (today + datetime.timedelta(1)).isoformat(), "reason": REASON},
        )
        assert "tulevaisuudessa" in field_errors(response.content.decode(), "paused_on")
        response = client.post(
            url(step, "pause/"),
            {"paused_on": (step.start_on - datetime.timedelta(1)).isoformat(), "reason": REASON},
        )
        assert "Tauko voi alkaa aikaisintaan" in field_errors(
            response.content.decode(), "paused_on"
        )
        step.refresh_from_db()
        assert (step.status, step.paused_on, step.pause_reason) == (StepStatus.ACTIVE, None, "")

        since = today - datetime.timedelta(days=3)
        response = client.post(
            url(step, "pause/"), {"paused_on": since.isoformat(), "reason": REASON}, follow=True
        )

        page = response.content.decode()
        assert "Jakson tila: Tauolla." in page
        assert f"{since:%-d.%-m.%Y} alkaen: {REASON}" in page
        step.refresh_from_db()
        assert (step.status, step.paused_on, step.pause_reason, step.resumed_on) == (
            StepStatus.PAUSED,
            since,
            REASON,
            None,
        )
        event = last_event(PathwayStep, step)
        assert (event.paused_on, event.pause_reason) == (since, REASON)
        assert_by(event, worker, "pathways.step.status_changed")

        page = client.post(url(step, "status/"), {"status": "active"}, follow=True)
        step.refresh_from_db()
        assert (step.status, step.resumed_on) == (StepStatus.ACTIVE, today)
        assert last_event(PathwayStep, step).resumed_on == today
        page = client.get(url(step)).content.decode()
        assert f"{since:%-d.%-m.%Y} alkaen, jatkui {today:%-d.%-m.%Y}: {REASON}" in page

        # A second pause: the step holds it, the page lists both.
        actions.set_step_status(
            step=step, status=StepStatus.PAUSED, changed_by=worker, reason="Loma"
        )
        step.refresh_from_db()
        assert (step.paused_on, step.pause_reason, step.resumed_on) == (today, "Loma", None)
        page = client.get(url(step)).content.decode()
        assert f"{since:%-d.%-m.%Y} alkaen, jatkui {today:%-d.%-m.%Y}: {REASON}" in page
        assert f"{today:%-d.%-m.%Y} alkaen: Loma" in page

    def test_a_pause_does_not_begin_before_the_step_last_resumed(self, worker, step, today):
        actions.set_step_status(
            step=step,
            status=StepStatus.PAUSED,
            changed_by=worker,
            paused_on=today - datetime.timedelta(days=5),
            reason=REASON,
        )
        actions.set_step_status(step=step, status=StepStatus.ACTIVE, changed_by=worker)
        with pytest.raises(ValidationError) as refused:
            actions.set_step_status(
                step=step,
                status=StepStatus.PAUSED,
                changed_by=worker,
                paused_on=today - datetime.timedelta(days=1),
                reason=REASON,
            )
        assert "paused_on" in refused.value.message_dict

    def test_the_start_does_not_move_past_a_pause(self, worker, step, today):
        actions.set_step_status(
            step=step,
            status=StepStatus.PAUSED,
            changed_by=worker,
            paused_on=today - datetime.timedelta(days=5),
            reason=REASON,
        )
        with pytest.raises(ValidationError) as refused:
            actions.update_step(
                step=step, changed_by=worker, start_on=today - datetime.timedelta(days=2)
            )
        assert "tauolla" in " ".join(refused.value.message_dict["start_on"])

    def test_the_database_keeps_a_pause_dated(self, worker, step, today):
        def refused(name, **fields):
            with pytest.raises(IntegrityError, match=name), transaction.atomic():
                PathwayStep.objects.filter(pk=step.pk).update(**fields)

        refused("step_paused_since_a_day", status=StepStatus.PAUSED)
        refused(
            "step_paused_since_a_day",
            status=StepStatus.PAUSED,
            paused_on=today,
            resumed_on=today,
        )
        refused("step_paused_after_start", paused_on=step.start_on - datetime.timedelta(1))
        refused(
            "step_resumed_after_pause", paused_on=today, resumed_on=today - datetime.timedelta(1)
        )
        refused("step_resumed_after_pause", resumed_on=today)


class TestSchedule:
    def test_no_dash_for_hours_not_given(self, client, worker, client_of):
        client_ = client_of()
        open_work = make_step(
            client_, "open_work", created_by=worker, days_per_week=3, daily_compensation=10
        )
        disability = make_step(
            client_, "disability_work_activity", created_by=worker, days_per_week=2
        )
        login(client, worker)
        for step, days in ((open_work, 3), (disability, 2)):
            page = client.get(url(step)).content.decode()
            assert f"{days} päivää viikossa" in page
            assert "tuntia päivässä" not in page
        disability.hours_per_day = Decimal("4.5")
        disability.save()
        page = client.get(url(disability)).content.decode()
        # As the summary PDF says it (config.numbers): no needless trailing zeros.
        assert "2 päivää viikossa, 4,5 tuntia päivässä" in page
        disability.hours_per_day = Decimal("6.00")
        disability.save()
        disability.refresh_from_db()
        page = client.get(url(disability)).content.decode()
        assert "2 päivää viikossa, 6 tuntia päivässä" in page
