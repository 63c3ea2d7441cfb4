"""The consent pages through HTTP: recording, changing, revoking, the coverage panel,
the dashboard, statutory bases and logged disclosures; an access-log row for
every view."""

import dataclasses
import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, DisclosureLogEntry
from consents import actions, page_panels
from consents.factories import PDF_BYTES, ConsentFactory, StatutoryBasisFactory, make_scan
from consents.models import EVENT_TIME_ZONE, Consent, ConsentScan, StatutoryBasis
from notifications.models import Task
from services.calendar import add_months
from tests.conftest import RANGE_ERROR, field_errors, login
from tests.log_rows import last_log_id, log_rows_since


def url(name, team, **kwargs):
    return reverse(f"consents:{name}", kwargs={"client_id": team["client"].uuid, **kwargs})


def y100_form(parties, **overrides):
    today = timezone.localdate()
    data = {
        "giver_kind": "client",
        "method": "signature",
        "form": "kela_y100",
        "organisations": [parties["kela"].pk],
        "organisation_kinds": ["employment_services"],
        "purposes": ["service_planning", "kela_benefits", "employment_services"],
        "categories": ["identity", "pathway", "work_capacity"],
        "signed_on": today.isoformat(),
        "valid_from": today.isoformat(),
        "until_further_notice": "on",
        "valid_until": "",
        "scan": SimpleUploadedFile("y100.pdf", PDF_BYTES),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_revocation_day_before_the_consent_was_given_is_shown_next_to_the_field(
    worker_client, team, parties
):
    given = timezone.localdate() - datetime.timedelta(days=5)
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        signed_on=given,
        parties=[parties["kela"]],
    )
    response = worker_client.post(
        url("revoke", team, consent_id=consent.pk),
        {
            "revoked_on": (given - datetime.timedelta(days=1)).isoformat(),
            "method": "phone",
            "through": "Asiakas itse",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["revoked_on"] == [
        f"Peruutuspäivä ei voi olla ennen kuin suostumus annettiin ({given:%-d.%-m.%Y})."
    ]
    consent.refresh_from_db()
    assert not consent.is_revoked


@pytest.fixture
def worker_client(client, team):
    return login(client, team["worker"])


def test_the_worker_records_a_written_y100_with_its_scan(worker_client, team, parties):
    response = worker_client.post(url("create", team), y100_form(parties))
    consent = Consent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", team, consent_id=consent.pk)
    assert consent.form == "kela_y100" and consent.method == "signature"
    assert consent.valid_until is None
    assert consent.recorded_by == team["worker"]
    assert {str(p) for p in consent.parties.all()} == {"Kela", "Työllisyyspalvelut (kaikki)"}
    assert consent.categories == ["identity", "pathway", "work_capacity"]
    assert not consent.health_confirmed
    assert ConsentScan.objects.get().consent == consent
    assert AccessLogEntry.objects.filter(action="consents.consent.recorded").count() == 1


def test_a_double_submit_of_the_same_consent_records_it_once(worker_client, team, parties):
    """The browser's back button or a second click sends the form again: the same consent is
    not recorded twice (revoking one would leave the other covering), nor its scan."""
    worker_client.post(url("create", team), y100_form(parties))
    first = Consent.objects.get()
    response = worker_client.post(url("create", team), y100_form(parties))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Sama suostumus on jo kirjattu asiakkaalle "
        f"({first.kind_label}, kirjattu {timezone.localtime(first.recorded_at):%-d.%-m.%Y %-H.%M}). "
        "Jos asiakas on muuttanut suostumustaan, kirjaa muutos suostumuksen sivulla."
    ]
    assert Consent.objects.count() == 1
    assert ConsentScan.objects.count() == 1
    # Different terms, or the same consent given again after a revocation, are recorded.
    worker_client.post(url("create", team), y100_form(parties, purposes=["service_planning"]))
    assert Consent.objects.count() == 2
    actions.revoke_consent(
        consent=first,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    response = worker_client.post(url("create", team), y100_form(parties))
    assert response.status_code == 302
    assert Consent.objects.count() == 3


def test_health_information_is_recorded_only_with_its_separate_tick(worker_client, team, parties):
    worker_client.post(url("create", team), y100_form(parties, health="on", scan=None))
    consent = Consent.objects.get()
    assert consent.categories[-1] == "health" and consent.health_confirmed


def test_form_errors_are_shown_next_to_their_fields(worker_client, team, parties):
    response = worker_client.post(
        url("create", team),
        y100_form(
            parties,
            organisations=None,
            organisation_kinds=None,
            purposes=None,
            until_further_notice=None,
            scan=None,
            giver_kind="representative",
        ),
    )
    assert response.status_code == 200
    text = response.text
    assert "Lomakkeessa on virheitä" in text
    assert "Valitse vähintään yksi käyttötarkoitus." in text
    assert "Kirjaa päättymispäivä tai valitse ”voimassa toistaiseksi”." in text
    assert not Consent.objects.exists()


def test_a_form_sent_without_a_method_tells_every_other_error_too(worker_client, team, parties):
    """The method still to be chosen does not hide the rest: the parties, the information
    categories and the representative are told at once, each next to its field, so that a
    second submit brings no new errors on fields the user left as they were."""
    response = worker_client.post(
        url("create", team),
        y100_form(
            parties,
            method=None,
            organisations=None,
            organisation_kinds=None,
            categories=None,
            giver_kind="guardian",
            scan=None,
        ),
    )
    assert response.status_code == 200
    text = response.text
    assert field_errors(text, "method") == "Valitse, miten suostumus vahvistettiin."
    assert field_errors(text, "organisations") == (
        "Valitse vähintään yksi osapuoli: organisaatio tai tyyppi."
    )
    assert field_errors(text, "categories") == "Valitse vähintään yksi tietoryhmä."
    assert field_errors(text, "giver_name") == "Kirjaa huoltajan tai edustajan nimi."
    assert field_errors(text, "giver_basis") == "Kirjaa edustuksen peruste."
    assert not Consent.objects.exists()


def test_a_scan_chosen_on_a_refused_form_is_told_to_be_chosen_again(worker_client, team, parties):
    """The form comes back without the file (a browser never fills a file input): the scan
    field says so, naming the file, so that the corrected form is not saved without it."""
    response = worker_client.post(
        url("create", team),
        y100_form(
            parties,
            until_further_notice=None,
            scan=SimpleUploadedFile("y100-allekirjoitettu.pdf", PDF_BYTES),
        ),
    )
    assert response.status_code == 200
    assert field_errors(response.text, "scan") == (
        "Valittua tiedostoa (y100-allekirjoitettu.pdf) ei tallennettu, koska lomakkeessa oli "
        "virheitä. Valitse tiedosto uudelleen ennen tallentamista."
    )
    assert not Consent.objects.exists() and not ConsentScan.objects.exists()
    # A form refused without a file chosen says nothing of one; a refused file its own error.
    without = worker_client.post(
        url("create", team), y100_form(parties, until_further_notice=None, scan=None)
    )
    assert field_errors(without.text, "scan") == ""
    bad = worker_client.post(
        url("create", team),
        y100_form(parties, until_further_notice=None, scan=SimpleUploadedFile("x.pdf", b"MZ\x90")),
    )
    assert "ei tallennettu, koska" not in field_errors(bad.text, "scan")
    assert field_errors(bad.text, "scan")


def test_a_scan_chosen_on_a_refused_change_is_told_to_be_chosen_again(worker_client, team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    response = worker_client.post(
        url("change", team, consent_id=consent.pk),
        y100_form(parties, purposes=None, scan=SimpleUploadedFile("muutos.pdf", PDF_BYTES)),
    )
    assert response.status_code == 200
    assert "(muutos.pdf) ei tallennettu" in field_errors(response.text, "scan")
    assert Consent.objects.count() == 1


def test_parties_and_representative_are_checked(worker_client, team, parties):
    response = worker_client.post(
        url("create", team),
        y100_form(
            parties, organisations=None, organisation_kinds=None, giver_kind="guardian", scan=None
        ),
    )
    assert "Valitse vähintään yksi osapuoli" in response.text
    assert "Kirjaa huoltajan tai edustajan nimi." in response.text
    assert not Consent.objects.exists()


def oral_form(parties, **overrides):
    """An oral consent for a call with Kela today, 8.00 to 8.30."""
    oral = {
        "method": "oral",
        "form": "",
        "signed_on": "",
        "valid_from": "",
        "until_further_notice": None,
        "event_kind": "kela_call",
        "event_name": "Puhelu Kelan kanssa",
        "event_date": timezone.localdate().isoformat(),
        "event_starts": "08:00",
        "event_ends": "08:30",
        "scan": None,
    }
    return y100_form(parties, **{**oral, **overrides})


def helsinki(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=EVENT_TIME_ZONE)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_oral_consent_for_an_event_out_of_range_is_refused_next_to_the_field(
    worker_client, team, parties, day
):
    """A year-1 event would be stored as a time PostgreSQL cannot give back in UTC."""
    response = worker_client.post(url("create", team), oral_form(parties, event_date=day))
    assert response.status_code == 200
    assert field_errors(response.text, "event_date") == RANGE_ERROR
    assert not Consent.objects.exists()
    assert worker_client.get(url("list", team)).status_code == 200


@pytest.mark.parametrize(
    ("field", "day"),
    [("signed_on", "0001-01-01"), ("valid_from", "9999-12-31"), ("valid_until", "9999-12-31")],
)
def test_a_written_consent_date_out_of_range_is_refused_next_to_the_field(
    worker_client, team, parties, field, day
):
    """'Voimassa toistaiseksi' is its own choice: 31.12.9999 is no end date."""
    overrides = {field: day, "scan": None}
    if field == "valid_until":
        overrides["until_further_notice"] = None
    response = worker_client.post(url("create", team), y100_form(parties, **overrides))
    assert response.status_code == 200
    assert field_errors(response.text, field) == RANGE_ERROR
    assert not Consent.objects.exists()


def test_oral_consent_is_recorded_for_its_event_with_its_start_and_end(
    worker_client, team, parties
):
    today = timezone.localdate()
    response = worker_client.post(url("create", team), oral_form(parties))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.valid_from, consent.valid_until, consent.form) == (today, today, "")
    assert (consent.event_starts_at, consent.event_ends_at) == (
        helsinki(today, 8),
        helsinki(today, 8, 30),
    )
    # The consent page, its history and the list say when the event was.
    when = f"{today:%-d.%-m.%Y} klo 8.00–8.30"
    detail = worker_client.get(url("detail", team, consent_id=consent.pk)).text
    assert f"Puhelu Kelan kanssa, {when}" in detail
    assert detail.count(when) == 2  # the event, and its version in the history
    assert when in worker_client.get(url("list", team)).text


@pytest.mark.parametrize(
    ("times", "errors"),
    [
        (
            {"event_starts": "", "event_ends": ""},
            {
                "event_starts": ["Kirjaa, mihin aikaan tapahtuma alkaa."],
                "event_ends": ["Kirjaa, mihin aikaan tapahtuma päättyy."],
            },
        ),
        (
            {"event_ends": ""},
            {"event_ends": ["Kirjaa, mihin aikaan tapahtuma päättyy."]},
        ),
        (
            {"event_starts": "09:00", "event_ends": "08:30"},
            {"event_ends": ["Tapahtuman on päätyttävä samana päivänä myöhemmin kuin se alkaa."]},
        ),
        (
            {"event_starts": "08:30", "event_ends": "08:30"},
            {"event_ends": ["Tapahtuman on päätyttävä samana päivänä myöhemmin kuin se alkaa."]},
        ),
        # Past midnight is another day: one oral consent covers one event on one day.
        (
            {"event_starts": "23:30", "event_ends": "00:30"},
            {"event_ends": ["Tapahtuman on päätyttävä samana päivänä myöhemmin kuin se alkaa."]},
        ),
        (
            {"event_starts": "kahdeksalta"},
            {"event_starts": ["Syötä oikea kellonaika."]},
        ),
    ],
)
def test_an_oral_consent_needs_its_events_start_and_end_next_to_the_fields(
    worker_client, team, parties, times, errors
):
    response = worker_client.post(url("create", team), oral_form(parties, **times))
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: form.errors[name] for name in errors} == errors
    assert set(form.errors) == set(errors)
    for name, messages in errors.items():
        # Next to its own field (linked to the input), and in the summary above the form.
        assert f'id="id_{name}_error"><p>{messages[0]}</p>' in response.text
        assert f'aria-describedby="id_{name}_helptext id_{name}_error"' in response.text
        assert f'<li><a href="#id_{name}">{form[name].label}</a></li>' in response.text
    assert not Consent.objects.exists()


def test_a_written_consent_keeps_no_event_times(worker_client, team, parties):
    response = worker_client.post(
        url("create", team), y100_form(parties, event_starts="08:00", event_ends="08:30")
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.event_starts_at, consent.event_ends_at) == (None, None)


def test_changing_an_oral_consent_starts_from_its_event_times(worker_client, team, parties):
    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        oral=True,
        parties=[parties["kela"]],
        event_starts_at=helsinki(today, 13),
        event_ends_at=helsinki(today, 13, 45),
    )
    page = worker_client.get(url("change", team, consent_id=consent.pk)).text
    assert 'name="event_starts" value="13:00"' in page
    assert 'name="event_ends" value="13:45"' in page


def test_the_change_form_starts_from_the_current_terms_and_saves_a_new_version(
    worker_client, team, parties
):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    page = worker_client.get(url("change", team, consent_id=consent.pk))
    assert page.status_code == 200
    assert "uutena versiona" in page.text
    response = worker_client.post(
        url("change", team, consent_id=consent.pk),
        y100_form(parties, organisations=[parties["kela"].pk], organisation_kinds=None, scan=None),
    )
    new = Consent.objects.get(version=2)
    assert response["Location"] == url("detail", team, consent_id=new.pk)
    detail = worker_client.get(url("detail", team, consent_id=consent.pk))
    assert "Tämä on aiempi versio." in detail.text
    assert "Versio 2" in detail.text
    assert team["worker"].get_full_name() in detail.text


def test_revoking_through_the_page(worker_client, team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    response = worker_client.post(
        url("revoke", team, consent_id=consent.pk),
        {
            "revoked_on": timezone.localdate().isoformat(),
            "method": "phone",
            "through": "Asiakas itse",
        },
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.is_revoked
    last = consent.events.order_by("pgh_id").last()
    assert last.revoked_at == consent.revoked_at
    assert last.pgh_context.metadata["user"] == team["worker"].pk
    # The revocation's own label, although it created tasks (their create_task runs inside
    # it), with the request's URL.
    assert last.pgh_context.metadata["action"] == "consents.consent.revoked"
    assert last.pgh_context.metadata["url"].endswith("/revoke/")
    detail = worker_client.get(url("detail", team, consent_id=consent.pk))
    assert "Lähetä peruutus Kelaan suojatulla sähköpostilla" in detail.text
    assert "Peruutettu" in detail.text
    # The revoked version can be neither changed nor revoked again.
    again = worker_client.get(url("revoke", team, consent_id=consent.pk))
    assert again.status_code == 302


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_confirmation_says_tasks_were_made_only_when_a_party_is_to_be_told(
    worker_client, team, parties
):
    """A consent that names only the client's own organisation, or whose other party the
    revocation came through, leaves nobody to tell: the message does not send the worker
    looking for tasks that were never made."""
    own = team["client"].organisation
    revoke = {"revoked_on": timezone.localdate().isoformat(), "method": "phone"}
    only_own = ConsentFactory(client=team["client"], recorded_by=team["worker"], parties=[own])
    response = worker_client.post(
        url("revoke", team, consent_id=only_own.pk),
        {**revoke, "through": "Asiakas itse"},
        follow=True,
    )
    assert _messages(response) == [
        "Suostumus peruutettu. Ilmoitettavia osapuolia ei ole, joten tehtäviä ei luotu."
    ]
    through_kela = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"], own]
    )
    response = worker_client.post(
        url("revoke", team, consent_id=through_kela.pk),
        {**revoke, "through": "Kelan virkailija", "through_organisation": parties["kela"].pk},
        follow=True,
    )
    assert _messages(response) == [
        "Suostumus peruutettu. Ilmoitettavia osapuolia ei ole, joten tehtäviä ei luotu."
    ]
    changed = ConsentFactory(client=team["client"], recorded_by=team["worker"], parties=[own])
    response = worker_client.post(
        url("change", team, consent_id=changed.pk),
        y100_form(parties, organisations=[own.pk], organisation_kinds=None, scan=None),
        follow=True,
    )
    assert _messages(response) == [
        "Muutos kirjattu uutena versiona. Ilmoitettavia osapuolia ei ole, joten tehtäviä ei luotu."
    ]
    # With a party to tell, the message says the tasks were made, and they are on the page.
    kela = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    response = worker_client.post(
        url("revoke", team, consent_id=kela.pk), {**revoke, "through": "Asiakas itse"}, follow=True
    )
    assert _messages(response) == [
        "Suostumus peruutettu. Osapuolille ilmoittamisesta on luotu tehtävät."
    ]
    assert "Lähetä peruutus Kelaan suojatulla sähköpostilla" in response.text


def revoked_kela_consent(team, parties):
    """A consent naming Kela, revoked by the worker: the consent and the worker's one task of
    telling Kela."""
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas",
    )
    return consent, Task.objects.get()


def test_the_kela_task_is_ticked_off_on_the_consent_page(worker_client, team, parties):
    consent, task = revoked_kela_consent(team, parties)
    response = worker_client.post(
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk),
        {"done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_on == timezone.localdate() and task.done_by == team["worker"]


def test_a_refused_check_off_date_is_shown_next_to_that_tasks_date_as_typed(
    worker_client, team, parties
):
    consent, task = revoked_kela_consent(team, parties)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = worker_client.post(
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk),
        {"done_on": f"{tomorrow:%-d.%-m.%Y}"},
    )
    assert response.status_code == 400
    (row,) = [form for listed, form in response.context["tasks"] if listed.pk == task.pk]
    assert row.errors["done_on"]
    page = response.content.decode()
    # The date input shows only ISO: the day typed is given back as the day it is.
    assert f'value="{tomorrow:%Y-%m-%d}"' in page and "hds-text-input--invalid" in page
    task.refresh_from_db()
    assert task.done_at is None
    # The page shown again is a read of the consent, logged as the GET is.
    assert AccessLogEntry.objects.filter(
        action="consents.consent.viewed", actor=team["worker"]
    ).exists()


def test_a_refused_check_off_opens_the_page_with_an_error_summary_and_an_error_title(
    worker_client, team, parties
):
    consent, task = revoked_kela_consent(team, parties)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = worker_client.post(
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk),
        {"done_on": tomorrow.isoformat()},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>Virhe: ", page)
    summary = page.index("polku-error-summary")
    assert page.index('<main id="main"') < summary < page.index("<h1>")
    assert 'role="alert" tabindex="-1" autofocus' in page
    assert f'<a href="#id_task{task.pk}_done_on">Tehty päivänä – {task.shown_title}</a>' in page


@pytest.mark.parametrize("where", ["consent_page", "inbox"])
def test_a_party_notification_ticked_off_anywhere_writes_the_same_log_row(
    worker_client, team, parties, where
):
    consent, task = revoked_kela_consent(team, parties)
    address = (
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk)
        if where == "consent_page"
        else reverse("notifications:complete_task", kwargs={"task_id": task.pk})
    )
    assert not AccessLogEntry.objects.filter(action="consents.notification.completed").exists()
    response = worker_client.post(address, {"done_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == team["worker"]
    (row,) = AccessLogEntry.objects.filter(action="consents.notification.completed")
    assert (row.client_id, row.actor_id, row.basis) == (
        team["client"].uuid,
        team["worker"].pk,
        "care_team",
    )
    assert row.object_id == str(task.pk)
    # A second tick changes nothing and logs nothing more.
    worker_client.post(address, {"done_on": timezone.localdate().isoformat()})
    assert AccessLogEntry.objects.filter(action="consents.notification.completed").count() == 1


def test_a_notification_open_at_a_transfer_moves_to_the_new_responsible_worker(
    client, team, parties
):
    """Telling Kela is the responsible worker's duty: the open task moves with the transfer,
    the new worker ticks it off on their care-team relation, the former one no longer can."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients import actions as client_actions

    _consent, task = revoked_kela_consent(team, parties)
    colleague = make_user(Role.SOCIAL_WORKER, team["worker"].role_assignments.get().unit)
    client_actions.transfer_responsibility(
        client=team["client"],
        to_user=colleague,
        to_unit=colleague.role_assignments.get().unit,
        transferred_by=team["worker"],
        handover_note="Siirto toiseen yksikköön.",
    )
    address = reverse("notifications:complete_task", kwargs={"task_id": task.pk})
    done_on = {"done_on": timezone.localdate().isoformat()}
    assert login(client, team["worker"]).post(address, done_on).status_code == 404
    assert login(client, colleague).post(address, done_on).status_code == 302
    task.refresh_from_db()
    assert task.done_by == colleague
    (row,) = AccessLogEntry.objects.filter(action="consents.notification.completed")
    assert (row.actor_id, row.basis) == (colleague.pk, "care_team")


def _revoked_with_no_responsible_worker(team, parties):
    """The responsible worker's membership ended, the sote contact person records the
    revocation of a consent naming Kela: the task of telling Kela, given to them."""
    from clients.models import CareTeamMembership

    CareTeamMembership.objects.filter(client=team["client"], user=team["worker"]).update(
        ended_on=timezone.localdate()
    )
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["sote"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas",
    )
    return Task.objects.get(assignee=team["sote"])


def test_a_notification_ticked_off_after_leaving_the_team_rests_on_the_task(client, team, parties):
    """With no responsible worker the task is the revoking user's; ticked off after they left
    the team, it is logged on the task given to them, not on a relation (break the glass)
    they no longer have."""
    from clients import actions as client_actions
    from clients.models import CareTeamMembership

    task = _revoked_with_no_responsible_worker(team, parties)
    client_actions.end_membership(
        membership=CareTeamMembership.objects.get(client=team["client"], user=team["sote"]),
        ended_by=team["sote"],
    )
    response = login(client, team["sote"]).post(
        reverse("notifications:complete_task", kwargs={"task_id": task.pk}),
        {"done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    (row,) = AccessLogEntry.objects.filter(action="consents.notification.completed")
    assert (row.actor_id, row.basis) == (team["sote"].pk, "assigned_task")


def test_a_notification_given_while_no_one_was_responsible_goes_to_the_first_responsible_worker(
    team, parties
):
    """With no responsible worker the sote contact person recording the revocation gets the
    task of telling Kela; the responsible worker appointed next takes that duty over."""
    from clients import actions as client_actions
    from tests.conftest import acting

    task = _revoked_with_no_responsible_worker(team, parties)
    client_actions.transfer_responsibility(
        client=team["client"],
        to_user=team["worker"],
        to_unit=team["unit"],
        transferred_by=acting(team["manager"]),
        handover_note="Sanna jatkaa vastuutyöntekijänä.",
    )
    task.refresh_from_db()
    assert task.assignee == team["worker"]


def test_another_persons_task_cannot_be_ticked_off_here(client, team, parties):
    consent, task = revoked_kela_consent(team, parties)
    login(client, team["sote"])
    response = client.post(
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk), {}
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_the_client_page_shows_coverage_and_what_is_not_covered(client, team, parties):
    today = timezone.localdate()
    ConsentFactory(
        client=team["client"],
        parties=[parties["employment"]],
        valid_until=today + datetime.timedelta(days=10),
    )
    StatutoryBasisFactory(client=team["client"])
    login(client, team["coach"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid}))
    text = page.text
    assert "Suostumukset ja luovutusperusteet" in text
    assert "Helsingin työllisyyspalvelut" in text
    assert "(päättymässä)" in text
    assert "Ei:" in text and "Terveystiedot" in text
    assert "Laki: Laki Kansaneläkelaitoksen etuuksista" in text
    assert "Ei kateta:" in text and "Terveydenhuolto" in text


def test_two_consents_on_the_same_form_are_told_apart_by_the_day_they_were_given(
    client, team, parties
):
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=40)
    for party, signed_on in ((parties["kela"], earlier), (parties["employment"], today)):
        ConsentFactory(
            client=team["client"], parties=[party], signed_on=signed_on, valid_from=signed_on
        )
    login(client, team["worker"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid})).text
    assert f">Kelan lomake Y 100, versio 1, annettu {earlier:%-d.%-m.%Y}</a>" in page
    assert f">Kelan lomake Y 100, versio 1, annettu {today:%-d.%-m.%Y}</a>" in page


def test_the_manager_sees_the_client_page_without_the_consent_panel(client, team, parties):
    ConsentFactory(client=team["client"], parties=[parties["employment"]])
    login(client, team["manager"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid}))
    assert page.status_code == 200
    assert "Suostumukset ja luovutusperusteet" not in page.text


def test_without_consent_the_panel_says_nothing_may_be_disclosed(client, team):
    login(client, team["worker"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid}))
    assert "tietoja ei saa luovuttaa muille" in page.text


def test_with_only_an_oral_consent_in_its_event_the_panel_does_not_say_nothing_may_be_disclosed(
    client, team, parties
):
    """During the call the client gave an oral consent in, the panel says that disclosures are
    allowed within that event only, and names whom and what the oral consent covers."""
    ConsentFactory(
        client=team["client"],
        oral=True,
        parties=[parties["kela"]],
        purposes=["kela_benefits"],
        categories=["identity"],
    )
    login(client, team["worker"])
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid}))
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "tietoja ei saa luovuttaa muille" not in text
    assert (
        "Asiakkaalla ei ole voimassa olevaa kirjallista suostumusta eikä kirjattua "
        "lakiperustetta. Tietoja saa luovuttaa vain tänään annetun suullisen suostumuksen "
        "tapahtuman aikana."
    ) in text
    assert (
        "vain tämän tapahtuman aikana (Kela: Kelan etuudet ja kuntoutus; "
        "Henkilöllisyys- ja yhteystiedot)"
    ) in text


@pytest.mark.parametrize("rows", [3, 30])
def test_the_coverage_panel_reads_a_fixed_number_of_queries(
    team, parties, rows, django_assert_num_queries
):
    for _ in range(rows):
        ConsentFactory(client=team["client"], parties=[parties["kela"], "employment_services"])
        StatutoryBasisFactory(client=team["client"])
    request = RequestFactory().get("/")
    request.user = team["worker"]
    from clients.access import relation_to

    relation = relation_to(team["worker"], team["client"])
    with django_assert_num_queries(4):
        context = page_panels.coverage(request, team["client"], relation)
    assert len(context["summary"].covered) == rows * 3


def test_the_responsible_worker_sees_expiring_consents_on_the_dashboard(client, team, parties):
    today = timezone.localdate()
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=20),
    )
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=40),
    )
    login(client, team["worker"])
    page = client.get(reverse("dashboard"))
    assert "Päättyvät suostumukset" in page.text
    # In the page's own content (the idle-timeout warning after it says "päättyy" too).
    main = page.text[page.text.index("<main") : page.text.index("</main>")]
    assert main.count("päättyy ") == 1
    client.logout()
    login(client, team["sote"])  # not the responsible worker
    assert "Päättyvät suostumukset" not in client.get(reverse("dashboard")).text


def test_a_closed_clients_expiring_consent_is_not_on_the_dashboard(client, team, parties):
    """The care team stays on a closed client, but its consents are not followed up: the
    dashboard agrees with the reminder rule, and logs no list hit for the closed client."""
    from clients.actions import close_client
    from clients.factories import ClientFactory

    today = timezone.localdate()
    open_client = ClientFactory(responsible_worker=team["worker"], last_name="Avoinna")
    for customer in (team["client"], open_client):
        ConsentFactory(
            client=customer, parties=[parties["kela"]], valid_until=today + datetime.timedelta(9)
        )
    close_client(
        client=team["client"],
        closed_by=team["worker"],
        closed_on=today,
        reason="Muutti toiselle paikkakunnalle",
    )
    login(client, team["worker"])
    before = AccessLogEntry.objects.order_by("pk").last().pk

    page = client.get(reverse("dashboard"))

    assert "Päättyvät suostumukset" in page.text
    assert "Avoinna" in page.text
    assert team["client"].last_name not in page.text
    listed = AccessLogEntry.objects.filter(pk__gt=before, action=page_panels.EXPIRING_LISTED)
    assert [entry.client_id for entry in listed] == [open_client.uuid]


def test_the_warning_period_is_configurable(team, parties, settings):
    settings.POLKU_CONSENT_EXPIRY_WARNING_DAYS = 60
    today = timezone.localdate()
    ConsentFactory(
        client=team["client"],
        parties=[parties["kela"]],
        valid_until=today + datetime.timedelta(days=40),
    )
    request = RequestFactory().get("/")
    request.user = team["worker"]
    assert len(page_panels.expiring_consents(request)["consents"]) == 1


@pytest.mark.parametrize("rows", [3, 30])
def test_the_dashboard_panel_reads_one_query(team, parties, rows, django_assert_num_queries):
    today = timezone.localdate()
    for i in range(rows):
        ConsentFactory(
            client=team["client"],
            parties=[parties["kela"]],
            valid_until=today + datetime.timedelta(days=i % 25),
        )
    request = RequestFactory().get("/")
    request.user = team["worker"]
    # One read, one insert of the list hits.
    with django_assert_num_queries(2):
        context = page_panels.expiring_consents(request)
    assert context["total"] == rows


def test_the_expiring_consents_panel_logs_each_client_it_names_once(client, team, parties):
    from clients.factories import ClientFactory

    today = timezone.localdate()
    other = ClientFactory(responsible_worker=team["worker"])
    for customer in (team["client"], team["client"], other):
        ConsentFactory(
            client=customer, parties=[parties["kela"]], valid_until=today + datetime.timedelta(5)
        )
    login(client, team["worker"])
    before = AccessLogEntry.objects.count()

    page = client.get(reverse("dashboard"))

    assert other.last_name in page.text
    new = AccessLogEntry.objects.order_by("pk")[before:]
    assert sorted(
        (e.action, e.client_id, e.basis, e.actor_id) for e in new if e.action.startswith("consents")
    ) == sorted(
        (page_panels.EXPIRING_LISTED, customer.uuid, "care_team", team["worker"].pk)
        for customer in (team["client"], other)
    )


def test_statutory_basis_is_recorded_and_ended(worker_client, team, parties):
    response = worker_client.post(
        url("statutory_basis_create", team),
        {
            "organisation_kind": "kela",
            "statute": "Laki sosiaalihuollon asiakkaan asemasta 812/2000, 17 §",
            "purposes": ["kela_benefits"],
            "categories": ["income"],
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    basis = StatutoryBasis.objects.get()
    assert basis.organisation_kind == "kela"
    # The list's "Lopeta käyttö" opens a page that names the statute and says what follows;
    # only its button ends the basis.
    listing = worker_client.get(url("list", team)).text
    assert f'href="{url("statutory_basis_end", team, basis_id=basis.pk)}"' in listing
    page = worker_client.get(url("statutory_basis_end", team, basis_id=basis.pk))
    assert page.status_code == 200
    assert (
        "Lopetetaanko lakiperusteen ”Laki sosiaalihuollon asiakkaan asemasta 812/2000, 17 §”"
        in (page.text)
    )
    basis.refresh_from_db()
    assert basis.ended_at is None
    response = worker_client.post(
        url("statutory_basis_end", team, basis_id=basis.pk), {"confirm": "True"}
    )
    assert response["Location"] == url("list", team)
    basis.refresh_from_db()
    assert basis.ended_by == team["worker"]
    assert AccessLogEntry.objects.filter(action="consents.statutory_basis.ended").count() == 1
    # The page of an ended basis sends back to the list.
    again = worker_client.get(url("statutory_basis_end", team, basis_id=basis.pk))
    assert again["Location"] == url("list", team)


def test_the_same_statutory_basis_sent_twice_is_recorded_once(worker_client, team):
    """A double submit (the back button) would record two bases: ending one would leave the
    other covering, as with a consent recorded twice."""
    data = {
        "organisation_kind": "kela",
        "statute": "Laki sosiaalihuollon asiakkaan asemasta 812/2000, 17 §",
        "purposes": ["kela_benefits"],
        "categories": ["income"],
        "valid_from": timezone.localdate().isoformat(),
    }
    assert worker_client.post(url("statutory_basis_create", team), data).status_code == 302
    again = worker_client.post(url("statutory_basis_create", team), data)
    assert again.status_code == 200
    assert "Sama lakiperuste on jo kirjattu asiakkaalle" in again.text
    assert StatutoryBasis.objects.count() == 1
    # Once it is ended, the same statute may be relied on again.
    actions.end_statutory_basis(basis=StatutoryBasis.objects.get(), ended_by=team["worker"])
    assert worker_client.post(url("statutory_basis_create", team), data).status_code == 302
    assert StatutoryBasis.objects.filter(ended_at__isnull=True).count() == 1


def test_a_post_without_the_confirmation_asks_again_and_ends_nothing(worker_client, team):
    """A button of a page from before the question was asked posts no confirmation."""
    basis = StatutoryBasisFactory(client=team["client"], recorded_by=team["worker"])
    response = worker_client.post(url("statutory_basis_end", team, basis_id=basis.pk))
    assert response.status_code == 200
    assert "Lopetetaanko lakiperusteen" in response.text
    basis.refresh_from_db()
    assert basis.ended_at is None
    assert not AccessLogEntry.objects.filter(action="consents.statutory_basis.ended").exists()


def test_a_statutory_basis_without_statute_is_refused(worker_client, team):
    response = worker_client.post(
        url("statutory_basis_create", team),
        {
            "organisation_kind": "kela",
            "statute": "",
            "purposes": ["kela_benefits"],
            "categories": ["income"],
            "valid_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert not StatutoryBasis.objects.exists()


def test_every_error_of_a_statutory_basis_is_shown_at_once_next_to_its_field(
    worker_client, team, parties
):
    """The party and the period are checked with the rest of the form, not only after the
    statute is given on a second try."""
    today = timezone.localdate()
    response = worker_client.post(
        url("statutory_basis_create", team),
        {
            "organisation": parties["kela"].pk,
            "organisation_kind": "kela",
            "statute": "",
            "purposes": ["kela_benefits"],
            "categories": ["income"],
            "valid_from": today.isoformat(),
            "valid_until": (today - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    page = response.text
    assert field_errors(page, "statute") == "Tämä kenttä vaaditaan."
    assert field_errors(page, "organisation") == "Valitse joko organisaatio tai organisaatiotyyppi."
    assert field_errors(page, "valid_until") == "Päättymispäivä ei voi olla ennen alkamispäivää."
    assert not StatutoryBasis.objects.exists()


def test_a_covered_disclosure_is_logged_with_its_consent_version(worker_client, team, parties):
    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    response = worker_client.post(
        url("disclosure_create", team),
        {
            "organisation": parties["kela"].pk,
            "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
            "categories": ["identity", "work_capacity"],
            "purpose": "kela_benefits",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    entry = DisclosureLogEntry.objects.get()
    assert (entry.basis, entry.consent_id, entry.statute) == ("consent", consent.pk, "")
    assert entry.recipient_organisation == parties["kela"]
    assert entry.what == "Henkilöllisyys- ja yhteystiedot, Työ- ja toimintakyky"
    assert entry.purpose == "kela_benefits" and entry.channel == "phone"


def test_a_recorded_disclosure_is_one_access_log_row_naming_its_disclosure_log_row(
    worker_client, team, parties
):
    """The worker's disclosure shows in their own access log (the DPO's user log, the
    statistics), not only in the client's disclosure log: one row, on the worker's basis,
    pointing at the disclosure-log row, and no other row for the same POST."""
    ConsentFactory(client=team["client"], parties=[parties["kela"]])
    mark = last_log_id()
    response = worker_client.post(
        url("disclosure_create", team),
        {
            "organisation": parties["kela"].pk,
            "recipient_description": "Kerttu Kelalainen",
            "categories": ["identity"],
            "purpose": "kela_benefits",
            "channel": "phone",
        },
    )
    assert response.status_code == 302
    entry = DisclosureLogEntry.objects.get()
    assert log_rows_since(team["client"], mark) == [
        ("consents.disclosure.recorded", team["worker"].pk)
    ]
    row = AccessLogEntry.objects.get(pk__gt=mark)
    assert (row.basis, row.object_type, row.object_id) == (
        "care_team",
        "audit.disclosurelogentry",
        str(entry.pk),
    )
    # In the worker's organisation's name: the DPO's user log and statistics read it there.
    assignment = team["worker"].role_assignments.select_related("unit").get()
    assert row.actor_organisation_id == assignment.unit.organisation_id


def test_the_consent_page_shows_its_logged_disclosures_in_the_readers_language(
    worker_client, team, parties
):
    """The log keeps what was disclosed in Finnish; the page shows Polku's own words of it
    (the categories, "a member of the team") in Swedish, as the log reports do, and what a
    worker typed as it was typed."""
    from consents.coverage import record_disclosure

    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    record_disclosure(
        actor=team["worker"],
        client=team["client"],
        organisation=parties["kela"],
        category=["identity", "income"],
        purpose="kela_benefits",
        channel="phone",
        recipient_description="Kerttu Kelalainen",
    )
    assert DisclosureLogEntry.objects.get().what == (
        "Henkilöllisyys- ja yhteystiedot, Tulot ja etuudet"
    )
    worker_client.cookies["django_language"] = "sv"
    page = worker_client.get(url("detail", team, consent_id=consent.pk)).text
    assert "<td>Identitets- och kontaktuppgifter, Inkomster och förmåner</td>" in page
    assert ": Kerttu Kelalainen</td>" in page
    assert "Henkilöllisyys- ja yhteystiedot" not in page


def test_a_disclosure_on_a_statutory_basis_names_the_statute(team, parties):
    from consents.coverage import record_disclosure

    basis = StatutoryBasisFactory(client=team["client"])
    entry = record_disclosure(
        actor=team["worker"],
        client=team["client"],
        organisation=parties["kela"],
        category="income",
        purpose="kela_benefits",
        channel="secure_email",
    )
    assert (entry.basis, entry.statute, entry.consent_id) == ("statute", basis.statute, None)


def test_an_uncovered_disclosure_is_refused_with_a_clear_message(worker_client, team, parties):
    ConsentFactory(client=team["client"], parties=[parties["kela"]])
    mark = last_log_id()
    response = worker_client.post(
        url("disclosure_create", team),
        {
            "organisation": parties["kela"].pk,
            "recipient_description": "Kerttu Kelalainen",
            "categories": ["health"],
            "purpose": "kela_benefits",
            "channel": "phone",
        },
    )
    assert response.status_code == 200
    assert "Luovutukselle ei ole perustetta" in response.text
    assert not DisclosureLogEntry.objects.exists()
    # The form shown again is the one row: no disclosure was recorded.
    assert log_rows_since(team["client"], mark) == [
        ("consents.consent.form_viewed", team["worker"].pk)
    ]


def test_the_consent_list_and_detail_show_every_version_and_recorder(worker_client, team, parties):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    make_scan(consent, team["worker"])
    listing = worker_client.get(url("list", team))
    assert "Kelan lomake Y 100, versio 1" in listing.text
    detail = worker_client.get(url("detail", team, consent_id=consent.pk))
    assert "y100.pdf" in detail.text
    assert "Virustarkistus ei ole käytössä" in detail.text


def test_a_consent_given_by_a_representative_names_them_as_its_giver(worker_client, team, parties):
    """The page reads "Edunvalvoja …: name (basis)" and does not say that the client gave the
    separate consent to health information, when a representative gave it."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["health"]],
        by_guardian=True,
        with_health=True,
    )
    text = " ".join(
        re.sub(
            r"<[^>]+>", " ", worker_client.get(url("detail", team, consent_id=consent.pk)).text
        ).split()
    )
    assert (
        "Antaja Edunvalvoja tai muu laillinen edustaja: Eeva Edunvalvoja "
        "(Edunvalvojan määräys, Helsingin käräjäoikeus 3.2.2024)"
    ) in text
    assert "Terveystiedot: niiden luovuttamiseen on annettu erillinen suostumus." in text
    assert "asiakas on antanut" not in text


def _history_rows(page) -> list[str]:
    """The rows of the consent page's version history, as text without tags."""
    table = page.split("Suostumuksen versiot</caption>", 1)[1].split("</table>", 1)[0]
    rows = table.split("<tbody>", 1)[1].split("</tr>")[:-1]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_history_shows_what_each_version_covered_and_for_how_long(worker_client, team, parties):
    """A restriction of the purposes or of the period is seen in the history itself, not only
    by opening each version."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"]],
        purposes=["service_planning", "kela_benefits"],
        valid_until=None,
    )
    until = timezone.localdate() + datetime.timedelta(days=60)
    worker_client.post(
        url("change", team, consent_id=consent.pk),
        y100_form(
            parties,
            organisations=[parties["kela"].pk],
            organisation_kinds=None,
            purposes=["service_planning"],
            categories=consent.categories,
            until_further_notice=None,
            valid_until=until.isoformat(),
            scan=None,
        ),
    )
    new = Consent.objects.get(version=2)
    newer, older = _history_rows(worker_client.get(url("detail", team, consent_id=new.pk)).text)
    assert "Palvelujen suunnittelu ja yhteensovittaminen" in newer
    assert "Kelan etuudet ja kuntoutus" not in newer
    assert f"{new.valid_from:%-d.%-m.%Y} – {until:%-d.%-m.%Y}" in newer
    assert "Palvelujen suunnittelu ja yhteensovittaminen, Kelan etuudet ja kuntoutus" in older
    assert f"{consent.valid_from:%-d.%-m.%Y} – toistaiseksi" in older


@pytest.mark.parametrize(
    ("name", "method", "action", "kwargs"),
    [
        ("list", "get", "consents.consents.viewed", {}),
        ("create", "get", "consents.consent.form_viewed", {}),
        ("detail", "get", "consents.consent.viewed", {"consent_id": True}),
        ("change", "get", "consents.consent.form_viewed", {"consent_id": True}),
        ("revoke", "get", "consents.consent.form_viewed", {"consent_id": True}),
        ("scan_upload", "get", "consents.consent.form_viewed", {"consent_id": True}),
        ("scan_download", "get", "consents.scan.downloaded", {"consent_id": True, "scan_id": True}),
        ("statutory_basis_create", "get", "consents.consent.form_viewed", {}),
        ("statutory_basis_end", "get", "consents.consent.form_viewed", {"basis_id": True}),
        ("disclosure_create", "get", "consents.consent.form_viewed", {}),
        (
            "complete_notification",
            "post",
            "consents.notification.completed",
            {"consent_id": True, "task_id": True},
        ),
    ],
)
def test_every_view_writes_an_access_log_row(
    worker_client, team, parties, name, method, action, kwargs
):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    values = {}
    if "consent_id" in kwargs:
        values["consent_id"] = consent.pk
    if "scan_id" in kwargs:
        values["scan_id"] = make_scan(consent, team["worker"]).pk
    if "basis_id" in kwargs:
        values["basis_id"] = StatutoryBasisFactory(client=team["client"]).pk
    if "task_id" in kwargs:
        actions.revoke_consent(
            consent=consent,
            revoked_by=team["worker"],
            revoked_on=timezone.localdate(),
            method="phone",
            through="Asiakas",
        )
        values["task_id"] = Task.objects.get().pk
    before = AccessLogEntry.objects.filter(action=action).count()
    response = getattr(worker_client, method)(url(name, team, **values))
    assert response.status_code in (200, 302)
    rows = AccessLogEntry.objects.filter(action=action).order_by("-pk")
    assert rows.count() == before + 1
    row = rows.first()
    assert (row.actor, row.client_id, row.basis) == (
        team["worker"],
        team["client"].uuid,
        "care_team",
    )


@pytest.mark.parametrize("name", ["change", "revoke", "scan_upload", "statutory_basis_end"])
def test_a_refused_form_shown_again_logs_the_object_its_page_shows(
    worker_client, team, parties, name
):
    """The page shown again after a refused POST names the consent (or statutory basis) it
    shows, as its GET's row does, not only the client."""
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    basis = StatutoryBasisFactory(client=team["client"])
    obj = basis if name == "statutory_basis_end" else consent
    values = {"basis_id": basis.pk} if obj is basis else {"consent_id": consent.pk}
    path = url(name, team, **values)
    rows = AccessLogEntry.objects.filter(action="consents.consent.form_viewed").order_by("-pk")

    assert worker_client.get(path).status_code == 200
    shown = rows.first()
    assert worker_client.post(path, {}).status_code == 200
    shown_again = rows.first()

    assert shown_again.pk != shown.pk
    expected = (obj._meta.label_lower, str(obj.pk))
    assert (shown.object_type, shown.object_id) == expected
    assert (shown_again.object_type, shown_again.object_id) == expected


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warms the per-process caches (content types, session)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_consent_list_reads_the_same_number_of_queries_for_3_and_30(
    worker_client, team, parties
):
    def add(n):
        for _ in range(n):
            ConsentFactory(client=team["client"], parties=[parties["kela"], "employment_services"])
            StatutoryBasisFactory(client=team["client"])

    add(3)
    few = _queries(worker_client, url("list", team))
    add(27)
    assert _queries(worker_client, url("list", team)) == few


def test_the_consent_page_reads_the_same_number_of_queries_for_3_and_30_versions(
    worker_client, team, parties
):
    consent = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )

    def change(n):
        nonlocal consent
        for _ in range(n):
            # Signed again a day later: a change that changes nothing is refused.
            terms = actions.ConsentTerms.of(consent)
            day = terms.signed_on + datetime.timedelta(days=1)
            terms = dataclasses.replace(terms, signed_on=day, valid_from=day)
            consent = actions.change_consent(
                consent=consent, terms=terms, changed_by=team["worker"]
            )
            make_scan(consent, team["worker"])

    change(2)
    few = _queries(worker_client, url("detail", team, consent_id=consent.pk))
    change(27)
    assert _queries(worker_client, url("detail", team, consent_id=consent.pk)) == few


def test_an_oral_consent_for_yesterdays_call_is_refused_next_to_the_event_day(
    worker_client, team, parties
):
    """Recorded days later, it would reach back to disclosures long made: only its own day."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = worker_client.post(
        url("create", team), oral_form(parties, event_date=yesterday.isoformat())
    )
    assert response.status_code == 200
    assert field_errors(response.text, "event_date") == (
        "Suullinen suostumus kirjataan tapahtuman päivänä, tapahtuman aikana tai heti sen "
        "jälkeen. Myöhemmin sitä ei voi kirjata."
    )
    assert not Consent.objects.exists()


def test_kela_named_twice_is_refused_next_to_the_kinds(worker_client, team, parties):
    response = worker_client.post(
        url("create", team), y100_form(parties, organisation_kinds=["kela", "employment_services"])
    )
    assert response.status_code == 200
    assert field_errors(response.text, "organisation_kinds") == (
        "Kela on valittu sekä nimettynä organisaationa että organisaatiotyyppinä. "
        "Valitse Kela vain kerran."
    )
    assert not Consent.objects.exists()


def test_the_client_page_lists_a_renewal_signed_in_advance_and_the_version_covering_until_it(
    client, team, parties
):
    consent = ConsentFactory(client=team["client"], parties=[parties["employment"]])
    start = timezone.localdate() + datetime.timedelta(days=10)
    terms = actions.ConsentTerms.of(consent)
    new = actions.change_consent(
        consent=consent,
        terms=actions.ConsentTerms(
            **{**terms.__dict__, "signed_on": timezone.localdate(), "valid_from": start}
        ),
        changed_by=team["worker"],
    )
    login(client, team["worker"])
    text = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid})).text
    assert "Kenelle tietoja saa luovuttaa nyt" in text
    assert "Helsingin työllisyyspalvelut" in text
    last_day = start - datetime.timedelta(days=1)
    assert f"{last_day:%-d.%-m.%Y}" in text
    assert "Tulevat suostumukset" in text
    assert f"{new.name_with_date}</a>:" in text and f"voimassa {start:%-d.%-m.%Y} alkaen" in text
    # The consent's page: the old version in force until the new one starts.
    detail = client.get(url("detail", team, consent_id=new.pk)).text
    assert "<strong>Ei vielä voimassa</strong>" in detail
    assert f"Voimassa, kunnes uusi versio alkaa {start:%-d.%-m.%Y}" in detail


def test_the_consent_list_says_which_version_covers_until_a_renewal_starts(
    worker_client, team, parties
):
    """The list shows each consent's newest version: a renewal signed in advance reads "not yet
    in force", and the same row says that the earlier version is in force until the day
    before, with a link to it; an ordinary consent's row says nothing of the kind."""
    consent = ConsentFactory(client=team["client"], parties=[parties["employment"]])
    other = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    start = timezone.localdate() + datetime.timedelta(days=10)
    terms = actions.ConsentTerms.of(consent)
    new = actions.change_consent(
        consent=consent,
        terms=actions.ConsentTerms(
            **{**terms.__dict__, "signed_on": timezone.localdate(), "valid_from": start}
        ),
        changed_by=team["worker"],
    )
    page = worker_client.get(url("list", team)).text
    rows = {
        row.split("consents/", 1)[1].split("/", 1)[0]: " ".join(
            re.sub(r"<[^>]+>", " ", row).split()
        )
        for row in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")[:-1]
    }
    last_day = start - datetime.timedelta(days=1)
    assert f"Ei vielä voimassa Versio 1 on voimassa {last_day:%-d.%-m.%Y} asti" in rows[str(new.pk)]
    assert url("detail", team, consent_id=consent.pk) in page
    assert "on voimassa" not in rows[str(other.pk)]


def _task_of(team, consent, *, kind, model=Consent):
    """The worker's own open task about this client, pointing at `consent.pk` in `model`."""
    from django.contrib.contenttypes.models import ContentType

    return Task.objects.create(
        assignee=team["worker"],
        kind=kind,
        title="Tehtävä",
        client_id=team["client"].uuid,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(consent.pk),
    )


@pytest.mark.parametrize(
    ("kind", "model"),
    [
        # The id of the consent, but of another kind of object.
        (actions.SEND_REVOCATION_TO_KELA, ConsentScan),
        # The consent, but a task of another kind.
        ("consents.member_uncovered", Consent),
        ("consents.scan_pending", Consent),
    ],
)
def test_only_a_task_of_telling_a_party_of_this_consent_is_ticked_off_here(
    worker_client, team, parties, kind, model
):
    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    task = _task_of(team, consent, kind=kind, model=model)
    response = worker_client.post(
        url("complete_notification", team, consent_id=consent.pk, task_id=task.pk),
        {"done_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
    # Nor is it listed with the consent's notifications.
    page = worker_client.get(url("detail", team, consent_id=consent.pk))
    assert page.context["tasks"] == []


def test_a_partner_on_the_team_sees_only_the_disclosures_to_their_own_organisation(
    client, team, parties
):
    """Need to know: the client's own organisation sees every disclosure made on the consent;
    Kela's liaison on the team sees Kela's, not what health care received."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.factories import add_member
    from clients.models import TeamRole
    from consents.coverage import record_disclosure
    from consents.factories import acting
    from services.factories import UnitFactory

    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"], parties["health"]],
        purposes=["service_planning", "kela_benefits", "health_care"],
    )
    for organisation, what in ((parties["kela"], "kela-row"), (parties["health"], "health-row")):
        record_disclosure(
            actor=team["worker"],
            client=team["client"],
            organisation=organisation,
            category=("identity",),
            purpose="service_planning",
            channel="phone",
            what=what,
        )
    liaison = acting(make_user(Role.KELA_LIAISON, UnitFactory(organisation=parties["kela"])))
    add_member(team["client"], liaison, TeamRole.OTHER)
    page_url = url("detail", team, consent_id=consent.pk)

    login(client, liaison)
    page = client.get(page_url).content.decode()
    assert "kela-row" in page and "health-row" not in page
    assert "Näet vain luovutukset omalle organisaatiollesi." in page
    login(client, team["worker"])
    page = client.get(page_url).content.decode()
    assert "kela-row" in page and "health-row" in page
    assert "Näet vain luovutukset" not in page


def test_a_guardian_consents_only_for_a_minor(worker_client, team, parties):
    """Huoltaja gives consent on behalf of a client under 18 on the day it is given; for an
    adult the client or a legal representative (edunvalvoja) does, said next to the giver."""
    client = team["client"]
    today = timezone.localdate()
    guardian = {"giver_kind": "guardian", "giver_name": "Maija Huoltaja", "giver_basis": "Äiti"}
    client.birth_date = add_months(today, -12 * 18)  # 18 today
    client.save(update_fields=["birth_date"])
    response = worker_client.post(url("create", team), y100_form(parties, **guardian))
    assert response.status_code == 200
    assert field_errors(response.text, "giver_kind").startswith(
        "Huoltaja antaa suostumuksen vain alaikäisen puolesta."
    )
    assert not Consent.objects.exists()
    client.birth_date = add_months(today, -12 * 18) + datetime.timedelta(days=1)
    client.save(update_fields=["birth_date"])
    response = worker_client.post(url("create", team), y100_form(parties, **guardian))
    assert response.status_code == 302
    assert Consent.objects.get().giver_kind == "guardian"


@pytest.mark.parametrize("field", ["what", "recipient_description"])
def test_an_identity_code_in_a_disclosures_free_text_is_refused_next_to_it(
    worker_client, team, parties, field
):
    """What was disclosed and to whom go into the disclosure log, read in the client's log
    report: an identity code typed there is refused next to the field, nothing logged."""
    from clients.factories import demo_identity_code, random_birth_date
    from consents.coverage import record_disclosure

    ConsentFactory(client=team["client"], parties=[parties["kela"]])
    code = demo_identity_code(random_birth_date())
    data = {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity"],
        "purpose": "kela_benefits",
        "channel": "phone",
        "what": "Asiakkaan yhteystiedot",
    }
    data[field] = f"Asiakas {code}"
    response = worker_client.post(url("disclosure_create", team), data)
    assert response.status_code == 200
    assert field_errors(response.text, field) == (
        "Älä kirjoita tähän henkilötunnusta: teksti kirjataan lokiin."
    )
    assert not DisclosureLogEntry.objects.exists()
    with pytest.raises(ValidationError) as refused:
        record_disclosure(
            actor=team["worker"],
            client=team["client"],
            organisation=parties["kela"],
            category="identity",
            purpose="kela_benefits",
            channel="phone",
            **{field: f"Asiakas {code}"},
        )
    assert list(refused.value.message_dict) == [field]
    assert not DisclosureLogEntry.objects.exists()
