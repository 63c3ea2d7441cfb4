"""Changing makes a new version; revoking ends the consent at once and sets the
notification tasks; pghistory keeps the change history."""

import dataclasses
import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AccessLogEntry, DisclosureLogEntry
from consents import actions
from consents.coverage import DisclosureNotCovered, disclosure_basis, record_disclosure
from consents.factories import ConsentFactory
from consents.models import Consent, InformationCategory, Purpose
from notifications.actions import complete_task
from notifications.models import Task
from services.models import OrganisationKind


@pytest.fixture
def consent(team, parties):
    """Kela and the employment-services kind, plus a named health-care organisation."""
    return ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"], OrganisationKind.EMPLOYMENT_SERVICES, parties["health"]],
    )


def revoke(consent, by, **kwargs):
    return actions.revoke_consent(
        consent=consent,
        revoked_by=by,
        revoked_on=kwargs.pop("revoked_on", timezone.localdate()),
        method=kwargs.pop("method", "in_person"),
        through=kwargs.pop("through", "Asiakas itse vastuutyöntekijälle"),
        **kwargs,
    )


def test_revocation_creates_one_task_per_party_and_the_kela_secure_email_task(consent, team):
    revoked = revoke(consent, team["sote"])
    tasks = Task.objects.filter(client_id=team["client"].uuid).order_by("pk")
    assert tasks.count() == 3  # one per party
    assert all(task.assignee == team["worker"] for task in tasks)  # the responsible worker's
    kela_tasks = tasks.filter(kind=actions.SEND_REVOCATION_TO_KELA)
    assert [t.title for t in kela_tasks] == ["Lähetä peruutus Kelaan suojatulla sähköpostilla"]
    others = sorted(t.title for t in tasks.filter(kind=actions.NOTIFY_PARTY_OF_REVOCATION))
    assert others == [
        "Ilmoita suostumuksen peruutuksesta: Terveysasema",
        "Ilmoita suostumuksen peruutuksesta: Työllisyyspalvelut (kaikki)",
    ]
    link = f"/clients/{team['client'].uuid}/consents/{revoked.pk}/"
    assert {t.link for t in tasks} == {link}
    assert {t.concerning for t in tasks} == {revoked}
    assert all(t.due_date and t.due_date >= timezone.localdate() for t in tasks)


def test_no_task_to_tell_the_own_organisation_nor_the_one_the_revocation_came_through(
    team, parties
):
    """The register's own organisation sees the revocation in Polku at once; Kela, through
    which the client revoked, knows it: the worker is asked to tell the others only."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[team["client"].organisation, parties["kela"], parties["health"]],
    )
    revoke(
        consent,
        team["worker"],
        through="Kelan työkykyneuvoja",
        through_organisation=parties["kela"],
    )
    tasks = Task.objects.filter(client_id=team["client"].uuid)
    assert [t.title for t in tasks] == ["Ilmoita suostumuksen peruutuksesta: Terveysasema"]


def test_a_change_tells_the_other_parties_but_not_the_own_organisation(team, parties):
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[team["client"].organisation, parties["health"]],
    )
    terms = actions.ConsentTerms.of(consent)
    actions.change_consent(
        consent=consent,
        terms=dataclasses.replace(terms, organisations=(parties["health"],)),
        changed_by=team["worker"],
    )
    tasks = Task.objects.filter(client_id=team["client"].uuid)
    assert [t.title for t in tasks] == ["Ilmoita suostumuksen muutoksesta: Terveysasema"]


def test_each_task_is_checked_off_with_a_date(consent, team):
    revoke(consent, team["worker"])
    task = Task.objects.get(kind=actions.SEND_REVOCATION_TO_KELA)
    done = complete_task(task=task, by=team["worker"], done_on=timezone.localdate())
    assert done.done_on == timezone.localdate()
    assert done.done_by == team["worker"]


def test_revocation_takes_effect_for_a_disclosure_in_the_same_second(consent, team, parties):
    with time_machine.travel(timezone.now(), tick=False):
        assert disclosure_basis(
            client=team["client"],
            organisation=parties["kela"],
            category=InformationCategory.IDENTITY,
            purpose=Purpose.SERVICE_PLANNING,
        )
        revoke(consent, team["worker"])
        with pytest.raises(DisclosureNotCovered):
            record_disclosure(
                actor=team["worker"],
                client=team["client"],
                organisation=parties["kela"],
                category=InformationCategory.IDENTITY,
                purpose=Purpose.SERVICE_PLANNING,
                channel="phone",
            )
    assert not DisclosureLogEntry.objects.filter(client_id=team["client"].uuid).exists()


def test_revocation_records_when_through_whom_and_how(consent, team, parties):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    revoked = revoke(
        consent,
        team["worker"],
        revoked_on=yesterday,
        method="phone",
        through="Kelan työkykyneuvoja",
        through_organisation=parties["kela"],
        note="Asiakas soitti Kelaan.",
    )
    revoked.refresh_from_db()
    assert revoked.revoked_on == yesterday
    assert revoked.revocation_method == "phone"
    assert revoked.revoked_through == "Kelan työkykyneuvoja"
    assert revoked.revoked_through_organisation == parties["kela"]
    assert revoked.revoked_by == team["worker"]
    assert revoked.revoked_at is not None
    row = AccessLogEntry.objects.get(action="consents.consent.revoked")
    assert row.object_id == str(revoked.pk)
    assert row.basis == "care_team"


def test_revoking_twice_or_a_superseded_version_is_refused(consent, team):
    revoke(consent, team["worker"])
    with pytest.raises(ValidationError):
        revoke(consent, team["worker"])
    assert Task.objects.count() == 3  # the refused repeat created nothing


def test_revocation_day_in_the_future_is_refused(consent, team):
    with pytest.raises(ValidationError):
        revoke(
            consent, team["worker"], revoked_on=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_revocation_day_before_the_consent_was_given_is_refused(team, parties):
    today = timezone.localdate()
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        signed_on=today - datetime.timedelta(days=30),
        parties=[parties["kela"]],
    )
    with pytest.raises(ValidationError) as error:
        revoke(consent, team["worker"], revoked_on=today - datetime.timedelta(days=31))
    assert error.value.message_dict["revoked_on"] == [
        "Peruutuspäivä ei voi olla ennen kuin suostumus annettiin "
        f"({today - datetime.timedelta(days=30):%-d.%-m.%Y})."
    ]
    consent.refresh_from_db()
    assert not consent.is_revoked and not Task.objects.exists()  # nothing half-saved
    assert revoke(consent, team["worker"], revoked_on=today - datetime.timedelta(days=30))


def _restricted_terms(consent, **changes):
    terms = actions.ConsentTerms.of(consent)
    today = timezone.localdate()
    return actions.ConsentTerms(
        **{**terms.__dict__, "signed_on": today, "valid_from": today, **changes}
    )


def test_change_creates_a_new_version_that_supersedes_the_old(consent, team, parties):
    new = actions.change_consent(
        consent=consent,
        terms=_restricted_terms(consent, organisations=(parties["kela"],), organisation_kinds=()),
        changed_by=team["sote"],
    )
    consent.refresh_from_db()
    assert new.version == 2
    assert new.series == consent.series
    assert new.supersedes == consent
    assert consent.superseded_at == new.recorded_at
    assert new.recorded_by == team["sote"]
    history = list(Consent.objects.filter(series=consent.series).order_by("version"))
    assert [(v.version, v.recorded_by) for v in history] == [
        (1, team["worker"]),
        (2, team["sote"]),
    ]
    # Every party of either version is told, Kela by secure e-mail.
    kinds = sorted(Task.objects.values_list("kind", flat=True))
    assert kinds == [
        actions.NOTIFY_PARTY_OF_CHANGE,
        actions.NOTIFY_PARTY_OF_CHANGE,
        actions.SEND_CHANGE_TO_KELA,
    ]
    with pytest.raises(ValidationError):  # the old version can no longer be changed
        actions.change_consent(
            consent=consent, terms=_restricted_terms(consent), changed_by=team["worker"]
        )


def test_pghistory_keeps_every_change_with_its_actor(consent, team):
    revoke(consent, team["worker"])
    events = list(consent.events.order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].revoked_at is not None
    context = events[-1].pgh_context
    assert context.metadata["action"] == "consents.consent.revoked"
    assert context.metadata["user"] == team["worker"].pk
    assert consent.parties.first().events.count() == 1


def test_terms_refuse_health_among_ordinary_categories_and_no_parties(team):
    terms = actions.ConsentTerms(
        method="signature",
        form="kela_y100",
        purposes=(Purpose.SERVICE_PLANNING,),
        categories=(InformationCategory.HEALTH,),
        signed_on=timezone.localdate(),
        valid_from=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        actions.record_consent(client=team["client"], terms=terms, recorded_by=team["worker"])
    assert set(error.value.error_dict) == {"health", "organisations"}
    assert not Consent.objects.exists()


def test_pghistory_keeps_scans_and_statutory_bases(consent, team):
    from consents.factories import StatutoryBasisFactory, make_scan

    scan = make_scan(consent, team["worker"])
    assert [e.pgh_label for e in scan.events.all()] == ["insert"]
    basis = StatutoryBasisFactory(client=team["client"])
    actions.end_statutory_basis(basis=basis, ended_by=team["worker"])
    events = list(basis.events.order_by("pgh_id"))
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert events[-1].ended_by_id == team["worker"].pk
    assert events[-1].pgh_context.metadata["action"] == "consents.statutory_basis.ended"


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def test_a_change_signed_in_advance_keeps_the_old_version_covering_until_it_starts(
    consent, team, parties
):
    """A renewal signed today that starts in ten days, without health care: until then the
    old version covers (health care too), from its first day the new one; nothing lapses in
    between, and each says so."""
    from consents.coverage import coverage_summary

    today = timezone.localdate()
    start = today + datetime.timedelta(days=10)
    new = actions.change_consent(
        consent=consent,
        terms=_restricted_terms(
            consent,
            valid_from=start,
            organisations=(parties["kela"],),
            organisation_kinds=(OrganisationKind.EMPLOYMENT_SERVICES,),
        ),
        changed_by=team["worker"],
    )
    consent.refresh_from_db()
    assert consent.superseded_at == _midnight(start)
    ask = {"client": team["client"], "category": "identity", "purpose": "service_planning"}
    health, kela = parties["health"], parties["kela"]
    assert disclosure_basis(**ask, organisation=health) == consent
    assert disclosure_basis(**ask, organisation=kela) == consent
    last_moment = _midnight(start) - datetime.timedelta(microseconds=1)
    assert disclosure_basis(**ask, organisation=health, at=last_moment) == consent
    assert disclosure_basis(**ask, organisation=health, at=_midnight(start)) is None
    assert disclosure_basis(**ask, organisation=kela, at=_midnight(start)) == new

    day_before = start - datetime.timedelta(days=1)
    assert consent.status_on(today) == f"Voimassa, kunnes uusi versio alkaa {start:%-d.%-m.%Y}"
    assert new.status_on(today) == "Ei vielä voimassa"
    summary = coverage_summary(team["client"])
    assert summary.upcoming == [new]
    assert {(row.party, row.valid_until, row.expiring) for row in summary.covered} == {
        ("Kela", day_before, False),
        ("Työllisyyspalvelut (kaikki)", day_before, False),
        ("Terveysasema", day_before, False),
    }


def test_revoking_or_changing_again_before_the_new_version_starts_ends_the_old_one_too(
    consent, team, parties
):
    start = timezone.localdate() + datetime.timedelta(days=10)
    ask = {
        "client": team["client"],
        "organisation": parties["health"],
        "category": "identity",
        "purpose": "service_planning",
    }
    second = actions.change_consent(
        consent=consent,
        terms=_restricted_terms(consent, valid_from=start),
        changed_by=team["worker"],
    )
    # Changed again, from today: the first version stops now as well, not in ten days.
    third = actions.change_consent(
        consent=second,
        terms=_restricted_terms(second, organisations=(parties["kela"],)),
        changed_by=team["worker"],
    )
    consent.refresh_from_db()
    second.refresh_from_db()
    assert consent.superseded_at == second.superseded_at == third.recorded_at
    assert disclosure_basis(**ask) is None

    other = ConsentFactory(client=team["client"], parties=[parties["provider"]])
    renewal = actions.change_consent(
        consent=other,
        terms=_restricted_terms(other, valid_from=start),
        changed_by=team["worker"],
    )
    provider = {**ask, "organisation": parties["provider"]}
    assert disclosure_basis(**provider) == other
    revoked = revoke(renewal, team["worker"])
    other.refresh_from_db()
    assert other.superseded_at == revoked.revoked_at
    assert disclosure_basis(**provider) is None


def test_kela_named_both_as_an_organisation_and_as_the_kela_kind_is_refused(team, parties):
    terms = actions.ConsentTerms(
        method="signature",
        form="kela_y100",
        purposes=(Purpose.KELA_BENEFITS,),
        categories=(InformationCategory.IDENTITY,),
        signed_on=timezone.localdate(),
        valid_from=timezone.localdate(),
        organisations=(parties["kela"],),
        organisation_kinds=(OrganisationKind.KELA,),
    )
    with pytest.raises(ValidationError) as error:
        actions.record_consent(client=team["client"], terms=terms, recorded_by=team["worker"])
    assert error.value.message_dict == {
        "organisation_kinds": [
            "Kela on valittu sekä nimettynä organisaationa että organisaatiotyyppinä. "
            "Valitse Kela vain kerran."
        ]
    }
    assert not Consent.objects.exists()


def test_a_stored_consent_naming_kela_twice_gives_one_kela_task(team, parties):
    """Recorded before the terms refused it: Kela is still told once."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"], OrganisationKind.KELA, parties["health"]],
    )
    revoke(consent, team["worker"])
    kinds = sorted(Task.objects.values_list("kind", flat=True))
    assert kinds == [actions.NOTIFY_PARTY_OF_REVOCATION, actions.SEND_REVOCATION_TO_KELA]


def test_a_partner_sote_contact_who_revokes_leaves_the_team_logged_on_their_team_basis(
    team, parties
):
    """A sote contact person of another organisation records the client's revocation and so
    leaves the team: the log rows of that revocation name the relation they acted in (the
    care team), never a break-the-glass access that no one opened."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.actions import add_team_member
    from clients.models import CareTeamMembership, TeamRole
    from services.factories import UnitFactory
    from tests.conftest import acting

    nurse = acting(make_user(Role.HEALTH_PROFESSIONAL, UnitFactory(organisation=parties["health"])))
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["health"]],
        purposes=[Purpose.SERVICE_PLANNING, Purpose.HEALTH_CARE],
        with_health=True,
    )
    add_team_member(
        client=team["client"], user=nurse, role=TeamRole.SOTE_CONTACT, added_by=team["worker"]
    )
    before = AccessLogEntry.objects.order_by("pk").last().pk

    revoke(consent, nurse)

    assert not CareTeamMembership.objects.current().filter(user=nurse).exists()
    rows = AccessLogEntry.objects.filter(pk__gt=before, actor=nurse).order_by("pk")
    assert [(row.action, row.basis) for row in rows] == [
        ("consents.consent.revoked", "care_team"),
        ("consents.membership.ended_uncovered", "care_team"),
    ]


def test_revoking_a_renewal_signed_in_advance_tells_the_parties_the_earlier_version_had(
    team, parties
):
    """The renewal, starting in ten days, drops Kela; the first version still covers Kela
    until then. Revoking the renewal ends the first version now too: Kela loses coverage at
    once and is told, as the renewal's own parties are."""
    first = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[parties["kela"], parties["health"]],
    )
    renewal = actions.change_consent(
        consent=first,
        terms=_restricted_terms(
            first,
            valid_from=timezone.localdate() + datetime.timedelta(days=10),
            organisations=(parties["health"],),
        ),
        changed_by=team["worker"],
    )
    Task.objects.all().delete()  # the tasks of the change
    revoke(renewal, team["worker"])
    ask = {"client": team["client"], "category": "identity", "purpose": "service_planning"}
    assert disclosure_basis(**ask, organisation=parties["kela"]) is None
    tasks = Task.objects.filter(client_id=team["client"].uuid)
    assert sorted((t.kind, t.title) for t in tasks) == [
        (actions.NOTIFY_PARTY_OF_REVOCATION, "Ilmoita suostumuksen peruutuksesta: Terveysasema"),
        (actions.SEND_REVOCATION_TO_KELA, "Lähetä peruutus Kelaan suojatulla sähköpostilla"),
    ]
    assert {t.concerning for t in tasks} == {renewal}


def test_a_party_named_by_kind_is_told_though_the_revocation_came_through_one_of_the_kind(
    team, parties
):
    """The client revoked through one employment-services organisation; the consent named
    them all by kind, so the others of the kind still rely on it until they are told."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[OrganisationKind.EMPLOYMENT_SERVICES, parties["employment"]],
    )
    revoke(
        consent,
        team["worker"],
        through="Helsingin työllisyyspalvelut",
        through_organisation=parties["employment"],
    )
    tasks = Task.objects.filter(client_id=team["client"].uuid)
    assert [t.title for t in tasks] == [
        "Ilmoita suostumuksen peruutuksesta: Työllisyyspalvelut (kaikki)"
    ]


def test_kela_named_by_kind_is_not_told_of_a_revocation_that_came_through_kela(team, parties):
    """Kela is one organisation, however the consent named it: the client told it."""
    consent = ConsentFactory(
        client=team["client"],
        recorded_by=team["worker"],
        parties=[OrganisationKind.KELA, parties["health"]],
    )
    revoke(
        consent, team["worker"], through="Kelan palvelupiste", through_organisation=parties["kela"]
    )
    tasks = Task.objects.filter(client_id=team["client"].uuid)
    assert [t.title for t in tasks] == ["Ilmoita suostumuksen peruutuksesta: Terveysasema"]


def test_a_change_into_a_copy_of_another_current_consent_is_refused(team, parties):
    """Two current consents alike: revoking "the" consent would leave the other covering."""
    first = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["kela"]]
    )
    other = ConsentFactory(
        client=team["client"], recorded_by=team["worker"], parties=[parties["health"]]
    )
    with pytest.raises(ValidationError) as refused:
        actions.change_consent(
            consent=first, terms=actions.ConsentTerms.of(other), changed_by=team["worker"]
        )
    assert refused.value.code == "same_consent"
    assert refused.value.messages[0].startswith("Sama suostumus on jo kirjattu asiakkaalle")
    first.refresh_from_db()
    assert first.is_current and not Task.objects.exists()  # nothing saved
    # The consent being changed is not "another": changing it to other terms is taken.
    assert actions.change_consent(
        consent=first,
        terms=_restricted_terms(first, purposes=(Purpose.SERVICE_PLANNING,)),
        changed_by=team["worker"],
    )


def test_a_change_that_changes_nothing_is_refused_and_a_re_signed_form_is_taken(consent, team):
    """The same terms and parties again record no version and ask nobody to be told (Kela
    not sent a "change" by secure e-mail); the same terms signed again on another day are
    a renewal, a change."""
    with pytest.raises(ValidationError) as refused:
        actions.change_consent(
            consent=consent, terms=actions.ConsentTerms.of(consent), changed_by=team["worker"]
        )
    assert refused.value.code == "unchanged"
    assert refused.value.messages == [
        "Suostumukseen ei tehty muutoksia: sen ehdot, osapuolet ja päivät ovat samat kuin "
        "nykyisessä versiossa."
    ]
    consent.refresh_from_db()
    assert consent.is_current and Consent.objects.count() == 1
    assert not Task.objects.exists()
    renewed = actions.change_consent(
        consent=consent, terms=_restricted_terms(consent), changed_by=team["worker"]
    )
    assert renewed.version == 2 and renewed.signed_on == timezone.localdate()


def test_a_revocation_settles_the_open_change_notices_of_the_parties_it_tells(
    consent, team, parties
):
    """Kela is not sent a change and then the revocation: the change notices still open of
    the parties the revocation is told to are settled by it, kept in the history under the
    revocation. A party the change removed still learns it lost coverage; one told already
    stays as checked off."""
    changed = actions.change_consent(
        consent=consent,
        terms=_restricted_terms(
            consent,
            organisations=(parties["kela"],),
            organisation_kinds=(OrganisationKind.EMPLOYMENT_SERVICES,),
        ),
        changed_by=team["worker"],
    )
    told = Task.objects.get(title="Ilmoita suostumuksen muutoksesta: Työllisyyspalvelut (kaikki)")
    complete_task(task=told, by=team["worker"])
    told.refresh_from_db()
    revoke(changed, team["sote"])
    open_tasks = sorted(Task.objects.open().values_list("kind", "title"))
    assert open_tasks == [
        (actions.NOTIFY_PARTY_OF_CHANGE, "Ilmoita suostumuksen muutoksesta: Terveysasema"),
        (
            actions.NOTIFY_PARTY_OF_REVOCATION,
            "Ilmoita suostumuksen peruutuksesta: Työllisyyspalvelut (kaikki)",
        ),
        (actions.SEND_REVOCATION_TO_KELA, "Lähetä peruutus Kelaan suojatulla sähköpostilla"),
    ]
    settled = Task.objects.get(kind=actions.SEND_CHANGE_TO_KELA)
    assert settled.done_on == timezone.localdate() and settled.done_by == team["sote"]
    context = settled.events.order_by("pgh_id").last().pgh_context
    assert context.metadata["action"] == "consents.consent.revoked"
    assert (Task.objects.get(pk=told.pk).done_at, Task.objects.count()) == (told.done_at, 5)
