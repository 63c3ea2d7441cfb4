"""Named or pseudonymous, per participant, decided when the case is shown: consent that
covers the participant's organisation, one that does not, an expired one, one revoked
between scheduling and the session, an oral one for this session only; each named
showing writes a disclosure-log row, every showing an access-log row."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, Basis, DisclosureLogEntry
from consents.actions import revoke_consent
from consents.factories import ConsentFactory
from consents.models import Consent, ConsentMethod, InformationCategory, OralEventKind
from consultations.factories import local_time, make_request, make_session, put_on_agenda
from consultations.models import SessionParticipant
from tests.conftest import login
from tests.consultations.conftest import IDENTITY_CODE

NAME = "Kaarina Aurora Koivisto"


def case_url(hki, item=None):
    item = item or hki.item
    return reverse("consultations:case", kwargs={"session_id": item.session_id, "item_id": item.pk})


def show(client, user, hki, item=None):
    client.logout()
    login(client, user)
    response = client.get(case_url(hki, item))
    assert response.status_code == 200
    return response.content.decode()


def named(html: str) -> bool:
    return NAME in html and "Näet tapauksen nimellä" in html


def pseudonymous(html: str) -> bool:
    return (
        NAME not in html
        and "Koivisto" not in html
        and "Näet tapauksen pseudonyyminä" in html
        and "50–59-vuotias" in html
        and "Keski-ikäinen asiakas" in html  # the pseudonymous summary
        and "selkäkipuja" not in html  # the background shows only named
    )


def employment_consent(hki, **fields):
    return ConsentFactory(
        client=hki.client, recorded_by=hki.worker, parties=[hki.employment], **fields
    )


def test_consent_covering_the_organisation_shows_the_case_named_and_logs_the_disclosure(
    client, hki
):
    consent = employment_consent(hki)
    html = show(client, hki.expert, hki)
    assert named(html)
    assert IDENTITY_CODE not in html and IDENTITY_CODE[:7] not in html
    assert "selkäkipuja" in html  # the background
    disclosure = DisclosureLogEntry.objects.get()
    assert disclosure.client_id == hki.client.uuid
    assert disclosure.recipient_user == hki.expert
    assert disclosure.recipient_organisation == hki.employment
    assert disclosure.basis == Basis.CONSENT and disclosure.consent_id == consent.pk
    assert disclosure.purpose == "case_consultation" and disclosure.channel == "consultation"
    assert disclosure.what == (f"Nimi, ikä ja konsultaatiopyynnön tiedot ({hki.request.reference})")
    entry = AccessLogEntry.objects.get(action="consultations.case.viewed")
    assert entry.actor == hki.expert and entry.basis == Basis.CONSULTATION
    assert entry.detail.endswith("named") and entry.client_id == hki.client.uuid
    # The showing is the one access-log row: the requester did nothing now.
    assert not AccessLogEntry.objects.filter(action="consents.disclosure.recorded").exists()


def test_every_showing_is_its_own_disclosure(client, hki):
    employment_consent(hki)
    show(client, hki.expert, hki)
    show(client, hki.expert, hki)
    assert DisclosureLogEntry.objects.filter(recipient_user=hki.expert).count() == 2


def test_consent_not_covering_the_organisation_shows_it_pseudonymously(client, hki):
    employment_consent(hki)  # names employment services, not Kela
    html = show(client, hki.kela_liaison, hki)
    assert pseudonymous(html)
    assert IDENTITY_CODE not in html
    assert not DisclosureLogEntry.objects.exists()
    entry = AccessLogEntry.objects.get(action="consultations.case.viewed")
    assert entry.actor == hki.kela_liaison and entry.basis == Basis.CONSULTATION
    assert entry.detail.endswith("pseudonymous")


def test_consent_for_another_purpose_does_not_cover_a_consultation(client, hki):
    ConsentFactory(
        client=hki.client,
        recorded_by=hki.worker,
        parties=[hki.kela],
        purposes=["kela_benefits", "service_planning"],
    )
    assert pseudonymous(show(client, hki.kela_liaison, hki))


def test_a_kind_of_organisation_named_in_the_consent_covers_it(client, hki):
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=["kela"])
    assert named(show(client, hki.kela_liaison, hki))


def test_an_expired_consent_shows_it_pseudonymously(client, hki):
    employment_consent(hki, expired=True)
    assert pseudonymous(show(client, hki.expert, hki))
    assert not DisclosureLogEntry.objects.exists()


def test_consent_revoked_between_scheduling_and_the_session_changes_the_page(client, hki):
    consent = employment_consent(hki)
    assert named(show(client, hki.expert, hki))  # when the case was put on the agenda
    revoke_consent(
        consent=consent,
        revoked_by=hki.worker,
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas itse",
    )
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        assert pseudonymous(show(client, hki.expert, hki))
    assert DisclosureLogEntry.objects.count() == 1


def test_health_data_is_shown_named_only_when_health_is_consented(client, hki):
    hki.request.includes_health_data = True
    hki.request.save()
    employment_consent(hki)  # ordinary categories only
    assert pseudonymous(show(client, hki.expert, hki))
    ConsentFactory(
        client=hki.client, recorded_by=hki.worker, parties=[hki.employment], with_health=True
    )
    assert named(show(client, hki.expert, hki))
    assert DisclosureLogEntry.objects.get().recipient_user == hki.expert


def test_a_consent_leaving_out_the_service_pathway_does_not_name_the_case(client, hki):
    """The named case shows its background and what has been tried: the service pathway."""
    from consents.factories import ConsentFactory

    ConsentFactory(
        client=hki.client,
        recorded_by=hki.worker,
        parties=[hki.kela],
        purposes=["case_consultation"],
        categories=[InformationCategory.IDENTITY, InformationCategory.WORK_CAPACITY],
    )
    with time_machine.travel(hki.session.starts_at, tick=False):
        assert not named(show(client, hki.kela_liaison, hki))
    assert not DisclosureLogEntry.objects.exists()


def _oral(hki, session, day):
    consent = Consent.objects.create(
        client=hki.client,
        recorded_by=hki.worker,
        method=ConsentMethod.ORAL,
        purposes=["case_consultation"],
        categories=[
            InformationCategory.IDENTITY,
            InformationCategory.WORK_CAPACITY,
            InformationCategory.PATHWAY,
        ],
        signed_on=day,
        valid_from=day,
        valid_until=day,
        event_kind=OralEventKind.CONSULTATION_SESSION,
        event_name=str(session),
        event_date=day,
        event_reference=str(session.pk),
    )
    from consents.factories import add_parties

    add_parties(consent, [hki.kela])
    return consent


def test_an_oral_consent_covers_the_one_session_it_was_given_for(client, hki):
    day = timezone.localdate(hki.session.starts_at)
    with time_machine.travel(hki.session.starts_at, tick=False):
        _oral(hki, hki.session, day)
        assert named(show(client, hki.kela_liaison, hki))
        # Another session the same day: the oral consent does not reach it.
        other = make_session(
            hki.network,
            hki.expert,
            participants=[hki.kela_liaison],
            starts_at=hki.session.ends_at,
            chair=hki.coordinator,
        )
        item = put_on_agenda(make_request(hki.client, hki.worker), other)
        assert pseudonymous(show(client, hki.kela_liaison, hki, item))
    # The day after: nothing.
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(days=1), tick=False):
        assert pseudonymous(show(client, hki.kela_liaison, hki))
    assert DisclosureLogEntry.objects.count() == 1


def test_a_care_team_member_sees_the_case_named_without_a_disclosure(client, hki):
    SessionParticipant.objects.create(
        session=hki.session,
        user=hki.coach,
        organisation=hki.sote,
        kind="guest",
        invited_by=hki.coordinator,
    )
    html = show(client, hki.coach, hki)
    assert named(html) and "olet asiakkaan omatiimissä" in html
    assert not DisclosureLogEntry.objects.exists()
    assert AccessLogEntry.objects.get(action="consultations.case.viewed").basis == Basis.CARE_TEAM


HEALTH_BACKGROUND = "Masennusdiagnoosi ja lääkitys"
WITHHELD = "Taustatiedoissa on terveystietoja, joita et voi lukea nykyisessä roolissasi"


def _health_background(hki):
    hki.request.includes_health_data = True
    hki.request.background = HEALTH_BACKGROUND
    hki.request.tried_so_far = "Lääkityksen säätö terveyskeskuksessa."
    hki.request.save()


def _guest(hki, user, organisation):
    SessionParticipant.objects.create(
        session=hki.session,
        user=user,
        organisation=organisation,
        kind="guest",
        invited_by=hki.coordinator,
    )


def _background_shown(html: str) -> bool:
    shown = HEALTH_BACKGROUND in html and "Lääkityksen säätö" in html
    assert shown is (WITHHELD not in html)
    return shown


def test_health_data_in_the_background_shows_to_the_team_only_in_a_health_note_role(client, hki):
    """The work coach taking part sees the case named, its question and summary, and a
    notice instead of the health background; the responsible social worker reads it."""
    _health_background(hki)
    _guest(hki, hki.coach, hki.sote)
    _guest(hki, hki.worker, hki.sote)
    coach = show(client, hki.coach, hki)
    assert named(coach) and hki.request.question in coach
    assert hki.request.pseudonymous_summary in coach
    assert not _background_shown(coach)
    assert _background_shown(show(client, hki.worker, hki))
    # Both showings are logged as before, on the care-team basis.
    entries = AccessLogEntry.objects.filter(action="consultations.case.viewed")
    assert {(e.actor_id, e.basis) for e in entries} == {
        (hki.coach.pk, Basis.CARE_TEAM),
        (hki.worker.pk, Basis.CARE_TEAM),
    }


def test_health_data_named_through_consent_shows_only_to_a_health_note_role(client, hki):
    """A consent covering health data names the case to the employment expert and to the
    health centre's nurse; only the nurse's role reads health-related notes."""
    _health_background(hki)
    _guest(hki, hki.nurse, hki.health)
    ConsentFactory(
        client=hki.client,
        recorded_by=hki.worker,
        parties=[hki.employment, hki.health],
        with_health=True,
    )
    expert = show(client, hki.expert, hki)
    assert named(expert) and not _background_shown(expert)
    nurse = show(client, hki.nurse, hki)
    assert named(nurse) and _background_shown(nurse)
    # Each disclosure-log row names what its reader was shown: health data only to the nurse.
    what = {e.recipient_user_id: e.what for e in DisclosureLogEntry.objects.all()}
    case = f"Nimi, ikä ja konsultaatiopyynnön tiedot ({hki.request.reference})"
    assert what == {
        hki.expert.pk: case,
        hki.nurse.pk: f"{case}, Terveystiedot (erityinen henkilötietoryhmä)",
    }


def test_a_background_without_health_data_shows_to_every_team_member(client, hki):
    _guest(hki, hki.coach, hki.sote)
    html = show(client, hki.coach, hki)
    assert "selkäkipuja" in html and WITHHELD not in html


def test_the_same_organisation_gets_no_exception(client, hki):
    """The coordinator works in the client's own organisation but is not on the team:
    without a consent naming social services the case shows pseudonymously."""
    employment_consent(hki)
    assert pseudonymous(show(client, hki.coordinator, hki))
    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.sote])
    assert named(show(client, hki.coordinator, hki))


def test_the_case_page_always_says_responsibility_stays(client, hki):
    for user in (hki.expert, hki.kela_liaison, hki.coordinator):
        assert "Vastuu säilyy vastuutyöntekijällä." in show(client, user, hki)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_responsibility_is_stated_in_swedish_and_english(client, hki, language, settings):
    from django.conf import settings as django_settings

    login(client, hki.expert)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(case_url(hki)).content.decode()
    expected = {
        "sv": "Ansvaret stannar hos den ansvariga arbetstagaren.",
        "en": "Responsibility stays with the responsible worker.",
    }[language]
    assert expected in html


def test_the_agenda_lists_every_case_pseudonymously_for_everyone(client, hki):
    employment_consent(hki)
    login(client, hki.expert)
    response = client.get(reverse("consultations:session", kwargs={"session_id": hki.session.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert hki.request.reference in html and "50–59-vuotias" in html
    assert "Koivisto" not in html and "Kaarina" not in html and IDENTITY_CODE[:6] not in html
    entry = AccessLogEntry.objects.get(action="consultations.case.listed")
    assert entry.actor == hki.expert and entry.basis == Basis.CONSULTATION
    assert not DisclosureLogEntry.objects.exists()


def test_a_kela_liaison_sees_only_sessions_they_take_part_in(client, hki):
    login(client, hki.outsider)  # a Kela liaison who is not invited
    session_url = reverse("consultations:session", kwargs={"session_id": hki.session.pk})
    assert client.get(session_url).status_code == 404
    assert client.get(case_url(hki)).status_code == 404
    calendar = client.get(
        reverse("consultations:calendar") + f"?day={hki.session.starts_at.date().isoformat()}"
    )
    assert hki.network.name not in calendar.content.decode()
    assert not AccessLogEntry.objects.filter(actor=hki.outsider).exists()


def test_a_removed_participant_loses_the_session(client, hki):
    SessionParticipant.objects.filter(user=hki.kela_liaison).update(removed_at=timezone.now())
    login(client, hki.kela_liaison)
    assert client.get(case_url(hki)).status_code == 404


def test_a_participant_may_not_change_the_session(client, hki):
    login(client, hki.expert)
    edit = reverse("consultations:session_edit", kwargs={"session_id": hki.session.pk})
    assert client.get(edit).status_code == 403
    minutes = reverse(
        "consultations:minutes", kwargs={"session_id": hki.session.pk, "item_id": hki.item.pk}
    )
    assert client.post(minutes, {"minutes": "x"}).status_code == 403


def _open_both(client, hki) -> tuple[int, int]:
    session_url = reverse("consultations:session", kwargs={"session_id": hki.session.pk})
    return client.get(session_url).status_code, client.get(case_url(hki)).status_code


def test_a_participant_acting_as_admin_sees_neither_the_session_nor_the_case(client, hki):
    """Every rule reads the active role: the employment expert who switched to their admin
    role is no participant there, and the case is not disclosed to them."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    employment_consent(hki)
    unit = hki.expert.role_assignments.get().unit
    admin = RoleAssignment.objects.create(user=hki.expert, role=Role.ADMIN, unit=unit)
    login(client, hki.expert)
    assert _open_both(client, hki) == (200, 200)  # as the employment expert
    assert DisclosureLogEntry.objects.count() == 1
    viewed = AccessLogEntry.objects.filter(actor=hki.expert).count()

    assert client.post(reverse("switch_role"), {"assignment": admin.pk}).status_code == 302
    assert _open_both(client, hki) == (404, 404)
    assert DisclosureLogEntry.objects.count() == 1
    assert AccessLogEntry.objects.filter(actor=hki.expert).count() == viewed


def test_a_participant_whose_roles_have_all_ended_sees_neither_the_session_nor_the_case(
    client, hki
):
    employment_consent(hki)
    login(client, hki.expert)
    assert _open_both(client, hki) == (200, 200)
    assert DisclosureLogEntry.objects.count() == 1
    viewed = AccessLogEntry.objects.filter(actor=hki.expert).count()

    today = timezone.localdate()
    hki.expert.role_assignments.update(
        valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1)
    )
    assert _open_both(client, hki) == (404, 404)
    assert DisclosureLogEntry.objects.count() == 1
    assert AccessLogEntry.objects.filter(actor=hki.expert).count() == viewed


def test_an_oral_consent_covers_its_session_from_its_start_to_its_end_only(client, hki):
    """Given in the morning for an afternoon session (13–15), the oral consent does not name
    the case to the Kela liaison before the session starts, does during it, and does not
    after it; the client page stops listing it as covering once the session is over."""
    from consents.actions import ConsentTerms, record_consent
    from consents.coverage import coverage_summary

    session = hki.session
    day = timezone.localdate(session.starts_at)

    def at(hour, minute=0):
        return local_time(day, hour, minute)

    assert (session.starts_at, session.ends_at) == (at(13), at(15))
    with time_machine.travel(at(9), tick=False):
        consent = record_consent(
            client=hki.client,
            terms=ConsentTerms(
                method=ConsentMethod.ORAL,
                purposes=("case_consultation",),
                categories=("identity", "work_capacity", "pathway"),
                signed_on=None,
                valid_from=None,
                organisations=(hki.kela,),
                event_kind=OralEventKind.CONSULTATION_SESSION,
                event_name=str(session),
                event_date=day,
                event_reference=str(session.pk),
            ),
            recorded_by=hki.worker,
        )
        assert pseudonymous(show(client, hki.kela_liaison, hki))
        assert not DisclosureLogEntry.objects.exists()
        assert coverage_summary(hki.client).oral == [consent]  # for the session ahead

    with time_machine.travel(at(13, 30), tick=False):
        assert named(show(client, hki.kela_liaison, hki))
        assert coverage_summary(hki.client).oral == [consent]
    disclosure = DisclosureLogEntry.objects.get()
    assert (disclosure.consent_id, disclosure.recipient_user) == (consent.pk, hki.kela_liaison)

    with time_machine.travel(at(15, 30), tick=False):
        assert pseudonymous(show(client, hki.kela_liaison, hki))
        summary = coverage_summary(hki.client)
        assert (summary.oral, summary.oral_over) == ([], [consent])
        page = show_client_page(client, hki)
    assert DisclosureLogEntry.objects.count() == 1
    assert "vain tämän tapahtuman aikana" not in page
    assert "tapahtuma on päättynyt, eikä suostumus enää kata luovutuksia" in page


def show_client_page(client, hki) -> str:
    client.logout()
    login(client, hki.worker)
    response = client.get(reverse("clients:detail", kwargs={"client_id": hki.client.uuid}))
    assert response.status_code == 200
    return response.content.decode()


# Who takes part, and for which organisation


def test_a_participant_acting_in_another_organisation_sees_the_case_pseudonymously(client, hki):
    """The employment expert was invited for employment services, which the consent covers.
    Switched to a Kela role they also hold, they are not acting for employment services:
    the case shows pseudonymously, and nothing is disclosed (neither to employment services
    nor to Kela, which the consent does not name anyway). Back in the employment role,
    named again."""
    from accounts.models import RoleAssignment
    from accounts.roles import Role

    employment_consent(hki)
    employment_role = hki.expert.role_assignments.get()
    kela_role = RoleAssignment.objects.create(
        user=hki.expert,
        role=Role.KELA_LIAISON,
        unit=hki.kela_liaison.role_assignments.get().unit,
    )
    login(client, hki.expert)
    assert client.post(reverse("switch_role"), {"assignment": kela_role.pk}).status_code == 302
    html = client.get(case_url(hki)).content.decode()
    assert pseudonymous(html)
    assert (
        f"sinut on kutsuttu istuntoon organisaation {hki.employment} edustajana mutta toimit "
        "nyt toisen organisaation roolissa" in html
    )
    assert not DisclosureLogEntry.objects.exists()
    assert AccessLogEntry.objects.get(actor=hki.expert).detail.endswith("pseudonymous")

    assert (
        client.post(reverse("switch_role"), {"assignment": employment_role.pk}).status_code == 302
    )
    assert named(client.get(case_url(hki)).content.decode())
    disclosure = DisclosureLogEntry.objects.get()
    assert disclosure.recipient_organisation == hki.employment


@pytest.fixture
def bystander(hki):
    """A second coordinator of social services, the convening organisation: runs the network
    but takes no part in the session."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from consents.factories import acting
    from services.factories import UnitFactory

    coordinator = acting(
        make_user(
            Role.COORDINATOR,
            UnitFactory(organisation=hki.sote),
            first_name="Toivo",
            last_name="Sivullinen",
        )
    )
    assert not hki.session.participants.filter(user=coordinator).exists()
    return coordinator


def test_a_coordinator_who_takes_no_part_sees_the_agenda_and_the_case_pseudonymously(
    client, hki, bystander
):
    """The consent covers social services, the bystander's organisation; the coordinator
    of the session, from social services too, sees the case named. The bystander opens the
    session and the case (they run the network) but sees it pseudonymously, from the
    triage page too, with no disclosure; invited, they see it named."""
    from consultations import actions

    ConsentFactory(client=hki.client, recorded_by=hki.worker, parties=[hki.sote])
    assert named(show(client, hki.coordinator, hki))
    assert DisclosureLogEntry.objects.count() == 1

    html = show(client, bystander, hki)
    assert pseudonymous(html)
    assert "koska et osallistu tähän istuntoon" in html
    triage = client.get(reverse("consultations:triage", kwargs={"request_id": hki.request.pk}))
    assert triage.status_code == 200 and pseudonymous(triage.content.decode())
    session_page = client.get(
        reverse("consultations:session", kwargs={"session_id": hki.session.pk})
    )
    assert (
        session_page.status_code == 200 and hki.request.reference in session_page.content.decode()
    )
    assert DisclosureLogEntry.objects.count() == 1
    assert not DisclosureLogEntry.objects.filter(recipient_user=bystander).exists()

    actions.invite_guest(session=hki.session, invited_by=hki.coordinator, user=bystander)
    assert named(show(client, bystander, hki))
    assert DisclosureLogEntry.objects.filter(recipient_user=bystander).count() == 1


def test_the_case_and_the_request_name_the_current_responsible_worker(client, hki):
    """Responsibility moved after the request was made: the pages show who has it now."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.actions import transfer_responsibility

    successor = make_user(
        Role.SOCIAL_WORKER, hki.social_work, first_name="Seija", last_name="Seuraaja"
    )
    transfer_responsibility(
        client=hki.client,
        to_user=successor,
        to_unit=hki.social_work,
        transferred_by=hki.worker,
        handover_note="Siirtyy Seijalle.",
    )
    assert hki.request.responsible_worker == hki.worker  # as at asking
    employment_consent(hki)
    for viewer in (hki.expert, hki.kela_liaison):  # named and pseudonymous
        assert responsible_worker_shown(show(client, viewer, hki)) == "Seija Seuraaja"
    client.logout()
    login(client, successor)
    page = client.get(
        reverse(
            "consultations:request_detail",
            kwargs={"client_id": hki.client.uuid, "request_id": hki.request.pk},
        )
    ).content.decode()
    assert responsible_worker_shown(page) == "Seija Seuraaja"


def responsible_worker_shown(html: str) -> str:
    (shown,) = [part.split("</dd>")[0] for part in html.split("Vastuutyöntekijä</dt><dd>")[1:]]
    return shown.strip()
