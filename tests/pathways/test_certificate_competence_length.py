"""A competence line of a youth workshop certificate is stored whole or refused: PostgreSQL
would cut a line longer than the column to its length without a word."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import COMPETENCE_MAX_LENGTH
from tests.conftest import field_errors, login


@pytest.fixture
def step(worker, client_of, today, workshop_unit):
    return make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        unit=workshop_unit,
    )


def post(client, step, competences, today):
    return client.post(
        f"/clients/{step.client.uuid}/steps/{step.pk}/certificates/new/",
        {"issued_on": today.isoformat(), "qualification": "", "competences": competences},
    )


def test_the_form_refuses_a_line_over_the_limit_naming_it(client, worker, step, today):
    login(client, worker)
    response = post(client, step, "Puutyöt\n\n" + "x" * (COMPETENCE_MAX_LENGTH + 1), today)
    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "competences")
    # The third row as the user sees it (the blank one counted), and the limit.
    assert "Rivi 3" in errors
    assert str(COMPETENCE_MAX_LENGTH) in errors
    assert not step.certificates.exists()


def test_the_form_takes_a_line_at_the_limit_whole(client, worker, step, today):
    login(client, worker)
    line = "x" * COMPETENCE_MAX_LENGTH
    response = post(client, step, f"Puutyöt\n{line}", today)
    assert response.status_code == 302
    assert step.certificates.get().competences == ["Puutyöt", line]


def test_the_form_shows_the_limit(client, worker, step):
    login(client, worker)
    page = client.get(f"/clients/{step.client.uuid}/steps/{step.pk}/certificates/new/")
    assert f"enintään {COMPETENCE_MAX_LENGTH} merkkiä riviltä" in page.content.decode()


def test_the_action_refuses_a_line_over_the_limit(worker, step, today):
    with pytest.raises(ValidationError) as refused:
        actions.issue_certificate(
            step=step,
            issued_by=worker,
            issued_on=today,
            competences=["Puutyöt", "x" * (COMPETENCE_MAX_LENGTH + 1)],
        )
    assert "competences" in refused.value.message_dict
    assert not step.certificates.exists()


def test_the_action_takes_a_line_at_the_limit(worker, step, today):
    line = "x" * COMPETENCE_MAX_LENGTH
    certificate = actions.issue_certificate(
        step=step, issued_by=worker, issued_on=today, competences=[line]
    )
    certificate.refresh_from_db()
    assert certificate.competences == [line]
