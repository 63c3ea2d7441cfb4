"""A double submit of a step's record (a competence certificate, an employer contact, in-work
support, a job start or studies) records it once: the second finds the first under the step's lock and is told it
was recorded already, as a repeated recommendation is."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from tests.conftest import login

TOLD = ["Sama kirjaus on jo tallennettu tälle jaksolle."]


@pytest.fixture
def workshop(worker, client_of, today, workshop_unit):
    return make_step(
        client_of(age=20),
        "youth_workshop",
        created_by=worker,
        start_on=today - datetime.timedelta(days=30),
        unit=workshop_unit,
    )


@pytest.fixture
def ips(ips_step, job_coach, today):
    _client, step = ips_step(ips_phase="job_search")
    return step


def job_start(step, recorded_by, started_on, **fields):
    return actions.record_placement(
        client=step.client,
        step=step,
        recorded_by=recorded_by,
        **(
            {
                "kind": "open_market_job",
                "organisation_name": "Kahvila Kulma",
                "weekly_hours": Decimal(20),
                "started_on": started_on,
            }
            | fields
        ),
    )


def step_url(step, path=""):
    return f"/clients/{step.client.uuid}/steps/{step.pk}/{path}"


class TestActions:
    def test_a_certificate_issued_twice_is_one(self, workshop, worker, today):
        fields = {"issued_on": today, "qualification": "Puuseppä", "competences": ["Puutyöt"]}
        actions.issue_certificate(step=workshop, issued_by=worker, **fields)
        with pytest.raises(actions.RecordedAlready):
            actions.issue_certificate(step=workshop, issued_by=worker, **fields)
        assert workshop.certificates.count() == 1

    def test_a_certificate_with_other_competences_is_another(self, workshop, worker, today):
        actions.issue_certificate(
            step=workshop, issued_by=worker, issued_on=today, competences=["Puutyöt"]
        )
        actions.issue_certificate(
            step=workshop, issued_by=worker, issued_on=today, competences=["Metallityöt"]
        )
        assert workshop.certificates.count() == 2

    def test_an_employer_contact_recorded_twice_is_one(self, ips, job_coach, today):
        fields = {
            "contacted_on": today,
            "employer_name": "Kahvila Kulma",
            "kind": "visit",
            "note": "Kysyi keittiöapulaisen paikkaa.",
        }
        actions.add_employer_contact(step=ips, recorded_by=job_coach, **fields)
        with pytest.raises(actions.RecordedAlready):
            actions.add_employer_contact(step=ips, recorded_by=job_coach, **fields)
        actions.add_employer_contact(
            step=ips, recorded_by=job_coach, **(fields | {"employer_name": "Leipomo"})
        )
        assert ips.employer_contacts.count() == 2

    def test_in_work_support_recorded_twice_is_one(self, ips, job_coach, today):
        job_start(ips, job_coach, today - datetime.timedelta(days=7))
        fields = {"supported_on": today, "note": "Työpaikkakäynti."}
        actions.add_in_work_support(step=ips, recorded_by=job_coach, **fields)
        with pytest.raises(actions.RecordedAlready):
            actions.add_in_work_support(step=ips, recorded_by=job_coach, **fields)
        actions.add_in_work_support(
            step=ips, recorded_by=job_coach, supported_on=today, note="Toinen käynti."
        )
        assert ips.in_work_support.count() == 2

    def test_a_job_start_recorded_twice_is_one(self, ips, job_coach, today):
        job_start(ips, job_coach, today)
        with pytest.raises(actions.RecordedAlready):
            job_start(ips, job_coach, today)
        job_start(ips, job_coach, today, organisation_name="Leipomo")
        assert ips.placements.count() == 2

    def test_studies_recorded_twice_are_one(self, workshop, worker, today):
        fields = {
            "kind": "studies",
            "organisation_name": "Sedu",
            "weekly_hours": None,
        }
        job_start(workshop, worker, today, **fields)
        with pytest.raises(actions.RecordedAlready):
            job_start(workshop, worker, today, **fields)
        assert workshop.placements.count() == 1

    def test_a_job_start_cancelled_before_it_began_may_be_recorded_again(
        self, ips, job_coach, today
    ):
        """The job fell through and was agreed again: the cancelled one is no repeat."""
        later = today + datetime.timedelta(days=14)
        first = job_start(ips, job_coach, later)
        actions.cancel_placement(placement=first, cancelled_by=job_coach, reason="Peruuntui.")
        job_start(ips, job_coach, later)
        assert ips.placements.count() == 2
        assert ips.placements.filter(cancelled_at__isnull=True).count() == 1

    def test_the_repeat_is_a_validation_error(self):
        """Callers that only know ValidationError still refuse the repeat."""
        assert issubclass(actions.RecordedAlready, ValidationError)


def post_twice(client, url, data, step):
    first = client.post(url, data, follow=True)
    second = client.post(url, data, follow=True)
    assert first.redirect_chain[-1][0] == step_url(step)
    assert second.redirect_chain[-1][0] == step_url(step)
    return [str(message) for message in get_messages(second.wsgi_request)]


class TestPages:
    def test_a_certificate_sent_twice(self, client, worker, workshop, today):
        login(client, worker)
        data = {"issued_on": today.isoformat(), "qualification": "", "competences": "Puutyöt"}
        told = post_twice(client, step_url(workshop, "certificates/new/"), data, workshop)
        assert told == TOLD
        assert workshop.certificates.count() == 1

    def test_an_employer_contact_sent_twice(self, client, job_coach, ips, today):
        login(client, job_coach)
        data = {
            "contacted_on": today.isoformat(),
            "employer_name": "Kahvila Kulma",
            "kind": "visit",
            "note": "",
        }
        told = post_twice(client, step_url(ips, "employer-contacts/new/"), data, ips)
        assert told == TOLD
        assert ips.employer_contacts.count() == 1

    def test_in_work_support_sent_twice(self, client, job_coach, ips, today):
        job_start(ips, job_coach, today - datetime.timedelta(days=7))
        login(client, job_coach)
        data = {"supported_on": today.isoformat(), "note": "Työpaikkakäynti."}
        told = post_twice(client, step_url(ips, "in-work-support/new/"), data, ips)
        assert told == TOLD
        assert ips.in_work_support.count() == 1

    def test_a_job_start_sent_twice(self, client, job_coach, ips, today):
        login(client, job_coach)
        data = {
            "kind": "open_market_job",
            "organisation_name": "Kahvila Kulma",
            "weekly_hours": "20",
            "started_on": today.isoformat(),
        }
        told = post_twice(client, step_url(ips, "placements/new/"), data, ips)
        assert told == TOLD
        assert ips.placements.count() == 1

    def test_studies_sent_twice(self, client, worker, workshop, today):
        login(client, worker)
        data = {
            "kind": "studies",
            "organisation_name": "Sedu",
            "weekly_hours": "",
            "started_on": today.isoformat(),
        }
        told = post_twice(client, step_url(workshop, "placements/new/"), data, workshop)
        assert told == TOLD
        assert workshop.placements.count() == 1
