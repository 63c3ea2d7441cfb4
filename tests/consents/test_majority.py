"""A guardian's consent ends when the client comes of age: it covers up to the day before
the 18th birthday and nothing from the birthday on, whatever its own last day; recording one
that runs past that day is refused; the responsible worker is reminded beforehand, until the
client's own consent is recorded; the coverage panel shows the last day."""

import dataclasses
import datetime

import pytest
import time_machine
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients.actions import add_team_member
from clients.factories import ClientFactory
from clients.majority import LastDayAsMinor, adults_born_by, last_day_as_minor
from clients.models import CareTeamMembership, Client, TeamRole
from consents import actions, majority
from consents.coverage import coverage_summary, disclosure_basis
from consents.factories import ORDINARY, ConsentFactory, acting
from consents.models import EVENT_TIME_ZONE, Consent, InformationCategory, Purpose
from consents.team_coverage import MEMBER_UNCOVERED_TASK, end_uncovered_memberships
from notifications.actions import remind_many
from notifications.models import Reminder, Task
from services.calendar import add_months
from services.factories import UnitFactory
from tests.conftest import field_errors, login

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
GUARDIAN = {"giver_kind": "guardian", "giver_name": "Maija Huoltaja", "giver_basis": "Äiti"}


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=EVENT_TIME_ZONE)


def comes_of_age_on(client, birthday: datetime.date) -> Client:
    """Makes `client` turn 18 on `birthday`."""
    client.birth_date = add_months(birthday, -12 * 18)
    client.save(update_fields=["birth_date"])
    return client


def guardians_consent(client, parties, **fields) -> Consent:
    return ConsentFactory(client=client, parties=[parties["kela"]], **GUARDIAN, **fields)


@pytest.mark.parametrize(
    ("born", "last_day"),
    [
        (datetime.date(2008, 2, 29), datetime.date(2026, 2, 28)),  # of age on 1 March
        (datetime.date(2008, 3, 1), datetime.date(2026, 2, 28)),
        (datetime.date(2010, 2, 28), datetime.date(2028, 2, 27)),
        (datetime.date(2010, 2, 27), datetime.date(2028, 2, 26)),
        (datetime.date(2010, 3, 1), datetime.date(2028, 2, 29)),  # a leap year
        (datetime.date(2012, 2, 29), datetime.date(2030, 2, 28)),
        (datetime.date(2008, 1, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_the_last_day_as_a_minor_is_counted_as_age_is_in_python_and_sql(born, last_day):
    """Born on 29 February, one comes of age on 1 March in a year without one (Finnish law,
    and Client.age_on): the day before is the last as a minor, in Python and in SQL alike."""
    client = ClientFactory(birth=born)
    assert client.last_day_as_minor == last_day_as_minor(born) == last_day
    assert client.age_on(last_day) == 17
    assert client.age_on(last_day + DAY) == 18
    assert adults_born_by(last_day) < born <= adults_born_by(last_day + DAY)
    in_sql = Client.objects.filter(pk=client.pk).annotate(last=LastDayAsMinor(F("birth_date")))
    assert in_sql.values_list("last", flat=True).get() == last_day


@pytest.mark.parametrize("valid_until", [None, "after"], ids=["until_further_notice", "later"])
def test_a_guardians_consent_covers_until_the_day_before_the_18th_birthday(
    team, parties, valid_until
):
    birthday = timezone.localdate() + 10 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = guardians_consent(
        client, parties, valid_until=birthday + 60 * DAY if valid_until else None
    )

    def covers(day) -> bool:
        return (
            disclosure_basis(
                client=client,
                organisation=parties["kela"],
                category=InformationCategory.IDENTITY,
                purpose=Purpose.SERVICE_PLANNING,
                at=noon(day),
            )
            == consent
        )

    assert covers(birthday - DAY)
    assert not covers(birthday)
    assert not covers(birthday + 30 * DAY)
    assert list(Consent.objects.in_force(noon(birthday - DAY))) == [consent]
    assert not Consent.objects.in_force(noon(birthday)).exists()
    consent = Consent.objects.select_related("client").get(pk=consent.pk)
    assert consent.last_day == birthday - DAY
    assert consent.status_on(birthday - DAY) == "Voimassa"
    assert consent.status_on(birthday) == "Päättynyt: asiakas on täysi-ikäinen"


def test_the_client_s_own_or_a_representative_s_consent_does_not_end_at_18(team, parties):
    birthday = timezone.localdate() + 10 * DAY
    client = comes_of_age_on(team["client"], birthday)
    own = ConsentFactory(client=client, parties=[parties["kela"]])
    representative = ConsentFactory(client=client, parties=[parties["health"]], by_guardian=True)
    assert set(Consent.objects.in_force(noon(birthday))) == {own, representative}


def test_a_guardians_consent_ending_earlier_ends_on_its_own_day(team, parties):
    birthday = timezone.localdate() + 10 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = guardians_consent(client, parties, valid_until=birthday - 5 * DAY)
    consent = Consent.objects.select_related("client").get(pk=consent.pk)
    assert not consent.ends_at_majority
    assert consent.last_day == consent.valid_until
    assert Consent.objects.expiring(timezone.localdate(), 30).get() == consent


def _consent_form(parties, **overrides):
    today = timezone.localdate()
    data = {
        **GUARDIAN,
        "method": "signature",
        "form": "kela_y100",
        "organisations": [parties["kela"].pk],
        "purposes": ["service_planning"],
        "categories": ["identity"],
        "signed_on": today.isoformat(),
        "valid_from": today.isoformat(),
        "valid_until": "",
    }
    data.update(overrides)
    return data


def test_recording_a_guardians_consent_past_the_18th_birthday_is_refused_next_to_the_day(
    client, team, parties
):
    birthday = timezone.localdate() + 10 * DAY
    comes_of_age_on(team["client"], birthday)
    login(client, team["worker"])
    url = reverse("consents:create", kwargs={"client_id": team["client"].uuid})
    last = birthday - DAY
    response = client.post(url, _consent_form(parties, valid_until=birthday.isoformat()))
    assert response.status_code == 200
    assert field_errors(response.text, "valid_until") == (
        f"Huoltajan antama suostumus voi olla voimassa enintään {last:%-d.%-m.%Y} asti, päivää "
        "ennen kuin asiakas tulee täysi-ikäiseksi. Sen jälkeen asiakas antaa suostumuksen itse."
    )
    assert not Consent.objects.exists()
    response = client.post(url, _consent_form(parties, valid_until=last.isoformat()))
    assert response.status_code == 302
    assert Consent.objects.get().valid_until == last


def test_until_further_notice_is_taken_and_ends_at_18_on_the_page(client, team, parties):
    """ "Until further notice" has no day to refuse: the consent and the client's consent
    panel show the day it ends, the day before the 18th birthday."""
    birthday = timezone.localdate() + 10 * DAY
    comes_of_age_on(team["client"], birthday)
    login(client, team["worker"])
    url = reverse("consents:create", kwargs={"client_id": team["client"].uuid})
    response = client.post(url, _consent_form(parties, until_further_notice="on"))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.valid_until is None
    last = f"{birthday - DAY:%-d.%-m.%Y}"
    detail = client.get(response["Location"]).text
    assert (
        f"Huoltajan antamana voimassa enintään {last} asti, päivää ennen kuin asiakas tulee "
        "täysi-ikäiseksi." in detail
    )
    summary = coverage_summary(team["client"], warning_days=30)
    assert [
        (row.party, row.valid_until, row.expiring, row.ends_at_majority) for row in summary.covered
    ] == [("Kela", birthday - DAY, True, True)]
    page = client.get(reverse("clients:detail", kwargs={"client_id": team["client"].uuid})).text
    assert last in page
    assert (
        "Huoltajan antama suostumus päättyy, kun asiakas tulee täysi-ikäiseksi. Sen jälkeen "
        "tarvitaan asiakkaan oma suostumus." in page
    )


def test_after_the_birthday_the_panel_lists_the_guardians_consent_as_ended(team, parties):
    birthday = timezone.localdate() + 10 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = guardians_consent(client, parties)
    summary = coverage_summary(client, at=noon(birthday), warning_days=30)
    assert summary.covered == []
    assert summary.ended == [consent]
    assert summary.ended[0].last_day == birthday - DAY


def _sweep(today) -> int:
    majority.withdraw_stale_guardian_consents(today)
    specs = majority.guardian_consents_ending(today, 100)
    return remind_many(
        [dataclasses.replace(s, rule=majority.GUARDIAN_CONSENT_ENDS_AT_MAJORITY) for s in specs]
    )


def test_the_worker_is_reminded_before_the_birthday_and_not_as_of_an_expiry(team, parties):
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = guardians_consent(client, parties)
    # Further than the lead days (the consent-expiry reminders'): nothing yet.
    later = comes_of_age_on(ClientFactory(responsible_worker=team["worker"]), today + 60 * DAY)
    guardians_consent(later, parties)
    assert _sweep(today) == 1
    reminder = Reminder.objects.get()
    assert (reminder.recipient, reminder.concerning, reminder.due_date) == (
        team["worker"],
        consent,
        birthday - DAY,
    )
    assert reminder.rule == majority.GUARDIAN_CONSENT_ENDS_AT_MAJORITY
    assert reminder.title == (
        f"Huoltajan antama suostumus päättyy {birthday - DAY:%-d.%-m.%Y}, kun asiakas tulee "
        "täysi-ikäiseksi; tarvitaan asiakkaan oma suostumus: Tuisku Tietävä"
    )
    assert reminder.client_id == client.uuid
    assert reminder.link.endswith(f"/consents/{consent.pk}/")
    assert _sweep(today) == 0  # a repeated sweep adds nothing
    # The consent-expiry rule leaves it to this one.
    assert not Consent.objects.expiring(today, 30).exists()


def test_recording_the_client_s_own_consent_takes_the_reminder_back(team, parties):
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    guardians_consent(client, parties)
    assert _sweep(today) == 1
    _record_own(client, team["worker"], organisations=(parties["kela"],), valid_from=birthday)
    assert not Reminder.objects.exists()
    assert _sweep(today) == 0


def _record_own(client, by, **terms) -> Consent:
    """The client's own written consent, through the action, for what the factory's consents
    are for (every purpose but health care, every category but health) unless told."""
    today = timezone.localdate()
    fields = {
        "method": "signature",
        "form": "kela_y100",
        "purposes": (
            Purpose.SERVICE_PLANNING,
            Purpose.CASE_CONSULTATION,
            Purpose.KELA_BENEFITS,
            Purpose.EMPLOYMENT_SERVICES,
        ),
        "categories": tuple(ORDINARY),
        "signed_on": today,
        "valid_from": today,
        **terms,
    }
    return actions.record_consent(
        client=client, terms=actions.ConsentTerms(**fields), recorded_by=by
    )


def test_the_client_s_own_consent_for_other_parties_leaves_the_reminder(team, parties):
    """The guardian's consent names employment services (a team member comes from there); the
    client's own names only Kela: at the birthday the member leaves the team, so the worker
    is still reminded, on recording and by the sweep alike."""
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = ConsentFactory(client=client, parties=[parties["employment"]], **GUARDIAN)
    assert _sweep(today) == 1
    _record_own(client, team["worker"], organisations=(parties["kela"],))
    assert Reminder.objects.get().concerning == consent
    assert _sweep(today) == 0
    assert Reminder.objects.get().read_at is None


def test_the_client_s_own_consent_starting_after_the_birthday_leaves_the_reminder(team, parties):
    """A gap between the guardian's last day and the client's own first day is a gap in the
    consent: the worker is still reminded."""
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    guardians_consent(client, parties)
    assert _sweep(today) == 1
    _record_own(client, team["worker"], organisations=(parties["kela"],), valid_from=birthday + DAY)
    assert _sweep(today) == 0
    assert Reminder.objects.get().read_at is None


def test_the_client_s_own_consent_for_fewer_purposes_leaves_the_reminder(team, parties):
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    guardians_consent(client, parties)
    assert _sweep(today) == 1
    _record_own(
        client, team["worker"], organisations=(parties["kela"],), purposes=("service_planning",)
    )
    assert _sweep(today) == 0
    assert Reminder.objects.get().read_at is None


def test_the_client_s_own_consent_naming_the_parties_or_their_kind_takes_it_over(team, parties):
    """A party the guardian's consent names by organisation is taken over by the client's own
    naming the organisation's kind; each guardian's consent series is settled on its own."""
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    employment = ConsentFactory(client=client, parties=[parties["employment"]], **GUARDIAN)
    health = ConsentFactory(client=client, parties=[parties["health"]], **GUARDIAN)
    assert _sweep(today) == 2
    _record_own(
        client,
        team["worker"],
        organisations=(parties["kela"],),
        organisation_kinds=("employment_services",),
    )
    assert [r.concerning for r in Reminder.objects.all()] == [health]
    assert not Reminder.objects.filter(object_id=employment.pk).exists()
    assert _sweep(today) == 0
    assert [r.concerning for r in Reminder.objects.all()] == [health]


def test_the_sweep_takes_the_reminder_back_when_the_guardians_consent_is_revoked(team, parties):
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    consent = guardians_consent(client, parties, recorded_by=team["worker"])
    assert _sweep(today) == 1
    actions.revoke_consent(
        consent=consent, revoked_by=team["worker"], revoked_on=today, method="phone", through="Äiti"
    )
    assert not Reminder.objects.exists()
    assert _sweep(today) == 0


def test_a_past_reminder_is_marked_read_once_the_client_s_own_consent_is_there(team, parties):
    today = timezone.localdate()
    birthday = today + 20 * DAY
    client = comes_of_age_on(team["client"], birthday)
    guardians_consent(client, parties)
    assert _sweep(today) == 1
    Reminder.objects.update(due_date=today - DAY)  # its day has passed
    ConsentFactory(client=client, parties=[parties["kela"]])  # not through the action
    _sweep(today)
    assert Reminder.objects.get().read_at is not None


def test_at_the_birthday_members_the_guardians_consent_covered_leave_the_team(team, parties):
    """What a consent's end sets off (the daily run ending the memberships nothing covers any
    longer, and the worker's task to tell the member), the coming of age does too."""
    today = timezone.localdate()
    birthday = today + 3 * DAY
    client = comes_of_age_on(team["client"], birthday)
    ConsentFactory(client=client, parties=[parties["employment"]], **GUARDIAN)
    expert = acting(
        make_user(Role.EMPLOYMENT_EXPERT, UnitFactory(organisation=parties["employment"]))
    )
    with time_machine.travel(noon(today), tick=False):
        membership = add_team_member(
            client=client, user=expert, role=TeamRole.OTHER, added_by=team["worker"]
        )
    with time_machine.travel(noon(birthday - DAY), tick=False):
        assert end_uncovered_memberships() == 0
    with time_machine.travel(noon(birthday), tick=False):
        assert end_uncovered_memberships() == 1
    membership = CareTeamMembership.objects.get(pk=membership.pk)
    assert membership.ended_on == birthday
    task = Task.objects.get(kind=MEMBER_UNCOVERED_TASK)
    assert task.assignee == team["worker"]


def test_the_dashboard_lists_a_guardians_consent_ending_at_the_birthday(
    client, team, parties, django_assert_num_queries
):
    """The consents-ending panel lists a guardian's consent that ends because the client
    comes of age, on its last day as a minor and marked so, among those ending on their own
    last day, by the day they end; still one read."""
    from django.test import RequestFactory

    from consents import page_panels

    today = timezone.localdate()
    birthday = today + 10 * DAY
    minor = comes_of_age_on(team["client"], birthday)
    guardians_consent(minor, parties)  # until further notice: ends on birthday - DAY
    later = ClientFactory(responsible_worker=team["worker"], last_name="Myöhempi")
    ConsentFactory(client=later, parties=[parties["kela"]], valid_until=today + 20 * DAY)
    sooner = ClientFactory(responsible_worker=team["worker"], last_name="Aiempi")
    ConsentFactory(client=sooner, parties=[parties["kela"]], valid_until=today + 2 * DAY)
    request = RequestFactory().get("/")
    request.user = team["worker"]
    with django_assert_num_queries(2):
        panel = page_panels.expiring_consents(request)
        rows = [(c.client, c.ends_on, c.ends_at_majority) for c in panel["consents"]]
    assert rows == [
        (sooner, today + 2 * DAY, False),
        (minor, birthday - DAY, True),
        (later, today + 20 * DAY, False),
    ]
    login(client, team["worker"])
    page = client.get(reverse("dashboard")).text
    assert f"päättyy {birthday - DAY:%-d.%-m.%Y}" in page
    assert page.count("Huoltajan antama suostumus päättyy, kun asiakas tulee täysi-ikäiseksi.") == 1
