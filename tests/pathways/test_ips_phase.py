"""The IPS step's phases and benefits counselling: recorded with a date by the step's job coach
or the responsible worker, each change in the history with the acting user and an access-log row."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients.factories import add_member
from clients.models import TeamRole
from pathways import actions
from pathways.factories import make_step
from pathways.models import IpsPhaseChange, PathwayStep, StepStatus
from services.models import ServiceType
from tests.conftest import login

DAY = datetime.timedelta(days=1)


def logged(client_, action) -> int:
    return AccessLogEntry.objects.filter(client_id=client_.uuid, action=action).count()


def last_event(model, obj):
    return model.pgh_event_model.objects.filter(pgh_obj=obj).order_by("pgh_id").last()


@pytest.fixture
def ips(ips_step):
    return ips_step()


def url(client_, step, what="ips-phase"):
    return f"/clients/{client_.uuid}/steps/{step.pk}/{what}/"


def test_an_ips_step_is_planned_in_the_agreement_phase(ips):
    _client, step = ips
    assert step.ips_phase == "agreement"
    assert not step.phase_changes.exists()


class TestRecordingThePhase:
    def test_the_job_coach_records_a_phase(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        assert client.get(url(client_, step)).status_code == 200
        response = client.post(
            url(client_, step),
            {"phase": "profiling", "entered_on": (today - DAY).isoformat(), "note": "Urakartta"},
        )
        assert response.status_code == 302
        change = IpsPhaseChange.objects.get(step=step)
        assert (change.phase, change.entered_on, change.recorded_by, change.note) == (
            "profiling",
            today - DAY,
            job_coach,
            "Urakartta",
        )
        step.refresh_from_db()
        assert step.ips_phase_on(today) == "profiling"
        assert step.ips_phase_on(today - 2 * DAY) == "agreement"
        assert step.ips_phase == "agreement"  # the phase it began in stays
        event = last_event(IpsPhaseChange, change)
        assert event.pgh_context.metadata["user"] == job_coach.pk
        assert event.pgh_context.metadata["action"] == "pathways.ips_phase.recorded"
        assert logged(client_, "pathways.ips_phase.recorded") == 1
        entry = AccessLogEntry.objects.get(
            client_id=client_.uuid, action="pathways.ips_phase.recorded"
        )
        assert entry.actor_id == job_coach.pk

    def test_the_responsible_worker_records_a_phase(self, client, ips, worker, today):
        client_, step = ips
        login(client, worker)
        response = client.post(
            url(client_, step), {"phase": "job_search", "entered_on": today.isoformat()}
        )
        assert response.status_code == 302
        assert IpsPhaseChange.objects.get(step=step).recorded_by == worker
        assert logged(client_, "pathways.ips_phase.recorded") == 1

    def test_the_step_page_lists_the_phases_with_dates(self, client, ips, job_coach, today):
        client_, step = ips
        first, second = today - 30 * DAY, today - 3 * DAY
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=first, recorded_by=job_coach
        )
        actions.record_ips_phase(
            step=step, phase="job_search", entered_on=second, recorded_by=job_coach
        )
        login(client, job_coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert f"{first.day}.{first.month}.{first.year}" in page
        assert f"{second.day}.{second.month}.{second.year}" in page
        history = page[page.index("IPS-vaiheet") :]
        assert history.index("Urasuunnittelu ja profilointi") < history.index("Nopea työnhaku")
        assert url(client_, step) in page

    def test_the_agreement_phase_shows_from_the_step_start(self, client, ips, job_coach, today):
        """Every IPS step begins in agreement, which has no change row: the table shows it first,
        dated by the step's start, recorded by nobody; the recorded changes follow."""
        client_, step = ips
        start = step.start_on
        login(client, job_coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        table = page[page.index("IPS-vaiheet") :]
        table = table[: table.index("</table>")]
        assert f"{start.day}.{start.month}.{start.year}</th>" in table
        assert "<td>Sopimus</td>" in table
        assert "vaihetta ei kirjattu erikseen" in table
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=today - 3 * DAY, recorded_by=job_coach
        )
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        table = page[page.index("IPS-vaiheet") :]
        table = table[: table.index("</table>")]
        assert table.index("<td>Sopimus</td>") < table.index("Urasuunnittelu ja profilointi")
        assert table.count("<tr>") == 3  # the heading, agreement, profiling
        assert IpsPhaseChange.objects.filter(step=step).count() == 1  # nothing invented

    def test_no_agreement_row_when_the_coach_recorded_it_or_the_step_starts_later(
        self, client, ips, worker, job_coach, client_of, today
    ):
        client_, step = ips
        actions.record_ips_phase(
            step=step, phase="agreement", entered_on=today - 10 * DAY, recorded_by=job_coach
        )
        login(client, worker)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert page.count("<td>Sopimus</td>") == 1
        assert "vaihetta ei kirjattu erikseen" not in page
        other = client_of()
        later = actions.plan_step(
            client=other,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="supported_employment"),
            start_on=today + 5 * DAY,
        )
        page = client.get(f"/clients/{other.uuid}/steps/{later.pk}/").content.decode()
        assert "IPS-vaiheet" not in page

    def test_a_step_planned_in_another_phase_shows_that_one_from_its_start(
        self, client, worker, client_of, today, job_coach
    ):
        """The phase the step began in comes from its change history, not a guess."""
        client_ = client_of()
        step = actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=ServiceType.objects.get(code="supported_employment"),
            start_on=today - 20 * DAY,
            coach=job_coach,
            ips_phase="job_search",
        )
        actions.record_ips_phase(
            step=step, phase="employer_work", entered_on=today - DAY, recorded_by=job_coach
        )
        login(client, job_coach)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        table = page[page.index("IPS-vaiheet") :]
        assert table.index("<td>Nopea työnhaku</td>") < table.index("Työnantajayhteistyö")
        assert "<td>Sopimus</td>" not in table

    def test_the_phase_can_no_longer_be_changed_in_the_planning_form(
        self, client, ips, worker, today
    ):
        client_, step = ips
        login(client, worker)
        response = client.post(
            f"/clients/{client_.uuid}/steps/{step.pk}/edit/",
            {
                "start_on": step.start_on.isoformat(),
                "ips_phase": "in_work_support",
                "benefits_counselling_on": today.isoformat(),
            },
        )
        assert response.status_code == 302
        step.refresh_from_db()
        assert (step.ips_phase, step.benefits_counselling_on) == ("agreement", None)


class TestWhoMayRecord:
    def test_a_coach_of_another_step_of_the_client_gets_403(self, client, ips, worker, today):
        client_, step = ips
        other_coach = make_user(Role.WORK_COACH, worker.active_assignment.unit)
        add_member(client_, other_coach, TeamRole.COACH)
        login(client, other_coach)
        assert client.get(url(client_, step)).status_code == 403
        response = client.post(
            url(client_, step), {"phase": "profiling", "entered_on": today.isoformat()}
        )
        assert response.status_code == 403
        assert not IpsPhaseChange.objects.exists()

    def test_the_sote_contact_person_plans_but_does_not_record(self, client, ips, worker, today):
        client_, step = ips
        nurse = make_user(Role.HEALTH_PROFESSIONAL, worker.active_assignment.unit)
        add_member(client_, nurse, TeamRole.SOTE_CONTACT)
        login(client, nurse)
        assert client.get(url(client_, step, "benefits-counselling")).status_code == 403
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        assert url(client_, step) not in page

    def test_a_partner_outside_the_team_gets_404(self, client, ips, worker, today):
        client_, step = ips
        expert = make_user(Role.EMPLOYMENT_EXPERT, worker.active_assignment.unit)
        login(client, expert)
        assert client.get(url(client_, step)).status_code == 404
        response = client.post(
            url(client_, step), {"phase": "profiling", "entered_on": today.isoformat()}
        )
        assert response.status_code == 404
        assert not IpsPhaseChange.objects.exists()

    def test_a_step_of_another_service_answers_404(self, client, worker, client_of, today):
        client_ = client_of()
        step = make_step(client_, "education", created_by=worker, start_on=today - 10 * DAY)
        login(client, worker)
        assert client.get(url(client_, step)).status_code == 404
        assert client.get(url(client_, step, "benefits-counselling")).status_code == 404

    def test_the_action_refuses_a_step_of_another_service(self, worker, client_of, today):
        step = make_step(client_of(), "education", created_by=worker, start_on=today - 10 * DAY)
        with pytest.raises(PermissionDenied):
            actions.record_ips_phase(
                step=step, phase="profiling", entered_on=today, recorded_by=worker
            )
        with pytest.raises(PermissionDenied):
            actions.record_benefits_counselling(step=step, given_on=today, recorded_by=worker)
        assert not IpsPhaseChange.objects.exists()


class TestDates:
    def refused(self, step, user, day, phase="profiling", field="entered_on"):
        with pytest.raises(ValidationError) as error:
            actions.record_ips_phase(step=step, phase=phase, entered_on=day, recorded_by=user)
        assert field in error.value.error_dict
        return error.value.error_dict[field][0].messages[0]

    def test_today_accepted_tomorrow_refused(self, ips, job_coach, today):
        _client, step = ips
        assert "tulevaisuudessa" in self.refused(step, job_coach, today + DAY)
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=today, recorded_by=job_coach
        )

    def test_the_start_day_accepted_the_day_before_refused(self, ips, job_coach):
        _client, step = ips
        message = self.refused(step, job_coach, step.start_on - DAY)
        start = step.start_on
        assert f"{start.day}.{start.month}.{start.year}" in message
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=step.start_on, recorded_by=job_coach
        )

    def test_not_before_the_previous_change_the_same_day_accepted(self, ips, job_coach, today):
        _client, step = ips
        previous = today - 10 * DAY
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=previous, recorded_by=job_coach
        )
        assert "edellistä" in self.refused(step, job_coach, previous - DAY, phase="job_search")
        actions.record_ips_phase(
            step=step, phase="job_search", entered_on=previous, recorded_by=job_coach
        )
        assert step.ips_phase_on(today) == "job_search"
        assert step.phase_changes.count() == 2

    def test_the_same_phase_twice_in_a_row_is_refused(self, ips, job_coach, today):
        _client, step = ips
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=today - DAY, recorded_by=job_coach
        )
        self.refused(step, job_coach, today, phase="profiling", field="phase")

    def test_the_error_shows_next_to_the_field_in_the_form(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            url(client_, step), {"phase": "profiling", "entered_on": (today + DAY).isoformat()}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["entered_on"] == [
            "Päivä ei voi olla tulevaisuudessa."
        ]
        assert not IpsPhaseChange.objects.exists()
        assert logged(client_, "pathways.ips_phase.recorded") == 0

    def test_a_paused_step_is_refused_an_ended_one_answers_404(
        self, client, ips, job_coach, worker, today
    ):
        client_, step = ips
        actions.set_step_status(
            step=step, status=StepStatus.PAUSED, changed_by=worker, reason="Sairausloma"
        )
        with pytest.raises(ValidationError):
            actions.record_ips_phase(
                step=step, phase="profiling", entered_on=today, recorded_by=job_coach
            )
        PathwayStep.objects.filter(pk=step.pk).update(
            status=StepStatus.ENDED, ended_on=today, end_reason="other", exit_outcome="pension"
        )
        login(client, job_coach)
        assert client.get(url(client_, step)).status_code == 404
        assert not IpsPhaseChange.objects.exists()

    def test_the_start_cannot_move_past_the_first_recorded_phase(
        self, ips, job_coach, worker, today
    ):
        _client, step = ips
        actions.record_ips_phase(
            step=step, phase="profiling", entered_on=today - 20 * DAY, recorded_by=job_coach
        )
        with pytest.raises(ValidationError) as error:
            actions.update_step(step=step, changed_by=worker, start_on=today - 19 * DAY)
        assert "start_on" in error.value.error_dict
        actions.update_step(step=step, changed_by=worker, start_on=today - 20 * DAY)


def job_start(step, recorded_by, started_on, employer="Kahvila Kulma"):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=recorded_by,
        kind="open_market_job",
        organisation_name=employer,
        weekly_hours=Decimal(20),
        started_on=started_on,
    )


def d(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def test_a_job_start_enters_in_work_support_on_its_date(ips, job_coach, today):
    _client, step = ips
    job_start(step, job_coach, today - 2 * DAY)
    change = step.phase_changes.get()
    assert (change.phase, change.entered_on, change.recorded_by) == (
        "in_work_support",
        today - 2 * DAY,
        job_coach,
    )
    assert step.ips_phase_on(today - 3 * DAY) == "agreement"
    assert step.ips_phase_on(today - 2 * DAY) == "in_work_support"
    # A second job changes nothing: the step is in in-work support already.
    job_start(step, job_coach, today - DAY, employer="Leipomo Lämmin")
    assert step.phase_changes.count() == 1


def test_a_job_start_recorded_late_comes_after_the_phases_recorded_meanwhile(ips, job_coach, today):
    _client, step = ips
    actions.record_ips_phase(
        step=step, phase="employer_work", entered_on=today - 5 * DAY, recorded_by=job_coach
    )
    job_start(step, job_coach, today - 10 * DAY)
    assert list(step.phase_changes.values_list("phase", "entered_on")) == [
        ("employer_work", today - 5 * DAY),
        ("in_work_support", today - 5 * DAY),
    ]
    assert step.ips_phase_on(today) == "in_work_support"


class TestAJobThatBeginsLater:
    """A job agreed to begin next month: in-work support is dated by the job start, and until
    that day the step stays in its phase, shown so with the day the job begins."""

    def test_the_step_stays_in_its_phase_until_the_job_begins(
        self, client, ips, job_coach, today, time_machine
    ):
        client_, step = ips
        actions.record_ips_phase(
            step=step, phase="job_search", entered_on=today - 10 * DAY, recorded_by=job_coach
        )
        begins = today + 10 * DAY
        job_start(step, job_coach, begins)
        awaited = step.phase_changes.get(phase="in_work_support")
        assert (awaited.entered_on, awaited.recorded_by) == (begins, job_coach)
        assert step.ips_phase_on(today) == "job_search"
        assert step.ips_phase_on(begins - DAY) == "job_search"
        assert step.ips_phase_on(begins) == "in_work_support"

        login(client, job_coach)
        step_url = f"/clients/{client_.uuid}/steps/{step.pk}/"
        page = client.get(step_url).content.decode()
        shown = page[page.index("<dt>Vaihe</dt>") :]
        shown = shown[: shown.index("</dd>")]
        assert "Nopea työnhaku" in shown and "Tuki työssä</" not in shown
        assert f"Tuki työssä alkaa, kun työ alkaa {d(begins)}." in shown
        table = page[page.index("IPS-vaiheet") :]
        table = table[: table.index("</table>")]
        assert "Tuki työssä" not in table and d(begins) not in table
        assert f"{step_url}in-work-support/new/" not in page

        time_machine.move_to(datetime.datetime.combine(begins, datetime.time(12)))
        client.cookies.clear()  # a new sign-in: the first one has been idle since
        login(client, job_coach)
        page = client.get(step_url).content.decode()
        shown = page[page.index("<dt>Vaihe</dt>") :]
        shown = shown[: shown.index("</dd>")]
        assert "Tuki työssä" in shown and "Nopea työnhaku" not in shown
        assert "kun työ alkaa" not in page
        table = page[page.index("IPS-vaiheet") :]
        table = table[: table.index("</table>")]
        assert table.index("Nopea työnhaku") < table.index("<td>Tuki työssä</td>")
        assert f"{step_url}in-work-support/new/" in page

    def test_in_work_support_is_refused_until_the_job_begins(
        self, ips, job_coach, today, time_machine
    ):
        _client, step = ips
        begins = today + 3 * DAY
        job_start(step, job_coach, begins)
        for day in (today, begins):
            with pytest.raises(ValidationError) as error:
                actions.add_in_work_support(
                    step=step, recorded_by=job_coach, supported_on=day, note="Käynti"
                )
            assert list(error.value.error_dict) == ["supported_on"]
        assert not step.in_work_support.exists()
        time_machine.move_to(datetime.datetime.combine(begins, datetime.time(12)))
        with pytest.raises(ValidationError) as error:
            actions.add_in_work_support(
                step=step, recorded_by=job_coach, supported_on=begins - DAY, note="Käynti"
            )
        assert f"ennen työn alkamista ({d(begins)})" in error.value.messages[0]
        actions.add_in_work_support(
            step=step, recorded_by=job_coach, supported_on=begins, note="Käynti"
        )
        assert step.in_work_support.count() == 1

    def test_an_earlier_job_brings_the_change_forward_a_later_one_leaves_it(
        self, ips, job_coach, worker, today
    ):
        _client, step = ips
        job_start(step, job_coach, today + 20 * DAY)
        job_start(step, worker, today + 30 * DAY, employer="Leipomo Lämmin")
        assert list(step.phase_changes.values_list("phase", "entered_on")) == [
            ("in_work_support", today + 20 * DAY)
        ]
        job_start(step, worker, today + 5 * DAY, employer="Kirjasto")
        awaited = step.phase_changes.get()
        assert (awaited.entered_on, awaited.recorded_by) == (today + 5 * DAY, worker)
        # One that began already (recorded late): the step is in in-work support from then.
        job_start(step, worker, today - 3 * DAY, employer="Kauppa")
        assert list(step.phase_changes.values_list("phase", "entered_on")) == [
            ("in_work_support", today - 3 * DAY)
        ]
        assert step.ips_phase_on(today) == "in_work_support"
        event = last_event(IpsPhaseChange, awaited)
        assert event.pgh_context.metadata["action"] == "pathways.placement.recorded"

    def test_the_coach_records_another_phase_before_it_but_not_in_work_support(
        self, client, ips, job_coach, today
    ):
        client_, step = ips
        begins = today + 10 * DAY
        job_start(step, job_coach, begins)
        login(client, job_coach)
        response = client.post(
            url(client_, step), {"phase": "in_work_support", "entered_on": today.isoformat()}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["phase"] == [
            f"Tuki työssä alkaa, kun työ alkaa {d(begins)}."
        ]
        assert logged(client_, "pathways.ips_phase.recorded") == 0
        response = client.post(
            url(client_, step), {"phase": "employer_work", "entered_on": today.isoformat()}
        )
        assert response.status_code == 302
        assert list(step.phase_changes.values_list("phase", "entered_on")) == [
            ("employer_work", today),
            ("in_work_support", begins),
        ]
        assert step.ips_phase_on(today) == "employer_work"
        assert step.ips_phase_on(begins) == "in_work_support"
        # Still not before the last phase already entered.
        with pytest.raises(ValidationError) as error:
            actions.record_ips_phase(
                step=step, phase="job_search", entered_on=today - DAY, recorded_by=job_coach
            )
        assert list(error.value.error_dict) == ["entered_on"]

    def test_an_ended_step_shows_the_phase_it_ended_in(self, client, ips, job_coach, worker, today):
        client_, step = ips
        job_start(step, job_coach, today + 10 * DAY)
        actions.end_step(
            step=step,
            ended_by=job_coach,
            ended_on=today,
            end_reason="completed",
            exit_outcome="open_market_job",
        )
        login(client, worker)
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        shown = page[page.index("<dt>Vaihe</dt>") :]
        assert "Sopimus" in shown[: shown.index("</dd>")]
        assert "kun työ alkaa" not in page


def test_the_migration_gives_back_the_phase_each_step_began_in(ips, job_coach, today):
    """0016: the column followed the latest change until now; it becomes the phase begun in,
    from the step's change history, and follows the latest change again backwards."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pathways.migrations.0016_ips_phase_is_the_phase_begun_in")
    _client, step = ips
    actions.record_ips_phase(
        step=step, phase="profiling", entered_on=today - DAY, recorded_by=job_coach
    )
    PathwayStep.objects.filter(pk=step.pk).update(ips_phase="profiling")  # as it was written
    migration.phase_begun_in(apps, None)
    step.refresh_from_db()
    assert step.ips_phase == "agreement"
    migration.latest_phase(apps, None)
    step.refresh_from_db()
    assert step.ips_phase == "profiling"


def test_an_unknown_phase_is_refused_by_the_database(ips, job_coach, today):
    _client, step = ips
    with pytest.raises(IntegrityError), transaction.atomic():
        IpsPhaseChange.objects.create(
            step=step, phase="retired", entered_on=today, recorded_by=job_coach
        )


class TestBenefitsCounselling:
    def test_the_job_coach_records_it(self, client, ips, job_coach, today):
        client_, step = ips
        login(client, job_coach)
        response = client.post(
            url(client_, step, "benefits-counselling"), {"given_on": (today - DAY).isoformat()}
        )
        assert response.status_code == 302
        step.refresh_from_db()
        assert step.benefits_counselling_on == today - DAY
        event = last_event(PathwayStep, step)
        assert event.benefits_counselling_on == today - DAY
        assert event.pgh_context.metadata["user"] == job_coach.pk
        assert logged(client_, "pathways.benefits_counselling.recorded") == 1
        page = client.get(f"/clients/{client_.uuid}/steps/{step.pk}/").content.decode()
        yesterday = today - DAY
        assert f"{yesterday.day}.{yesterday.month}.{yesterday.year}" in page

    def test_a_future_day_or_one_before_the_start_is_refused(self, ips, job_coach, today):
        _client, step = ips
        for day in (today + DAY, step.start_on - DAY):
            with pytest.raises(ValidationError) as error:
                actions.record_benefits_counselling(step=step, given_on=day, recorded_by=job_coach)
            assert "given_on" in error.value.error_dict
        actions.record_benefits_counselling(
            step=step, given_on=step.start_on, recorded_by=job_coach
        )
        step.refresh_from_db()
        assert step.benefits_counselling_on == step.start_on


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "Päivä ei voi olla ennen edellistä vaihemuutosta ({date})."),
        ("sv", "Dagen kan inte vara före föregående fasbyte ({date})."),
        ("en", "The date cannot be before the previous phase change ({date})."),
    ],
)
def test_the_date_error_in_each_language(ips, job_coach, today, language, expected):
    _client, step = ips
    previous = today - 5 * DAY
    actions.record_ips_phase(
        step=step, phase="profiling", entered_on=previous, recorded_by=job_coach
    )
    with translation.override(language), pytest.raises(ValidationError) as error:
        actions.record_ips_phase(
            step=step, phase="job_search", entered_on=previous - DAY, recorded_by=job_coach
        )
    date = f"{previous.day}.{previous.month}.{previous.year}"
    assert error.value.error_dict["entered_on"][0].messages == [expected.format(date=date)]
