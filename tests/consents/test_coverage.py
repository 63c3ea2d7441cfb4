"""The one coverage function: every way a disclosure is allowed or refused."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from consents import actions
from consents.coverage import ConsentEvent, disclosure_basis
from consents.factories import ConsentFactory, StatutoryBasisFactory
from consents.models import ORDINARY_CATEGORIES as ORDINARY
from consents.models import InformationCategory, OralEventKind, Purpose
from services.models import OrganisationKind

C = InformationCategory
P = Purpose


def basis(client, organisation, category=C.IDENTITY, purpose=P.SERVICE_PLANNING, **kwargs):
    return disclosure_basis(
        client=client, organisation=organisation, category=category, purpose=purpose, **kwargs
    )


@pytest.fixture
def client_(team):
    return team["client"]


def test_party_named_by_organisation_is_covered_and_no_other_of_its_kind(client_, parties):
    consent = ConsentFactory(client=client_, parties=[parties["employment"]])
    assert basis(client_, parties["employment"]) == consent
    assert basis(client_, parties["other_employment"]) is None
    assert basis(client_, parties["kela"]) is None


def test_party_named_by_kind_covers_every_organisation_of_the_kind(client_, parties):
    consent = ConsentFactory(client=client_, parties=[OrganisationKind.EMPLOYMENT_SERVICES])
    assert basis(client_, parties["employment"]) == consent
    assert basis(client_, parties["other_employment"]) == consent
    assert basis(client_, parties["health"]) is None


@pytest.mark.parametrize(
    "category", [C.IDENTITY, C.PATHWAY, C.INCOME, C.WORK_CAPACITY], ids=lambda c: c.value
)
def test_each_category_is_covered_only_when_the_consent_includes_it(client_, parties, category):
    others = [c for c in (C.IDENTITY, C.PATHWAY, C.INCOME, C.WORK_CAPACITY) if c != category]
    with_it = ConsentFactory(client=client_, categories=[category], parties=[parties["kela"]])
    without_it = ConsentFactory(client=client_, categories=others, parties=[parties["health"]])
    assert basis(client_, parties["kela"], category) == with_it
    assert basis(client_, parties["health"], category) is None
    assert basis(client_, parties["health"], others[0]) == without_it


def test_health_information_needs_its_separate_tick(client_, parties):
    ConsentFactory(client=client_, parties=[parties["health"]])  # every category but health
    assert basis(client_, parties["health"], C.WORK_CAPACITY) is not None
    assert basis(client_, parties["health"], C.HEALTH) is None
    ticked = ConsentFactory(client=client_, with_health=True, parties=[parties["health"]])
    assert basis(client_, parties["health"], C.HEALTH) == ticked


def test_every_category_asked_for_must_be_covered_by_one_basis(client_, parties):
    ConsentFactory(client=client_, categories=[C.IDENTITY], parties=[parties["kela"]])
    assert basis(client_, parties["kela"], [C.IDENTITY]) is not None
    assert basis(client_, parties["kela"], [C.IDENTITY, C.INCOME]) is None


def test_purpose_outside_the_list_of_the_consent_is_refused(client_, parties):
    ConsentFactory(client=client_, purposes=[P.CASE_CONSULTATION], parties=[parties["kela"]])
    assert basis(client_, parties["kela"], purpose=P.CASE_CONSULTATION) is not None
    assert basis(client_, parties["kela"], purpose=P.KELA_BENEFITS) is None


def test_before_valid_from_refused_and_from_that_day_allowed(client_, parties):
    consent = ConsentFactory(client=client_, upcoming=True, parties=[parties["kela"]])
    assert basis(client_, parties["kela"]) is None
    first_day = timezone.make_aware(datetime.datetime.combine(consent.valid_from, datetime.time(8)))
    assert basis(client_, parties["kela"], at=first_day) == consent


def test_after_valid_until_refused_and_on_the_last_day_allowed(client_, parties):
    today = timezone.localdate()
    consent = ConsentFactory(
        client=client_, valid_until=today + datetime.timedelta(days=5), parties=[parties["kela"]]
    )
    last_day = timezone.make_aware(
        datetime.datetime.combine(consent.valid_until, datetime.time(23, 59))
    )
    assert basis(client_, parties["kela"], at=last_day) == consent
    assert basis(client_, parties["kela"], at=last_day + datetime.timedelta(minutes=2)) is None
    ConsentFactory(client=client_, expired=True, parties=[parties["health"]])
    assert basis(client_, parties["health"]) is None


def test_after_revocation_refused_and_before_it_allowed(client_, parties, team):
    consent = ConsentFactory(client=client_, recorded_by=team["worker"], parties=[parties["kela"]])
    before = timezone.now()
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    assert basis(client_, parties["kela"]) is None
    assert basis(client_, parties["kela"], at=before) == consent


def test_superseded_version_no_longer_covers(client_, parties, team):
    old = ConsentFactory(client=client_, recorded_by=team["worker"], parties=[parties["kela"]])
    terms = actions.ConsentTerms.of(old)
    restricted = actions.change_consent(
        consent=old,
        terms=actions.ConsentTerms(
            **{
                **terms.__dict__,
                "organisations": (),
                "organisation_kinds": (OrganisationKind.EMPLOYMENT_SERVICES,),
                "signed_on": timezone.localdate(),
                "valid_from": timezone.localdate(),
            }
        ),
        changed_by=team["worker"],
    )
    assert basis(client_, parties["kela"]) is None  # the restriction took Kela away
    assert basis(client_, parties["employment"]) == restricted
    old.refresh_from_db()
    assert old.superseded_at == restricted.recorded_at
    assert (
        basis(client_, parties["kela"], at=old.superseded_at - datetime.timedelta(seconds=1)) == old
    )


def test_oral_consent_covers_its_event_and_nothing_after_it(client_, parties):
    session = ConsentEvent(kind=OralEventKind.CONSULTATION_SESSION, reference="istunto-42")
    consent = ConsentFactory(
        client=client_,
        oral=True,
        event_kind=OralEventKind.CONSULTATION_SESSION,
        event_name="Työkyvyn tuen verkoston istunto",
        event_reference="istunto-42",
        purposes=[P.CASE_CONSULTATION],
        parties=[parties["kela"]],
    )
    ask = {"purpose": P.CASE_CONSULTATION}
    assert basis(client_, parties["kela"], event=session, **ask) == consent
    # Outside the event: no event, another event, the same event the next day.
    assert basis(client_, parties["kela"], **ask) is None
    other = ConsentEvent(kind=OralEventKind.CONSULTATION_SESSION, reference="istunto-43")
    assert basis(client_, parties["kela"], event=other, **ask) is None
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert basis(client_, parties["kela"], event=session, at=tomorrow, **ask) is None


def test_oral_consent_covers_nothing_after_its_event_ended_the_same_day(client_, parties):
    consent = ConsentFactory(
        client=client_,
        oral=True,
        event_kind=OralEventKind.CONSULTATION_SESSION,
        event_name="Työkyvyn tuen verkoston istunto",
        event_reference="istunto-42",
        purposes=[P.CASE_CONSULTATION],
        parties=[parties["kela"]],
    )
    # The session ends after the consent was recorded (recorded_at is at most now; early in
    # the morning it is the moment of recording itself).
    now = timezone.now()
    session = ConsentEvent(
        kind=OralEventKind.CONSULTATION_SESSION, reference="istunto-42", ends_at=now
    )
    ask = {"purpose": P.CASE_CONSULTATION}
    assert basis(client_, parties["kela"], event=session, at=now, **ask) == consent
    later = now + datetime.timedelta(seconds=1)
    assert basis(client_, parties["kela"], event=session, at=later, **ask) is None
    # A written consent is not bound to the event's end.
    written = ConsentFactory(
        client=client_, purposes=[P.CASE_CONSULTATION], parties=[parties["kela"]]
    )
    assert basis(client_, parties["kela"], event=session, at=later, **ask) == written


def test_written_consent_also_covers_a_disclosure_within_an_event(client_, parties):
    consent = ConsentFactory(client=client_, parties=[parties["kela"]])
    event = ConsentEvent(kind=OralEventKind.KELA_CALL)
    assert basis(client_, parties["kela"], event=event) == consent


def test_statutory_basis_covers_without_consent(client_, parties, team):
    statute = StatutoryBasisFactory(client=client_)
    found = basis(client_, parties["kela"], C.INCOME, P.KELA_BENEFITS)
    assert found == statute
    assert found.statute.startswith("Laki")
    # Only its own purposes and categories.
    assert basis(client_, parties["kela"], C.HEALTH, P.KELA_BENEFITS) is None
    assert basis(client_, parties["kela"], C.INCOME, P.CASE_CONSULTATION) is None
    actions.end_statutory_basis(basis=statute, ended_by=team["worker"])
    assert basis(client_, parties["kela"], C.INCOME, P.KELA_BENEFITS) is None


def test_a_consent_is_preferred_to_a_statutory_basis(client_, parties):
    StatutoryBasisFactory(client=client_, categories=[C.IDENTITY], purposes=[P.SERVICE_PLANNING])
    consent = ConsentFactory(client=client_, parties=[parties["kela"]])
    assert basis(client_, parties["kela"]) == consent


def test_another_clients_consent_covers_nothing(client_, parties):
    ConsentFactory(parties=[parties["kela"]])
    assert basis(client_, parties["kela"]) is None


def test_coverage_reads_in_at_most_two_queries(client_, parties, django_assert_max_num_queries):
    ConsentFactory(client=client_, parties=[parties["employment"]])
    with django_assert_max_num_queries(2):
        assert basis(client_, parties["kela"]) is None


def test_the_panel_says_a_kind_is_covered_only_for_the_organisations_named(client_, parties):
    """One employment-services organisation named does not cover employment services as a
    kind; a party named by kind does."""
    from consents.coverage import coverage_summary

    ConsentFactory(client=client_, parties=[parties["employment"]])
    summary = coverage_summary(client_)
    assert "Työllisyyspalvelut (muut kuin nimetyt)" in summary.uncovered_kinds
    assert "Kela" in summary.uncovered_kinds

    # Kela is one organisation: naming it covers Kela.
    ConsentFactory(client=client_, parties=[parties["kela"]])
    assert not any("Kela" in kind for kind in coverage_summary(client_).uncovered_kinds)

    ConsentFactory(client=client_, parties=["employment_services", "kela"])
    summary = coverage_summary(client_)
    assert not any("Työllisyyspalvelut" in kind for kind in summary.uncovered_kinds)
    assert "Kela" not in summary.uncovered_kinds


def test_the_summary_marks_an_oral_consent_whose_call_is_over(client_, parties):
    """The client page must not suggest that a call's oral consent still covers after it."""
    from consents.coverage import coverage_summary

    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        consent = ConsentFactory(client=client_, oral=True, parties=[parties["kela"]])
        assert coverage_summary(client_).oral == [consent]  # recorded during the call
        after = consent.event_ends_at + datetime.timedelta(seconds=1)
        summary = coverage_summary(client_, at=after)
    assert (summary.oral, summary.oral_over) == ([], [consent])


def test_covered_organisations_agrees_with_disclosure_basis_for_each(client_, parties, team):
    """The batch answer for many organisations is the one-by-one answer, in three queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from consents.coverage import covered_organisations
    from consents.models import ORDINARY_CATEGORIES as ORDINARY
    from services.factories import OrganisationFactory

    others = [OrganisationFactory(health_care=True) for _ in range(3)]
    ConsentFactory(client=client_, recorded_by=team["worker"], parties=[parties["kela"]])
    ConsentFactory(
        client=client_,
        recorded_by=team["worker"],
        parties=[OrganisationKind.EMPLOYMENT_SERVICES],
        purposes=[P.CASE_CONSULTATION],
    )
    StatutoryBasisFactory(
        client=client_,
        organisation=others[0],
        organisation_kind="",
        purposes=[P.SERVICE_PLANNING],
        categories=list(ORDINARY),
        recorded_by=team["worker"],
    )
    organisations = [parties["kela"], parties["employment"], *others]
    kela, employment = parties["kela"].pk, parties["employment"].pk
    for purpose, covered in (
        (P.SERVICE_PLANNING, {kela, others[0].pk}),  # Kela's consent, the statutory basis
        (P.CASE_CONSULTATION, {kela, employment}),  # and the consent naming the kind
    ):
        expected = {
            o.pk
            for o in organisations
            if disclosure_basis(client=client_, organisation=o, category=ORDINARY, purpose=purpose)
        }
        with CaptureQueriesContext(connection) as queries:
            found = covered_organisations(
                client=client_, organisations=organisations, category=ORDINARY, purpose=purpose
            )
        assert found == expected == covered
        assert len(queries.captured_queries) <= 3


def _named_party(client_, parties, team):
    ConsentFactory(client=client_, parties=[parties["employment"]])
    return [(ORDINARY, P.SERVICE_PLANNING, None, {parties["employment"]})]


def _party_by_kind(client_, parties, team):
    ConsentFactory(client=client_, parties=[OrganisationKind.EMPLOYMENT_SERVICES])
    employment = {parties["employment"], parties["other_employment"]}
    return [(ORDINARY, P.SERVICE_PLANNING, None, employment)]


def _health_without_its_tick(client_, parties, team):
    ConsentFactory(client=client_, parties=[parties["health"]])
    ConsentFactory(client=client_, with_health=True, parties=[parties["kela"]])
    with_health = [*ORDINARY, C.HEALTH]
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, {parties["health"], parties["kela"]}),
        (with_health, P.SERVICE_PLANNING, None, {parties["kela"]}),
    ]


def _before_valid_from(client_, parties, team):
    consent = ConsentFactory(client=client_, upcoming=True, parties=[parties["kela"]])
    first_day = timezone.make_aware(datetime.datetime.combine(consent.valid_from, datetime.time(8)))
    the_day_before = first_day - datetime.timedelta(days=1)
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, set()),
        (ORDINARY, P.SERVICE_PLANNING, the_day_before, set()),
        (ORDINARY, P.SERVICE_PLANNING, first_day, {parties["kela"]}),
    ]


def _after_valid_until(client_, parties, team):
    last = timezone.localdate() + datetime.timedelta(days=5)
    ConsentFactory(client=client_, valid_until=last, parties=[parties["kela"]])
    ConsentFactory(client=client_, expired=True, parties=[parties["health"]])
    last_minute = timezone.make_aware(datetime.datetime.combine(last, datetime.time(23, 59)))
    after = last_minute + datetime.timedelta(minutes=2)
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, {parties["kela"]}),
        (ORDINARY, P.SERVICE_PLANNING, last_minute, {parties["kela"]}),
        (ORDINARY, P.SERVICE_PLANNING, after, set()),
    ]


def _revoked(client_, parties, team):
    consent = ConsentFactory(client=client_, recorded_by=team["worker"], parties=[parties["kela"]])
    before = timezone.now()
    actions.revoke_consent(
        consent=consent,
        revoked_by=team["worker"],
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, set()),
        (ORDINARY, P.SERVICE_PLANNING, before, {parties["kela"]}),
    ]


def _superseded(client_, parties, team):
    old = ConsentFactory(client=client_, recorded_by=team["worker"], parties=[parties["kela"]])
    terms = actions.ConsentTerms.of(old)
    actions.change_consent(
        consent=old,
        terms=actions.ConsentTerms(
            **{
                **terms.__dict__,
                "organisations": (),
                "organisation_kinds": (OrganisationKind.EMPLOYMENT_SERVICES,),
                "signed_on": timezone.localdate(),
                "valid_from": timezone.localdate(),
            }
        ),
        changed_by=team["worker"],
    )
    old.refresh_from_db()
    just_before = old.superseded_at - datetime.timedelta(seconds=1)
    employment = {parties["employment"], parties["other_employment"]}
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, employment),
        (ORDINARY, P.SERVICE_PLANNING, just_before, {parties["kela"]}),
    ]


def _oral(client_, parties, team):
    # Covers its own event only, which a membership is not: never through covers_outer.
    consent = ConsentFactory(client=client_, oral=True, parties=[parties["kela"]])
    during = consent.event_starts_at + datetime.timedelta(minutes=1)
    return [
        (ORDINARY, P.SERVICE_PLANNING, None, set()),
        (ORDINARY, P.SERVICE_PLANNING, during, set()),
    ]


def _statutory_basis(client_, parties, team):
    by_kind = StatutoryBasisFactory(client=client_)  # Kela, income, Kela benefits
    StatutoryBasisFactory(
        client=client_,
        organisation=parties["health"],
        organisation_kind="",
        purposes=[P.SERVICE_PLANNING],
        categories=list(ORDINARY),
    )
    before = timezone.now()
    actions.end_statutory_basis(basis=by_kind, ended_by=team["worker"])
    return [
        (C.INCOME, P.KELA_BENEFITS, before, {parties["kela"]}),
        (C.INCOME, P.KELA_BENEFITS, None, set()),
        (C.HEALTH, P.KELA_BENEFITS, before, set()),
        (ORDINARY, P.SERVICE_PLANNING, None, {parties["health"]}),
        ([*ORDINARY, C.HEALTH], P.SERVICE_PLANNING, None, set()),
    ]


@pytest.mark.parametrize(
    "case",
    [
        _named_party,
        _party_by_kind,
        _health_without_its_tick,
        _before_valid_from,
        _after_valid_until,
        _revoked,
        _superseded,
        _oral,
        _statutory_basis,
    ],
    ids=lambda case: case.__name__.strip("_"),
)
def test_covers_outer_agrees_with_disclosure_basis_over_team_memberships(
    client_, parties, team, case
):
    """The condition the team's reads are limited by (clients.team_scope.still_disclosed)
    holds for a care-team membership exactly when disclosure_basis finds a basis for its
    client and organisation: a member of each party organisation on the client's team and
    on another client's, who has no consent."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.factories import ClientFactory, add_member
    from clients.models import CareTeamMembership, TeamRole
    from consents.coverage import covers_outer
    from services.factories import UnitFactory

    asked = case(client_, parties, team)
    other = ClientFactory(responsible_worker=team["worker"])
    for organisation in parties.values():
        user = make_user(Role.WORK_COACH, UnitFactory(organisation=organisation))
        for client in (client_, other):
            add_member(client, user, TeamRole.COACH, organisation=organisation)
    memberships = CareTeamMembership.objects.filter(
        client__in=[client_, other], organisation__in=list(parties.values())
    ).select_related("client", "organisation")
    assert memberships.count() == 2 * len(parties)

    for category, purpose, at, covered in asked:
        expected = {
            (m.client_id, m.organisation_id)
            for m in memberships
            if disclosure_basis(
                client=m.client,
                organisation=m.organisation,
                category=category,
                purpose=purpose,
                at=at,
            )
        }
        found = set(
            memberships.filter(covers_outer(category=category, purpose=purpose, at=at)).values_list(
                "client_id", "organisation_id"
            )
        )
        assert found == expected == {(client_.pk, o.pk) for o in covered}, (category, at)
