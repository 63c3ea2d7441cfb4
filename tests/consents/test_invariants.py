"""The database refuses what DOMAIN.md forbids, whatever the code above it does."""

import datetime

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from consents.factories import ConsentFactory, StatutoryBasisFactory, event_hour
from consents.models import (
    EVENT_TIME_ZONE,
    Consent,
    ConsentParty,
    InformationCategory,
    OralEventKind,
)

TODAY = timezone.localdate


def helsinki(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=EVENT_TIME_ZONE)


def refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(**fields)


@pytest.fixture
def client_(team):
    return team["client"]


def test_health_information_without_its_separate_tick_is_refused(client_):
    refused(client=client_, categories=["identity", "health"], health_confirmed=False)
    refused(client=client_, categories=["identity"], health_confirmed=True)


def test_at_least_one_purpose_and_one_category_from_the_fixed_lists(client_):
    refused(client=client_, purposes=[])
    refused(client=client_, purposes=["marketing"])
    refused(client=client_, categories=[])
    refused(client=client_, categories=["everything"])


def test_valid_until_not_before_valid_from_nor_valid_before_given(client_):
    today = timezone.localdate()
    refused(client=client_, valid_from=today, valid_until=today - datetime.timedelta(days=1))
    refused(client=client_, signed_on=today, valid_from=today - datetime.timedelta(days=1))


def test_oral_consent_must_name_its_one_event(client_):
    refused(client=client_, oral=True, event_name="")
    refused(client=client_, oral=True, event_kind="")
    refused(client=client_, oral=True, event_date=None, **event_hour(TODAY()))
    today = timezone.localdate()
    refused(client=client_, oral=True, valid_until=today + datetime.timedelta(days=1))
    # A written consent has no event.
    refused(
        client=client_,
        event_name="Puhelu",
        event_kind="kela_call",
        event_date=today,
        **event_hour(today),
    )


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
                "event_starts_at": helsinki(TODAY() - datetime.timedelta(days=1), 23),
                "event_ends_at": helsinki(TODAY(), 1),
            },
            "consent_oral_event_on_its_day",
        ),
        (
            {
                "event_starts_at": helsinki(TODAY(), 23),
                "event_ends_at": helsinki(TODAY() + datetime.timedelta(days=1), 1),
            },
            "consent_oral_event_on_its_day",
        ),
    ],
)
def test_an_oral_consents_event_has_its_start_and_end_on_its_day(client_, fields, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ConsentFactory(client=client_, oral=True, **fields)


def test_a_written_consent_records_no_event_times(client_):
    with pytest.raises(IntegrityError, match="consent_oral_event_timed"), transaction.atomic():
        ConsentFactory(client=client_, **event_hour(TODAY()))


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


def test_guardian_or_representative_needs_name_and_basis(client_):
    refused(client=client_, by_guardian=True, giver_name="")
    refused(client=client_, by_guardian=True, giver_basis="")
    refused(client=client_, giver_name="Joku Muu")  # the client gives: no other name


def test_other_form_needs_a_description(client_):
    refused(client=client_, form="other", form_description="")


def test_revocation_needs_when_through_whom_and_how(client_, team):
    consent = ConsentFactory(client=client_)
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(
            revoked_at=timezone.now(),
            revoked_on=timezone.localdate(),
            revoked_by=team["worker"],
            revocation_method="phone",
            revoked_through="",
        )


def test_revocation_is_not_dated_before_the_consent_was_given(client_, team):
    today = timezone.localdate()
    consent = ConsentFactory(client=client_, signed_on=today - datetime.timedelta(days=10))
    revocation = {
        "revoked_at": timezone.now(),
        "revoked_by": team["worker"],
        "revocation_method": "phone",
        "revoked_through": "Asiakas itse",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(
            revoked_on=today - datetime.timedelta(days=11), **revocation
        )
    Consent.objects.filter(pk=consent.pk).update(
        revoked_on=today - datetime.timedelta(days=10), **revocation
    )


def test_one_current_version_per_consent(client_):
    first = ConsentFactory(client=client_)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentFactory(client=client_, series=first.series, version=2, supersedes=first)


def test_version_content_is_read_only_and_versions_are_never_deleted(client_):
    consent = ConsentFactory(client=client_)
    with pytest.raises(DatabaseError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(purposes=["case_consultation"])
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentParty.objects.filter(consent=consent).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).delete()


def test_a_party_is_an_organisation_or_a_kind_never_both_or_neither(client_, parties):
    consent = ConsentFactory(client=client_, parties=[])
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentParty.objects.create(consent=consent)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentParty.objects.create(
            consent=consent, organisation=parties["kela"], organisation_kind="kela"
        )


def test_statutory_basis_must_name_the_statute(client_):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatutoryBasisFactory(client=client_, statute="")


def test_categories_health_tick_is_consistent_in_statutory_basis_lists(client_):
    basis = StatutoryBasisFactory(client=client_, categories=[InformationCategory.HEALTH])
    assert basis.categories == ["health"]
