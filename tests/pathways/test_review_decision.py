"""The review decision at the end of a rehabilitative work activity period agrees with where
the client goes (DOMAIN.md: continue with a new period and plan, move to another service, or
exit). A move or an exit cannot stand for a new period of the same service, which only a
continuation on a renewed plan may be."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.models import StepStatus
from tests.conftest import field_errors, login
from tests.pathways.test_step_rules import plan_rehab, service


@pytest.fixture
def period(worker, client_of, today):
    """A work activity period ending today."""
    return plan_rehab(
        worker, client_of(), today - datetime.timedelta(days=150), planned_end_on=today
    )


@pytest.fixture
def new_period(worker, period, today):
    """The next work activity period, on the plan the ending period ran under (not renewed)."""
    return plan_rehab(worker, period.client, today + datetime.timedelta(days=1))


@pytest.fixture
def studies(worker, period, today):
    return actions.plan_step(
        client=period.client,
        planned_by=worker,
        service_type=service("education"),
        start_on=today + datetime.timedelta(days=1),
    )


def end(period, worker, decision, **fields):
    return actions.end_step(
        step=period,
        ended_by=worker,
        ended_on=period.planned_end_on,
        end_reason="completed",
        review_decision=decision,
        **fields,
    )


def refused_on(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


class TestMove:
    def test_a_new_period_of_the_same_service_is_not_a_move(self, worker, period, new_period):
        errors = refused_on(lambda: end(period, worker, "move", next_step=new_period))
        (message,) = errors["review_decision"]
        assert "saman palvelun uusi jakso on jatkamista" in message
        assert "(Laki kuntouttavasta työtoiminnasta 189/2001)" in message
        period.refresh_from_db()
        assert period.status == StepStatus.ACTIVE and not period.review_decision

    def test_without_a_follow_on_the_outcome_is_moving_to_another_service(
        self, worker, period, today
    ):
        errors = refused_on(lambda: end(period, worker, "move", exit_outcome="open_market_job"))
        assert "tulokseksi ”Siirtyi muuhun palveluun”" in " ".join(errors["review_decision"])
        period.refresh_from_db()
        assert period.status == StepStatus.ACTIVE
        ended = end(period, worker, "move", exit_outcome="other_service")
        assert (ended.status, ended.review_decision) == (StepStatus.ENDED, "move")

    def test_a_follow_on_of_another_service_is_a_move(self, worker, period, studies):
        ended = end(period, worker, "move", next_step=studies)
        assert (ended.status, ended.next_step) == (StepStatus.ENDED, studies)


class TestExit:
    def test_an_exit_records_its_outcome(self, worker, period, studies):
        errors = refused_on(lambda: end(period, worker, "exit", next_step=studies))
        assert "kirjataan sen tulos" in " ".join(errors["exit_outcome"])
        period.refresh_from_db()
        assert period.status == StepStatus.ACTIVE
        ended = end(period, worker, "exit", exit_outcome="studies")
        assert (ended.status, ended.exit_outcome) == (StepStatus.ENDED, "studies")

    def test_a_new_period_of_the_same_service_is_not_an_exit(self, worker, period, new_period):
        errors = refused_on(
            lambda: end(period, worker, "exit", next_step=new_period, exit_outcome="other_service")
        )
        assert "Palvelu ei pääty, jos sitä jatketaan uudella jaksolla" in " ".join(
            errors["review_decision"]
        )
        period.refresh_from_db()
        assert period.status == StepStatus.ACTIVE and period.next_step is None


@pytest.mark.parametrize(
    ("decision", "outcome", "field", "text"),
    [
        ("move", "", "review_decision", "saman palvelun uusi jakso on jatkamista"),
        ("exit", "", "exit_outcome", "kirjataan sen tulos"),
    ],
)
def test_the_refusal_stands_next_to_its_field_on_the_end_form(
    client, worker, period, new_period, decision, outcome, field, text
):
    login(client, worker)
    response = client.post(
        f"/clients/{period.client.uuid}/steps/{period.pk}/end/",
        {
            "ended_on": period.planned_end_on.isoformat(),
            "end_reason": "completed",
            "next_step": new_period.pk,
            "exit_outcome": outcome,
            "review_decision": decision,
        },
    )
    assert response.status_code == 200
    assert text in field_errors(response.content.decode(), field)
    period.refresh_from_db()
    assert period.status == StepStatus.ACTIVE
