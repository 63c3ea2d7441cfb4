"""The database refuses what DOMAIN.md forbids, whatever the code above it does.

Each refused write breaks exactly one rule and names it: a check or unique
constraint raises IntegrityError with the constraint's name; a pgtrigger
trigger (read-only content, append-only parties, no deletes) raises a PL/pgSQL
exception, which Django surfaces as ProgrammingError, with the trigger's text.
"""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from consents.factories import ConsentFactory, StatutoryBasisFactory, event_hour, kela
from consents.models import (
    EVENT_TIME_ZONE,
    MAX_SCAN_BYTES,
    Consent,
    ConsentParty,
    ConsentScan,
    InformationCategory,
    OralEventKind,
    StatutoryBasis,
)

TODAY = timezone.localdate
# The parametrised cases below are built from the day the module is collected; the tests
# run at noon of that day, so a run across Helsinki midnight does not shift them.
COLLECTED_ON = TODAY()


@pytest.fixture(autouse=True)
def _the_day_the_cases_were_built():
    noon = datetime.datetime.combine(COLLECTED_ON, datetime.time(12), tzinfo=EVENT_TIME_ZONE)
    with time_machine.travel(noon):
        yield


def refused(constraint, **fields):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ConsentFactory(**fields)


def update_refused(model, pk, constraint, **fields):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        model.objects.filter(pk=pk).update(**fields)


def helsinki(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=EVENT_TIME_ZONE)


@pytest.fixture
def client_(team):
    return team["client"]


@pytest.fixture
def revocation(team):
    """A complete revocation, today, through the client."""
    return {
        "revoked_at": timezone.now(),
        "revoked_on": timezone.localdate(),
        "revoked_by": team["worker"],
        "revocation_method": "phone",
        "revoked_through": "Asiakas itse",
    }


DAY = datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        # Health information is a special category: its own tick, and the tick means it.
        (
            {"categories": ["identity", "health"], "health_confirmed": False},
            "consent_health_separately_confirmed",
        ),
        (
            {"categories": ["identity"], "health_confirmed": True},
            "consent_health_separately_confirmed",
        ),
        # At least one purpose and one category, from the fixed lists.
        ({"purposes": []}, "consent_purposes_from_list"),
        ({"purposes": ["marketing"]}, "consent_purposes_from_list"),
        ({"categories": []}, "consent_categories_from_list"),
        ({"categories": ["everything"]}, "consent_categories_from_list"),
        # Valid from the day it was given, until a day not before that.
        (
            {"valid_from": TODAY(), "valid_until": TODAY() - DAY},
            "consent_valid_until_after_from",
        ),
        ({"signed_on": TODAY(), "valid_from": TODAY() - DAY}, "consent_valid_from_after_given"),
        # A guardian or representative is named with the basis; the client gives alone.
        ({"by_guardian": True, "giver_name": ""}, "consent_giver_named"),
        ({"by_guardian": True, "giver_basis": ""}, "consent_giver_named"),
        ({"giver_name": "Joku Muu"}, "consent_giver_named"),
        ({"form": "other", "form_description": ""}, "consent_other_form_described"),
        # An oral consent names its one event, on whose day alone it is valid.
        ({"oral": True, "event_name": ""}, "consent_oral_bound_to_event"),
        ({"oral": True, "event_kind": ""}, "consent_oral_bound_to_event"),
        (
            {"oral": True, "event_date": None, **event_hour(TODAY())},
            "consent_oral_bound_to_event",
        ),
        ({"oral": True, "valid_until": TODAY() + DAY}, "consent_oral_bound_to_event"),
        # A written consent has no event.
        (
            {
                "event_name": "Puhelu",
                "event_kind": "kela_call",
                "event_date": TODAY(),
                **event_hour(TODAY()),
            },
            "consent_oral_bound_to_event",
        ),
    ],
)
def test_a_consent_version_is_refused_when_it_breaks_a_rule(client_, fields, constraint):
    refused(constraint, client=client_, **fields)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        # A call with Kela is over when its recorded end says so: the end must be there.
        ({"event_starts_at": None, "event_ends_at": None}, "consent_oral_event_timed"),
        ({"event_ends_at": None}, "consent_oral_event_timed"),
        ({"event_starts_at": None}, "consent_oral_event_timed"),
        # A session's times are the session's own: none recorded with its consent.
        (
            {
                "event_kind": OralEventKind.CONSULTATION_SESSION,
                "event_reference": "42",
                **event_hour(TODAY()),
            },
            "consent_oral_event_timed",
        ),
        (
            {"event_starts_at": helsinki(TODAY(), 9), "event_ends_at": helsinki(TODAY(), 9)},
            "consent_oral_event_ends_after_start",
        ),
        (
            {"event_starts_at": helsinki(TODAY(), 9), "event_ends_at": helsinki(TODAY(), 8)},
            "consent_oral_event_ends_after_start",
        ),
        # One event on one day: not from the evening before, nor past midnight.
        (
            {
                "event_starts_at": helsinki(TODAY() - DAY, 23),
                "event_ends_at": helsinki(TODAY(), 1),
            },
            "consent_oral_event_on_its_day",
        ),
        (
            {
                "event_starts_at": helsinki(TODAY(), 23),
                "event_ends_at": helsinki(TODAY() + DAY, 1),
            },
            "consent_oral_event_on_its_day",
        ),
    ],
)
def test_an_oral_consents_event_has_its_start_and_end_on_its_day(client_, fields, constraint):
    refused(constraint, client=client_, oral=True, **fields)


def test_an_oral_consent_is_recorded_on_its_events_day(client_):
    """During or after its event the same day, never days later (nor ahead of the day)."""
    today = TODAY()
    ConsentFactory(client=client_, oral=True, recorded_at=helsinki(today, 23, 59))
    for recorded_at in (helsinki(today + DAY, 0, 1), helsinki(today - DAY, 23, 59)):
        refused(
            "consent_oral_recorded_on_event_day",
            client=client_,
            oral=True,
            recorded_at=recorded_at,
        )
    # A written consent is recorded whenever: the paper was signed before.
    ConsentFactory(client=client_, recorded_at=helsinki(today, 9))


def test_a_written_consent_records_no_event_times(client_):
    refused("consent_oral_event_timed", client=client_, **event_hour(TODAY()))


def test_the_event_day_is_helsinkis_day_from_its_first_to_its_last_moment(client_):
    """00.30 in Helsinki is still the previous day in UTC; the end of day is the old
    whole-day window the migration gave existing oral consents."""
    today = TODAY()
    early = ConsentFactory(
        client=client_,
        oral=True,
        event_starts_at=helsinki(today, 0, 30),
        event_ends_at=helsinki(today, 1),
    )
    assert early.event_starts_at.astimezone(datetime.UTC).date() < today
    whole_day = ConsentFactory(
        client=client_,
        oral=True,
        event_starts_at=datetime.datetime.combine(today, datetime.time.min, EVENT_TIME_ZONE),
        event_ends_at=datetime.datetime.combine(today, datetime.time.max, EVENT_TIME_ZONE),
    )
    assert Consent.objects.filter(pk__in=[early.pk, whole_day.pk]).count() == 2


def test_revocation_needs_when_through_whom_and_how(client_, revocation):
    consent = ConsentFactory(client=client_)
    constraint = "consent_revocation_complete"
    update_refused(Consent, consent.pk, constraint, revoked_at=timezone.now())
    update_refused(Consent, consent.pk, constraint, **{**revocation, "revoked_through": ""})


def test_revocation_is_not_dated_before_the_consent_was_given(client_, revocation):
    today = TODAY()
    consent = ConsentFactory(client=client_, signed_on=today - datetime.timedelta(days=10))
    update_refused(
        Consent,
        consent.pk,
        "consent_revoked_not_before_given",
        **{**revocation, "revoked_on": today - datetime.timedelta(days=11)},
    )
    Consent.objects.filter(pk=consent.pk).update(
        **{**revocation, "revoked_on": today - datetime.timedelta(days=10)}
    )


# Versions


def superseded(consent):
    Consent.objects.filter(pk=consent.pk).update(superseded_at=timezone.now())
    consent.refresh_from_db()
    return consent


def test_one_current_version_per_consent(client_):
    first = ConsentFactory(client=client_)
    refused(
        "consent_one_current_version",
        client=client_,
        series=first.series,
        version=2,
        supersedes=first,
    )


def test_a_version_number_is_used_once_per_consent(client_):
    first = superseded(ConsentFactory(client=client_))
    refused(
        "consent_version_unique",
        client=client_,
        series=first.series,
        version=1,
        superseded_at=timezone.now(),
    )


def test_the_first_version_alone_supersedes_nothing(client_):
    """Version 1 starts a chain; every later version points at the one it replaced."""
    refused("consent_version_chain", client=client_, version=2)
    other = ConsentFactory(client=client_)
    refused("consent_version_chain", client=client_, version=1, supersedes=other)


def test_a_version_is_superseded_or_revoked_never_both(client_, revocation):
    consent = ConsentFactory(client=client_)
    update_refused(
        Consent,
        consent.pk,
        "consent_superseded_or_revoked",
        superseded_at=timezone.now(),
        **revocation,
    )


def test_a_version_is_not_superseded_before_it_was_recorded(client_):
    consent = ConsentFactory(client=client_)
    update_refused(
        Consent,
        consent.pk,
        "consent_superseded_after_recorded",
        superseded_at=consent.recorded_at - datetime.timedelta(seconds=1),
    )
    Consent.objects.filter(pk=consent.pk).update(superseded_at=consent.recorded_at)


def test_version_content_is_read_only_and_versions_are_never_deleted(client_):
    consent = ConsentFactory(client=client_)
    with (
        pytest.raises(ProgrammingError, match="Cannot update rows from consents_consent table"),
        transaction.atomic(),
    ):
        Consent.objects.filter(pk=consent.pk).update(purposes=["case_consultation"])
    # The event's times are content too: a call does not get longer afterwards.
    call = ConsentFactory(client=client_, oral=True)
    Consent.objects.filter(pk=call.pk).update(event_ends_at=call.event_ends_at)  # unchanged
    with (
        pytest.raises(ProgrammingError, match="Cannot update rows from consents_consent table"),
        transaction.atomic(),
    ):
        Consent.objects.filter(pk=call.pk).update(
            event_ends_at=call.event_ends_at + datetime.timedelta(minutes=1)
        )
    # No parties or scans hold on to it: the trigger, not Django's PROTECT, refuses.
    alone = ConsentFactory(client=client_, parties=[])
    with (
        pytest.raises(ProgrammingError, match="Cannot delete rows from consents_consent table"),
        transaction.atomic(),
    ):
        Consent.objects.filter(pk=alone.pk).delete()
    assert Consent.objects.filter(pk=alone.pk).exists()


# Parties


def test_a_party_is_an_organisation_or_a_kind_never_both_or_neither(client_, parties):
    consent = ConsentFactory(client=client_, parties=[])
    constraint = "consent_party_organisation_or_kind"
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ConsentParty.objects.create(consent=consent)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ConsentParty.objects.create(
            consent=consent, organisation=parties["kela"], organisation_kind="kela"
        )


def test_a_party_is_named_once_per_version(client_, parties):
    consent = ConsentFactory(client=client_, parties=[parties["kela"], "employment_services"])
    with (
        pytest.raises(IntegrityError, match="consent_party_organisation_once"),
        transaction.atomic(),
    ):
        ConsentParty.objects.create(consent=consent, organisation=parties["kela"])
    with pytest.raises(IntegrityError, match="consent_party_kind_once"), transaction.atomic():
        ConsentParty.objects.create(consent=consent, organisation_kind="employment_services")
    # The same organisation in another version is another row.
    other = ConsentFactory(client=client_, parties=[parties["kela"]])
    assert other.parties.get().organisation == parties["kela"]


PARTY_APPEND_ONLY = "Cannot update or delete rows from consents_consentparty table"


def test_party_rows_are_append_only(client_, parties):
    consent = ConsentFactory(client=client_, parties=[parties["kela"]])
    party = consent.parties.get()
    with (
        pytest.raises(ProgrammingError, match=PARTY_APPEND_ONLY),
        transaction.atomic(),
    ):
        ConsentParty.objects.filter(pk=party.pk).update(organisation=parties["health"])
    with (
        pytest.raises(ProgrammingError, match=PARTY_APPEND_ONLY),
        transaction.atomic(),
    ):
        ConsentParty.objects.filter(pk=party.pk).delete()
    assert consent.parties.get().organisation == parties["kela"]


# Scans


@pytest.fixture
def scan_row(client_, team):
    """A valid scan row of a written consent, to be broken one field at a time."""
    consent = ConsentFactory(client=client_)
    counter = iter(range(100))

    def make(**fields):
        return ConsentScan.objects.create(
            **{
                "consent": consent,
                "stored_name": f"scan-{next(counter)}",
                "original_name": "y100.pdf",
                "content_type": "application/pdf",
                "size": 1,
                "sha256": "0" * 64,
                "status": "not_scanned",
                "uploaded_by": team["worker"],
                **fields,
            }
        )

    return make


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"size": 0}, "consent_scan_size"),
        ({"size": MAX_SCAN_BYTES + 1}, "consent_scan_size"),
        ({"content_type": "application/x-msdownload"}, "consent_scan_content_type"),
        ({"content_type": ""}, "consent_scan_content_type"),
        # A verdict has its time; a file not (yet) scanned has none.
        ({"status": "clean"}, "consent_scan_scanned_at"),
        ({"status": "infected"}, "consent_scan_scanned_at"),
        ({"status": "pending", "scanned_at": timezone.now()}, "consent_scan_scanned_at"),
        ({"status": "not_scanned", "scanned_at": timezone.now()}, "consent_scan_scanned_at"),
    ],
)
def test_a_scan_row_is_refused_for_what_the_upload_check_refuses(scan_row, fields, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        scan_row(**fields)


def test_the_scan_edges_are_accepted(scan_row):
    scan_row(size=1)
    scan_row(size=MAX_SCAN_BYTES, content_type="image/png")
    scan_row(status="clean", scanned_at=timezone.now(), content_type="image/jpeg")
    scan_row(status="pending")
    assert ConsentScan.objects.count() == 4


# Statutory bases


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"statute": ""}, "statutory_basis_names_statute"),
        (
            {"organisation": "kela", "organisation_kind": "kela"},
            "statutory_basis_organisation_or_kind",
        ),
        ({"organisation_kind": ""}, "statutory_basis_organisation_or_kind"),
        ({"purposes": []}, "statutory_basis_purposes"),
        ({"purposes": ["marketing"]}, "statutory_basis_purposes"),
        ({"categories": []}, "statutory_basis_categories"),
        ({"categories": ["everything"]}, "statutory_basis_categories"),
        (
            {"valid_from": TODAY(), "valid_until": TODAY() - datetime.timedelta(days=1)},
            "statutory_basis_period",
        ),
        ({"ended_at": timezone.now()}, "statutory_basis_ended_complete"),
        ({"ended_by": "worker"}, "statutory_basis_ended_complete"),
    ],
)
def test_a_statutory_basis_is_refused_when_it_breaks_a_rule(client_, team, fields, constraint):
    # Objects are named in the parameters and made here, inside the test's database.
    made = {"kela": kela, "worker": lambda: team["worker"]}
    fields = {
        name: made[value]() if name in ("organisation", "ended_by") else value
        for name, value in fields.items()
    }
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        StatutoryBasisFactory(client=client_, **fields)


def test_a_statutory_basis_is_read_only_but_may_be_ended_and_is_never_deleted(client_, team):
    basis = StatutoryBasisFactory(client=client_)
    with (
        pytest.raises(
            ProgrammingError, match="Cannot update rows from consents_statutorybasis table"
        ),
        transaction.atomic(),
    ):
        StatutoryBasis.objects.filter(pk=basis.pk).update(statute="Muu laki")
    StatutoryBasis.objects.filter(pk=basis.pk).update(
        ended_at=timezone.now(), ended_by=team["worker"]
    )
    with (
        pytest.raises(
            ProgrammingError, match="Cannot delete rows from consents_statutorybasis table"
        ),
        transaction.atomic(),
    ):
        StatutoryBasis.objects.filter(pk=basis.pk).delete()
    basis.refresh_from_db()
    assert (basis.statute, basis.ended_by) == (
        "Laki Kansaneläkelaitoksen etuuksista 1099/2022 (esimerkki)",
        team["worker"],
    )


def test_categories_health_tick_is_consistent_in_statutory_basis_lists(client_):
    basis = StatutoryBasisFactory(client=client_, categories=[InformationCategory.HEALTH])
    assert basis.categories == ["health"]
