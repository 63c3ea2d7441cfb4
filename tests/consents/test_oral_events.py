"""An oral consent names its one event exactly: a consultation session is picked from the
client's own sessions, any other event gets a reference of its own, and coverage
matches that event and no other."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import DisclosureLogEntry
from clients.factories import ClientFactory
from consents import actions
from consents.actions import recording
from consents.coverage import (
    ConsentEvent,
    DisclosureNotCovered,
    disclosure_basis,
    event_of,
    record_disclosure,
)
from consents.models import EVENT_TIME_ZONE, Consent, ConsentMethod, OralEventKind
from consultations.case_view import session_event
from consultations.factories import (
    NetworkFactory,
    local_time,
    make_request,
    make_session,
    put_on_agenda,
)
from tests.conftest import field_errors, login


@pytest.fixture
def sessions(team):
    """Two sessions discussing the client on one day, and one that does not discuss the client;
    the test then travels to the first session, where an oral consent is given."""
    network = NetworkFactory()
    coordinator = team["worker"]
    day = timezone.localdate() + datetime.timedelta(days=2)
    first = make_session(network, coordinator, starts_at=local_time(day, 9))
    second = make_session(network, coordinator, starts_at=local_time(day, 12))
    put_on_agenda(make_request(team["client"]), first)
    put_on_agenda(make_request(team["client"]), second)
    elsewhere = make_session(network, coordinator, starts_at=local_time(day, 15))
    put_on_agenda(make_request(ClientFactory(responsible_worker=coordinator)), elsewhere)
    with time_machine.travel(first.starts_at, tick=False):
        yield {"first": first, "second": second, "elsewhere": elsewhere}


def oral_terms(parties, **fields):
    return actions.ConsentTerms(
        method=ConsentMethod.ORAL,
        purposes=("case_consultation",),
        categories=("identity", "work_capacity"),
        signed_on=None,
        valid_from=None,
        organisations=(parties["kela"],),
        **fields,
    )


def on_day(session):
    return timezone.localdate(session.starts_at)


def record_session_consent(team, parties, session):
    """The client's oral consent to Kela for the consultation session, recorded by the worker."""
    return actions.record_consent(
        client=team["client"],
        terms=oral_terms(
            parties,
            event_kind=OralEventKind.CONSULTATION_SESSION,
            event_name="Istunto",
            event_date=on_day(session),
            event_reference=str(session.pk),
        ),
        recorded_by=team["worker"],
    )


def test_the_form_offers_only_the_clients_own_sessions_held_by_today(client, team, sessions):
    login(client, team["worker"])
    url = reverse("consents:create", kwargs={"client_id": team["client"].uuid})
    html = client.get(url).content.decode()
    assert f'value="{sessions["first"].pk}"' in html
    assert f'value="{sessions["second"].pk}"' in html
    assert f'value="{sessions["elsewhere"].pk}"' not in html
    # The day before, the sessions are still ahead: consent is given at the session.
    with time_machine.travel(sessions["first"].starts_at - datetime.timedelta(days=1)):
        html = client.get(url).content.decode()
    assert f'value="{sessions["first"].pk}"' not in html


def test_a_picked_session_names_the_event_and_covers_that_session_only(
    client, team, parties, sessions
):
    login(client, team["worker"])
    response = client.post(
        reverse("consents:create", kwargs={"client_id": team["client"].uuid}),
        {
            "giver_kind": "client",
            "method": "oral",
            "organisations": [parties["kela"].pk],
            "purposes": ["case_consultation"],
            "categories": ["identity", "work_capacity"],
            "event_kind": OralEventKind.CONSULTATION_SESSION,
            "event_reference": str(sessions["first"].pk),
            # Typed in by mistake: a session's times are the session's own.
            "event_starts": "07:00",
            "event_ends": "07:30",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    consent = Consent.objects.get()
    assert consent.event_reference == str(sessions["first"].pk)
    assert consent.event_date == on_day(sessions["first"])
    assert consent.event_name.startswith(sessions["first"].network.name)
    assert (consent.event_starts_at, consent.event_ends_at) == (None, None)

    ask = {
        "client": team["client"],
        "organisation": parties["kela"],
        "category": ("identity", "work_capacity"),
        "purpose": "case_consultation",
    }
    assert disclosure_basis(**ask, event=session_event(sessions["first"])) == consent
    # The client's other session that same day is another event.
    assert disclosure_basis(**ask, event=session_event(sessions["second"])) is None


def test_a_session_that_does_not_discuss_the_client_is_refused(team, parties, sessions):
    with pytest.raises(ValidationError) as refused:
        record_session_consent(team, parties, sessions["elsewhere"])
    assert "event_reference" in refused.value.message_dict
    assert not Consent.objects.exists()


LATE = (
    "Suullinen suostumus kirjataan tapahtuman päivänä, tapahtuman aikana tai heti sen "
    "jälkeen. Myöhemmin sitä ei voi kirjata."
)
IN_ADVANCE = (
    "Suullinen suostumus kirjataan tapahtuman päivänä, kun asiakas antaa sen. "
    "Etukäteen sitä ei voi kirjata."
)


def test_the_event_day_must_be_the_sessions_day_and_today(team, parties, sessions):
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            client=team["client"],
            terms=oral_terms(
                parties,
                event_kind=OralEventKind.CONSULTATION_SESSION,
                event_name="Istunto",
                event_date=on_day(sessions["first"]) - datetime.timedelta(days=1),
                event_reference=str(sessions["first"].pk),
            ),
            recorded_by=team["worker"],
        )
    assert refused.value.message_dict["event_date"] == [LATE]


def test_a_session_picked_with_another_kind_of_event_is_an_error_next_to_the_field(
    client, team, parties, sessions
):
    login(client, team["worker"])
    response = client.post(
        reverse("consents:create", kwargs={"client_id": team["client"].uuid}),
        {
            "giver_kind": "client",
            "method": "oral",
            "organisations": [parties["kela"].pk],
            "purposes": ["case_consultation"],
            "categories": ["identity"],
            "event_kind": OralEventKind.KELA_CALL,
            "event_name": "Puhelu",
            "event_date": timezone.localdate().isoformat(),
            "event_reference": str(sessions["first"].pk),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["event_reference"] == [
        "Valittu istunto ei ole valitun lajinen tapahtuma."
    ]
    assert not Consent.objects.exists()


def test_two_calls_with_kela_on_one_day_are_two_events(team, parties):
    today = timezone.localdate()
    calls = [
        actions.record_consent(
            client=team["client"],
            terms=oral_terms(
                parties,
                event_kind=OralEventKind.KELA_CALL,
                event_name=name,
                event_date=today,
                event_starts=datetime.time.min,
                event_ends=datetime.time.max,
            ),
            recorded_by=team["worker"],
        )
        for name in ("Aamun puhelu", "Iltapäivän puhelu")
    ]
    assert calls[0].event_reference != calls[1].event_reference
    for call in calls:
        assert call.event_reference.startswith("kela_call:")
        event = ConsentEvent(kind=call.event_kind, reference=call.event_reference)
        found = disclosure_basis(
            client=team["client"],
            organisation=parties["kela"],
            category="identity",
            purpose="case_consultation",
            event=event,
        )
        assert found == call
    # A call that named no consent is not covered by either of them.
    assert (
        disclosure_basis(
            client=team["client"],
            organisation=parties["kela"],
            category="identity",
            purpose="case_consultation",
            event=ConsentEvent(kind=OralEventKind.KELA_CALL),
        )
        is None
    )


def test_the_same_call_recorded_twice_is_refused_the_second_time(team, parties):
    """A call's consent gets a reference of its own each time: a repeat of the same call
    (a double submit) is still found by its kind, name, day and times."""
    today = timezone.localdate()
    terms = oral_terms(
        parties,
        event_kind=OralEventKind.KELA_CALL,
        event_name="Puhelu Kelaan",
        event_date=today,
        event_starts=datetime.time.min,
        event_ends=datetime.time.max,
    )
    actions.record_consent(client=team["client"], terms=terms, recorded_by=team["worker"])
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(client=team["client"], terms=terms, recorded_by=team["worker"])
    assert refused.value.code == "same_consent"
    assert Consent.objects.filter(client=team["client"]).count() == 1


def test_a_disclosure_logged_after_the_session_ended_is_not_covered_by_its_oral_consent(
    client, team, parties, sessions
):
    """The worker logs a disclosure made outside Polku and names the session's oral
    consent: within the session it covers; later the same day, after the session
    ended, it does not, and nothing is logged."""
    first = sessions["first"]
    consent = record_session_consent(team, parties, first)
    url = reverse("consents:disclosure_create", kwargs={"client_id": team["client"].uuid})
    data = {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity", "work_capacity"],
        "purpose": "case_consultation",
        "channel": "meeting",
        "oral_consent": consent.pk,
    }
    with time_machine.travel(first.ends_at - datetime.timedelta(minutes=10), tick=False):
        login(client, team["worker"])
        assert 'name="oral_consent"' in client.get(url).content.decode()
        assert client.post(url, data).status_code == 302
    assert DisclosureLogEntry.objects.get().consent_id == consent.pk

    later_that_day = first.ends_at + datetime.timedelta(hours=4)
    assert timezone.localdate(later_that_day) == on_day(first)
    with time_machine.travel(later_that_day, tick=False):
        client.logout()  # a new sign-in: the first has been idle for hours
        login(client, team["worker"])
        # The form still offers the session's consent, for a disclosure made during it...
        assert 'name="oral_consent"' in client.get(url).content.decode()
        response = client.post(url, data)
    # ...but one made now, after the session, is refused: the session is over. The refusal
    # stands next to the disclosure's time.
    assert response.status_code == 200
    errors = response.context["form"].errors["disclosed_at"]
    assert errors[0].startswith("Luovutukselle ei ole perustetta")
    assert "Suullinen suostumus koski vain tapahtumaa ”Istunto”, joka päättyi" in errors[0]
    assert DisclosureLogEntry.objects.count() == 1


def test_the_event_of_an_oral_consent_knows_the_sessions_end_and_its_cancellation(
    team, parties, sessions
):
    first = sessions["first"]
    consent = record_session_consent(team, parties, first)
    assert event_of(consent) == session_event(first)
    first.cancelled_at, first.cancellation_reason = timezone.now(), "Sairastuminen"
    first.save(update_fields=["cancelled_at", "cancellation_reason"])
    assert event_of(consent) is None  # no event left to disclose within


def helsinki(hour, minute=0, second=0):
    """A moment of today in Helsinki."""
    return datetime.datetime.combine(
        timezone.localdate(), datetime.time(hour, minute, second), tzinfo=EVENT_TIME_ZONE
    )


def record_call(team, parties, *, recorded_at, starts, ends):
    """An oral consent given in a call with Kela today, recorded at `recorded_at`."""
    with time_machine.travel(recorded_at, tick=False):
        return actions.record_consent(
            client=team["client"],
            terms=oral_terms(
                parties,
                event_kind=OralEventKind.KELA_CALL,
                event_name="Puhelu Kelan työkykyneuvojan kanssa",
                event_date=timezone.localdate(),
                event_starts=starts,
                event_ends=ends,
            ),
            recorded_by=team["worker"],
        )


@pytest.fixture
def morning_call(team, parties):
    """The call lasted from 8.00 to 8.30; the worker recorded the consent during it."""
    return record_call(
        team,
        parties,
        recorded_at=helsinki(8, 10),
        starts=datetime.time(8, 0),
        ends=datetime.time(8, 30),
    )


ASK = {"category": ("identity", "work_capacity"), "purpose": "case_consultation"}


def test_an_oral_consent_for_a_call_covers_disclosures_within_the_call_only(
    team, parties, morning_call
):
    assert morning_call.event_starts_at == helsinki(8)
    assert morning_call.event_ends_at == helsinki(8, 30)
    ask = {"client": team["client"], "organisation": parties["kela"], **ASK}
    event = event_of(morning_call)
    assert (event.starts_at, event.ends_at) == (helsinki(8), helsinki(8, 30))
    assert disclosure_basis(**ask, event=event, at=helsinki(8, 10)) == morning_call
    assert disclosure_basis(**ask, event=event, at=helsinki(8, 30)) == morning_call
    # After the call, the same day, the consent covers nothing.
    for later in (helsinki(8, 30, 1), helsinki(14), helsinki(22)):
        assert disclosure_basis(**ask, event=event, at=later) is None
    # Naming the call without its times does not stretch it: the recorded end holds.
    bare = ConsentEvent(kind=morning_call.event_kind, reference=morning_call.event_reference)
    assert disclosure_basis(**ask, event=bare, at=helsinki(8, 20)) == morning_call
    assert disclosure_basis(**ask, event=bare, at=helsinki(14)) is None


def test_a_disclosure_after_the_call_is_refused_and_says_the_call_is_over(
    team, parties, morning_call
):
    disclose = {
        "actor": team["worker"],
        "client": team["client"],
        "organisation": parties["kela"],
        "channel": "phone",
        "event": event_of(morning_call),
        **ASK,
    }
    with time_machine.travel(helsinki(8, 20), tick=False):
        logged = record_disclosure(**disclose)
    assert logged.consent_id == morning_call.pk
    with (
        time_machine.travel(helsinki(14), tick=False),
        pytest.raises(DisclosureNotCovered) as refused,
    ):
        record_disclosure(**disclose)
    assert refused.value.outside_event.consent == morning_call
    assert str(refused.value).endswith(
        "Suullinen suostumus koski vain tapahtumaa ”Puhelu Kelan työkykyneuvojan kanssa”, "
        f"joka päättyi {timezone.localdate():%-d.%-m.%Y} 8.30. Sen jälkeen suullisen "
        "suostumuksen perusteella ei saa luovuttaa tietoja."
    )
    assert DisclosureLogEntry.objects.count() == 1


def test_a_disclosure_before_the_call_began_is_refused_and_says_so(team, parties):
    call = record_call(
        team,
        parties,
        recorded_at=helsinki(7, 50),
        starts=datetime.time(8, 0),
        ends=datetime.time(8, 30),
    )
    with (
        time_machine.travel(helsinki(7, 55), tick=False),
        pytest.raises(DisclosureNotCovered) as refused,
    ):
        record_disclosure(
            actor=team["worker"],
            client=team["client"],
            organisation=parties["kela"],
            channel="phone",
            event=event_of(call),
            **ASK,
        )
    assert "joka alkaa" in str(refused.value)
    assert f"{timezone.localdate():%-d.%-m.%Y} 8.00" in str(refused.value)
    assert not DisclosureLogEntry.objects.exists()


def test_a_refusal_without_an_oral_consent_for_the_event_gives_no_event_reason(
    team, parties, morning_call
):
    """Another organisation: the call's consent would not cover it even during the call."""
    with (
        time_machine.travel(helsinki(14), tick=False),
        pytest.raises(DisclosureNotCovered) as refused,
    ):
        record_disclosure(
            actor=team["worker"],
            client=team["client"],
            organisation=parties["health"],
            channel="phone",
            event=event_of(morning_call),
            **ASK,
        )
    assert refused.value.outside_event is None
    assert "Suullinen suostumus" not in str(refused.value)


def test_the_disclosure_form_offers_the_call_during_it_and_refuses_it_after_it(
    client, team, parties, morning_call
):
    url = reverse("consents:disclosure_create", kwargs={"client_id": team["client"].uuid})
    data = {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity"],
        "purpose": "case_consultation",
        "channel": "phone",
        "oral_consent": morning_call.pk,
    }
    with time_machine.travel(helsinki(8, 20), tick=False):
        login(client, team["worker"])
        form = client.get(url).content.decode()
        assert "Puhelu Kelan työkykyneuvojan kanssa" in form
        assert "klo 8.00–8.30" in form
        assert client.post(url, data).status_code == 302
    assert DisclosureLogEntry.objects.get().consent_id == morning_call.pk

    with time_machine.travel(helsinki(14), tick=False):
        client.logout()  # a new sign-in: the first has been idle for hours
        login(client, team["worker"])
        assert 'name="oral_consent"' in client.get(url).content.decode()
        response = client.post(url, data)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Luovutukselle ei ole perustetta" in text
        assert "joka päättyi" in text
        # Made at 14, after the call: not within it whatever time is given.
        response = client.post(url, {**data, "disclosed_at": "08:45"})
        assert "joka päättyi" in response.content.decode()
    assert DisclosureLogEntry.objects.count() == 1


def test_a_sessions_oral_consent_covers_nothing_before_the_session_starts(
    team, parties, sessions, django_assert_max_num_queries
):
    """Recorded at nine for the session at noon: until noon the consent discloses nothing,
    and the refusal says the session has not begun; the panel reads it in six queries."""
    from consents.coverage import coverage_summary

    second = sessions["second"]
    consent = record_session_consent(team, parties, second)
    event = event_of(consent)
    assert (event.starts_at, event.ends_at) == (second.starts_at, second.ends_at)
    ask = {"client": team["client"], "organisation": parties["kela"], **ASK}
    assert disclosure_basis(**ask, event=event) is None  # nine o'clock
    assert disclosure_basis(**ask, event=event, at=second.starts_at) == consent
    with pytest.raises(DisclosureNotCovered) as refused:
        record_disclosure(actor=team["worker"], channel="meeting", event=event, **ask)
    assert "joka alkaa" in str(refused.value)
    assert not DisclosureLogEntry.objects.exists()
    with django_assert_max_num_queries(6):
        summary = coverage_summary(team["client"])
    assert summary.oral == [consent]


# Logged after hanging up: the oral consent given in a call and the disclosure made in it are
# recorded after the call, the same day; the disclosure with the time it was made.


def disclosure_form(parties, consent, **fields):
    return {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity", "work_capacity"],
        "purpose": "case_consultation",
        "channel": "phone",
        "oral_consent": consent.pk,
        **fields,
    }


def test_a_call_logged_after_hanging_up_is_covered_by_its_oral_consent_at_its_time(
    client, team, parties
):
    """The call lasted 8.00–8.30; at 8.40 the worker records the oral consent given in it,
    then the disclosure made at 8.20: covered, dated 8.20, and the log keeps when it was
    written."""
    create_url = reverse("consents:create", kwargs={"client_id": team["client"].uuid})
    disclosure_url = reverse(
        "consents:disclosure_create", kwargs={"client_id": team["client"].uuid}
    )
    with time_machine.travel(helsinki(8, 40), tick=False):
        login(client, team["worker"])
        response = client.post(
            create_url,
            {
                "giver_kind": "client",
                "method": "oral",
                "organisations": [parties["kela"].pk],
                "purposes": ["case_consultation"],
                "categories": ["identity", "work_capacity"],
                "event_kind": OralEventKind.KELA_CALL,
                "event_name": "Puhelu Kelan työkykyneuvojan kanssa",
                "event_date": timezone.localdate().isoformat(),
                "event_starts": "08:00",
                "event_ends": "08:30",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        consent = Consent.objects.get()
        # The form offers the call that has ended, and asks when the disclosure was made.
        form = client.get(disclosure_url).content.decode()
        assert 'name="oral_consent"' in form and 'name="disclosed_at"' in form
        response = client.post(
            disclosure_url, disclosure_form(parties, consent, disclosed_at="08:20")
        )
    assert response.status_code == 302, response.context["form"].errors
    entry = DisclosureLogEntry.objects.get()
    assert (entry.basis, entry.consent_id) == ("consent", consent.pk)
    assert (entry.at, entry.recorded_at) == (helsinki(8, 20), helsinki(8, 40))


def test_a_disclosure_time_outside_the_call_future_or_on_another_day_is_refused(
    client, team, parties, morning_call
):
    disclosure_url = reverse(
        "consents:disclosure_create", kwargs={"client_id": team["client"].uuid}
    )
    with time_machine.travel(helsinki(9), tick=False):
        login(client, team["worker"])
        after = client.post(
            disclosure_url, disclosure_form(parties, morning_call, disclosed_at="08:45")
        )
        ahead = client.post(
            disclosure_url, disclosure_form(parties, morning_call, disclosed_at="09:05")
        )
        disclose = {
            "actor": team["worker"],
            "client": team["client"],
            "organisation": parties["kela"],
            "channel": "phone",
            "event": event_of(morning_call),
            **ASK,
        }
        with pytest.raises(ValidationError) as yesterday:
            record_disclosure(**disclose, at=helsinki(8, 20) - datetime.timedelta(days=1))
        with pytest.raises(DisclosureNotCovered) as before:
            record_disclosure(**disclose, at=helsinki(7, 59))
    (message,) = after.context["form"].errors["disclosed_at"]
    assert "joka päättyi" in message
    assert ahead.context["form"].errors["disclosed_at"] == [
        "Luovutuksen aika ei voi olla tulevaisuudessa."
    ]
    assert yesterday.value.message_dict["disclosed_at"] == [
        "Aiemmin tehdyn luovutuksen voi kirjata vain samana päivänä."
    ]
    assert "joka alkaa" in str(before.value)
    assert not DisclosureLogEntry.objects.exists()


def test_a_disclosure_logged_afterwards_rests_on_what_was_in_force_when_it_was_made(team, parties):
    """A written consent revoked at ten: a call at half past nine, logged at half past ten,
    was made on it; one made at a quarter past ten was not."""
    from consents.factories import ConsentFactory

    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    with time_machine.travel(helsinki(10), tick=False):
        actions.revoke_consent(
            consent=consent,
            revoked_by=team["worker"],
            revoked_on=timezone.localdate(),
            method="phone",
            through="Asiakas itse",
        )
    disclose = {
        "actor": team["worker"],
        "client": team["client"],
        "organisation": parties["kela"],
        "channel": "phone",
        "category": "identity",
        "purpose": "kela_benefits",
    }
    with time_machine.travel(helsinki(10, 30), tick=False):
        entry = record_disclosure(**disclose, at=helsinki(9, 30))
        with pytest.raises(DisclosureNotCovered):
            record_disclosure(**disclose, at=helsinki(10, 15))
    assert (entry.consent_id, entry.at) == (consent.pk, helsinki(9, 30))


def _event_select(response) -> str:
    """The session select alone: the page's other inputs have numeric values too."""
    page = response.content.decode()
    return re.search(r'<select name="event_reference".*?</select>', page, re.S).group(0)


def test_a_session_is_offered_for_an_oral_consent_on_its_own_day_only(client, team, sessions):
    """After the session, the same day, the worker may still record the consent given in
    it; the next day it is no longer offered (nor could it be recorded)."""
    first = sessions["first"]
    url = reverse("consents:create", kwargs={"client_id": team["client"].uuid})
    with time_machine.travel(first.ends_at + datetime.timedelta(hours=1), tick=False):
        login(client, team["worker"])
        assert f'value="{first.pk}"' in _event_select(client.get(url))
    with time_machine.travel(first.starts_at + datetime.timedelta(days=1), tick=False):
        client.logout()
        login(client, team["worker"])
        assert f'value="{first.pk}"' not in _event_select(client.get(url))


def test_the_list_and_the_page_say_when_the_calls_event_has_ended(
    client, team, parties, morning_call
):
    list_url = reverse("consents:list", kwargs={"client_id": team["client"].uuid})
    detail_url = reverse(
        "consents:detail",
        kwargs={"client_id": team["client"].uuid, "consent_id": morning_call.pk},
    )
    with time_machine.travel(helsinki(8, 20), tick=False):
        login(client, team["worker"])
        assert client.get(list_url).context["rows"] == [(morning_call, "Voimassa", None)]
    with time_machine.travel(helsinki(9), tick=False):
        client.logout()  # a new sign-in: the first has been idle
        login(client, team["worker"])
        assert client.get(list_url).context["rows"] == [(morning_call, "Tapahtuma päättynyt", None)]
        detail = client.get(detail_url)
    assert detail.context["status"] == "Tapahtuma päättynyt"
    assert "<strong>Tapahtuma päättynyt</strong>" in detail.content.decode()


def test_a_sessions_oral_consent_says_its_event_has_ended_after_the_session(
    client, team, parties, sessions
):
    first = sessions["first"]
    consent = record_session_consent(team, parties, first)
    list_url = reverse("consents:list", kwargs={"client_id": team["client"].uuid})
    login(client, team["worker"])
    assert client.get(list_url).context["rows"] == [(consent, "Voimassa", None)]
    with time_machine.travel(first.ends_at + datetime.timedelta(minutes=1), tick=False):
        client.logout()  # a new sign-in: the first has been idle
        login(client, team["worker"])
        assert client.get(list_url).context["rows"] == [(consent, "Tapahtuma päättynyt", None)]


def test_an_oral_consent_for_a_call_tomorrow_is_an_error_next_to_the_day(team, parties):
    """An oral consent is given at its event: one for a call that is still to come is
    recorded on that day, not in advance (the database would refuse it all the same)."""
    with pytest.raises(ValidationError) as refused:
        actions.record_consent(
            client=team["client"],
            terms=oral_terms(
                parties,
                event_kind=OralEventKind.KELA_CALL,
                event_name="Huomisen puhelu",
                event_date=timezone.localdate() + datetime.timedelta(days=1),
                event_starts=datetime.time(9),
                event_ends=datetime.time(10),
            ),
            recorded_by=team["worker"],
        )
    assert refused.value.message_dict["event_date"] == [IN_ADVANCE]
    assert not Consent.objects.exists()


def test_an_oral_consent_saved_just_after_midnight_is_an_error_next_to_the_day(
    team, parties, monkeypatch
):
    """The day is checked before saving and again by the database as the row is written:
    a form sent at 23.59.59 whose row reaches the database after midnight gets the same
    message next to the day, not a server error, and nothing is saved."""
    evening = datetime.datetime(2026, 3, 10, 23, 59, 59, tzinfo=EVENT_TIME_ZONE)
    with time_machine.travel(evening, tick=False) as clock:
        checked = recording._check_scan_for

        def midnight_passes(terms, scan):
            checked(terms, scan)
            clock.shift(datetime.timedelta(seconds=2))

        monkeypatch.setattr(recording, "_check_scan_for", midnight_passes)
        with pytest.raises(ValidationError) as refused:
            actions.record_consent(
                client=team["client"],
                terms=oral_terms(
                    parties,
                    event_kind=OralEventKind.KELA_CALL,
                    event_name="Iltapuhelu",
                    event_date=evening.date(),
                    event_starts=datetime.time(23),
                    event_ends=datetime.time(23, 30),
                ),
                recorded_by=team["worker"],
            )
        assert timezone.localdate(timezone=EVENT_TIME_ZONE) > evening.date()
    assert refused.value.message_dict["event_date"] == [LATE]
    assert not Consent.objects.exists()


def test_a_refusal_during_the_call_without_its_consent_chosen_points_to_it(
    client, team, parties, morning_call
):
    """The disclosure made in the call, logged without picking the call's oral consent, is
    refused; the message next to the choice says that the consent is picked there."""
    url = reverse("consents:disclosure_create", kwargs={"client_id": team["client"].uuid})
    data = {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity"],
        "purpose": "case_consultation",
        "channel": "phone",
    }
    with time_machine.travel(helsinki(8, 20), tick=False):
        login(client, team["worker"])
        response = client.post(url, data)
        assert response.status_code == 200
        assert field_errors(response.content.decode(), "oral_consent") == (
            "Jos tiedot luovutettiin tapahtumassa, johon asiakas antoi suullisen suostumuksen, "
            "valitse se tästä."
        )
        assert client.post(url, {**data, "oral_consent": morning_call.pk}).status_code == 302
    assert DisclosureLogEntry.objects.get().consent_id == morning_call.pk


def test_a_refusal_the_calls_consent_would_not_cover_does_not_point_to_it(
    client, team, parties, morning_call
):
    """Sent to another organisation, or health information the call's consent does not
    include, the refusal does not suggest picking the call: choosing it would be refused too."""
    url = reverse("consents:disclosure_create", kwargs={"client_id": team["client"].uuid})
    data = {
        "organisation": parties["kela"].pk,
        "recipient_description": "Kerttu Kelalainen, työkykyneuvoja",
        "categories": ["identity"],
        "purpose": "case_consultation",
        "channel": "phone",
    }
    with time_machine.travel(helsinki(8, 20), tick=False):
        login(client, team["worker"])
        for other in (
            {"organisation": parties["health"].pk},
            {"categories": ["health"]},
            {"purpose": "health_care"},
        ):
            response = client.post(url, {**data, **other})
            assert response.status_code == 200
            page = response.content.decode()
            assert "Luovutukselle ei ole perustetta" in page
            assert field_errors(page, "oral_consent") == ""
    assert not DisclosureLogEntry.objects.exists()


def test_a_call_just_before_midnight_logged_after_it_is_not_called_a_future_disclosure(
    client, team, parties
):
    """At 0.02 a time of 23.58 is the call of the evening before: refused as made on an earlier
    day, not as "in the future" (it was combined with the new day). 0.10 is still ahead."""
    from consents.factories import ConsentFactory

    consent = ConsentFactory(client=team["client"], parties=[parties["kela"]])
    disclosure_url = reverse(
        "consents:disclosure_create", kwargs={"client_id": team["client"].uuid}
    )
    form = disclosure_form(parties, consent)
    del form["oral_consent"]
    just_after_midnight = helsinki(0, 2) + datetime.timedelta(days=1)
    with time_machine.travel(just_after_midnight, tick=False):
        login(client, team["worker"])
        evening = client.post(disclosure_url, {**form, "disclosed_at": "23:58"})
        ahead = client.post(disclosure_url, {**form, "disclosed_at": "00:10"})
        earlier_tonight = client.post(disclosure_url, {**form, "disclosed_at": "00:01"})
    assert evening.context["form"].errors["disclosed_at"] == [
        "Aiemmin tehdyn luovutuksen voi kirjata vain samana päivänä."
    ]
    assert ahead.context["form"].errors["disclosed_at"] == [
        "Luovutuksen aika ei voi olla tulevaisuudessa."
    ]
    assert earlier_tonight.status_code == 302
    entry = DisclosureLogEntry.objects.get()
    assert entry.at == just_after_midnight - datetime.timedelta(minutes=1)
