"""Journey (issues 2 and 3): a social worker's client from registration to closure,
the manager's caseload handover and break-the-glass review, and the data protection
officer's log report, through the real pages, in Finnish and once in Swedish.

Every step checks the access-log rows it wrote, and a colleague outside the team
gets 404 on every client page the worker visited.
"""

import datetime
import io

import pytest
from django.test import Client as Browser
from django.utils import timezone
from pypdf import PdfReader

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, LogReportPrint
from audit.tasks import render_log_report_pdf_task
from clients.factories import ClientFactory, demo_identity_code
from clients.models import (
    BreakTheGlass,
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    ServiceNeedAssessment,
    TeamRole,
)
from services.factories import UnitFactory
from tests.conftest import field_errors, login, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"

BASE_FORM = {
    "first_names": "Aino Kerttu",
    "last_name": "Äijälä",
    "calling_name": "Aino",
    "language": "fi",
    "phone": "040 7654321",
    "email": "aino.aijala@example.fi",
    "street_address": "Rantakatu 4 B 12",
    "postal_code": "00530",
    "city": "Helsinki",
    "communication_needs": ["plain_language"],
    "accessibility_notes": "Selkokieli ja kirjalliset muistiinpanot tapaamisista.",
    "relationship_home": "social_services",
}


def last_log_id() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def rows_since(mark: int) -> list[tuple]:
    """(action, basis, client uuid, actor id) of the rows written after `mark`, in order."""
    return list(
        AccessLogEntry.objects.filter(pk__gt=mark)
        .order_by("pk")
        .values_list("action", "basis", "client_id", "actor_id")
    )


def sign_in(browser, user):
    """The real sign-in: e-mail and password, then the TOTP code."""
    response = browser.post(LOGIN, {"login": user.email, "password": "polku-demo"})
    assert response.status_code == 302 and response["Location"] == MFA
    response = browser.post(MFA, {"code": totp_code()})
    assert response.status_code == 302
    return browser


def as_user(user, language=None):
    browser = login(Browser(), user)
    if language:
        browser.cookies["django_language"] = language
    return browser


@pytest.fixture
def cast(db):
    unit = UnitFactory()
    other_unit = UnitFactory(organisation=unit.organisation)
    people = {
        "worker": make_user(Role.SOCIAL_WORKER, unit, first_name="Sanna", last_name="Sosiaali"),
        "counsellor": make_user(
            Role.SOCIAL_COUNSELLOR, unit, first_name="Olli", last_name="Ohjaaja"
        ),
        "coach": make_user(Role.WORK_COACH, unit, first_name="Ville", last_name="Valmentaja"),
        "colleague": make_user(Role.SOCIAL_WORKER, unit, first_name="Kaisa", last_name="Kollega"),
        "second": make_user(Role.SOCIAL_COUNSELLOR, unit, first_name="Tero", last_name="Toinen"),
        "manager": make_user(Role.MANAGER, unit, first_name="Maija", last_name="Esihenkilö"),
        "dpo": make_user(Role.DPO, unit, first_name="Tiina", last_name="Tietosuoja"),
        # A social worker of another unit of the same organisation: never on the team.
        "outsider": make_user(
            Role.SOCIAL_WORKER, other_unit, first_name="Ulla", last_name="Ulkopuoli"
        ),
    }
    return {"unit": unit, "other_unit": other_unit, **people}


def assert_outsider_gets_404(outsider, paths):
    browser = as_user(outsider)
    for path in paths:
        assert browser.get(path).status_code == 404, path


# --- Registration: errors next to the fields, nothing saved ---------------------------------


def test_registration_errors_are_shown_next_to_the_field_and_nothing_is_saved(cast, settings):
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    existing = ClientFactory(
        responsible_worker=cast["colleague"], first_names="Salli", last_name="Salainen"
    )
    existing_code = demo_identity_code(existing.birth_date, 955)
    existing = ClientFactory(
        responsible_worker=cast["colleague"],
        first_names="Sirpa",
        last_name="Salassa",
        code=existing_code,
    )
    browser = sign_in(Browser(), cast["worker"])
    assert browser.get("/clients/new/").status_code == 200
    before = (Client.objects.count(), CareTeamMembership.objects.count(), last_log_id())
    born = timezone.localdate() - datetime.timedelta(days=35 * 365)
    good = demo_identity_code(born, 912)
    wrong_checksum = good[:-1] + ("A" if good[-1] != "A" else "B")
    cases = {
        wrong_checksum: "tarkistusmerkki",
        "310295-912X": "syntymäaika",  # 31 February
        good: "väliaikainen",  # individual number 912 without the flag
    }
    for code, expected in cases.items():
        page = browser.post("/clients/new/", {**BASE_FORM, "identity_code": code}).content.decode()
        assert expected in field_errors(page, "identity_code").lower(), code
        assert 'aria-invalid="true"' in page
        # The other fields keep what the worker typed.
        assert 'value="Rantakatu 4 B 12"' in page
    # The duplicate (flag ticked, so it passes validation): a link to ask for access, no details.
    page = browser.post(
        "/clients/new/",
        {**BASE_FORM, "identity_code": existing_code, "identity_code_is_temporary": "on"},
    ).content.decode()
    assert "on jo asiakkuus" in field_errors(page, "identity_code")
    assert "Salassa" not in page and "Sirpa" not in page and "Kollega" not in page
    assert 'action="/clients/access-request/"' in page
    assert (Client.objects.count(), CareTeamMembership.objects.count()) == before[:2]
    # Nothing saved; the one row written is the duplicate check, logged on the existing client.
    (checked,) = AccessLogEntry.objects.filter(pk__gt=before[2])
    assert (checked.client_id, checked.action) == (existing.uuid, "clients.client.duplicate_found")
    # With the flag the temporary code registers.
    response = browser.post(
        "/clients/new/", {**BASE_FORM, "identity_code": good, "identity_code_is_temporary": "on"}
    )
    assert response.status_code == 302
    registered = Client.objects.get(identity_code_masked=good[:7] + "****")
    assert registered.identity_code_is_temporary
    assert good not in response["Location"]


# --- The worker's journey ------------------------------------------------------------------


def test_a_social_worker_takes_a_client_from_registration_to_closure(cast, caplog):
    caplog.set_level("DEBUG")
    worker, coach, outsider = cast["worker"], cast["coach"], cast["outsider"]
    browser = sign_in(Browser(), worker)
    dashboard = browser.get("/").content.decode()
    assert 'href="/clients/"' in dashboard

    # Register.
    code = demo_identity_code(timezone.localdate() - datetime.timedelta(days=28 * 365 + 40), 931)
    mark = last_log_id()
    response = browser.post("/clients/new/", {**BASE_FORM, "identity_code": code})
    assert response.status_code == 302
    client = Client.objects.get(identity_code_masked=code[:7] + "****")
    detail = f"/clients/{client.uuid}/"
    assert response["Location"] == detail
    assert rows_since(mark) == [
        ("clients.client.registered", "registration", client.uuid, worker.pk)
    ]

    # Find by name: htmx search-as-you-type, and the plain form.
    mark = last_log_id()
    partial = browser.get("/clients/", {"q": "äijä"}, HTTP_HX_REQUEST="true")
    partial_text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in partial_text
    assert f'href="{detail}"' in partial_text
    plain = browser.get("/clients/", {"q": "Äijälä Aino"}).content.decode()
    assert "<html" in plain and f'href="{detail}"' in plain
    assert rows_since(mark) == [("clients.client.listed", "care_team", client.uuid, worker.pk)] * 2

    # Find by exact identity code: a POST, a redirect to the UUID page.
    mark = last_log_id()
    response = browser.post("/clients/find/", {"identity_code": code.lower()})
    assert response.status_code == 302 and response["Location"] == detail
    assert code not in response["Location"]
    assert rows_since(mark) == []

    # The client page: masked code, then revealed (logged).
    mark = last_log_id()
    page = browser.get(detail).content.decode()
    assert "Aino Kerttu Äijälä" in page and code[:7] + "****" in page and code not in page
    assert rows_since(mark) == [("clients.client.viewed", "care_team", client.uuid, worker.pk)]
    mark = last_log_id()
    revealed = browser.post(
        f"/clients/{client.uuid}/identity-code/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert code in revealed
    assert rows_since(mark) == [
        ("clients.identity_code.revealed", "care_team", client.uuid, worker.pk)
    ]

    # Edit basic data.
    edit = f"/clients/{client.uuid}/edit/"
    assert f'href="{edit}"' in page
    mark = last_log_id()
    assert browser.get(edit).status_code == 200
    response = browser.post(
        edit, {**BASE_FORM, "phone": "050 1112223", "postal_code": "00520", "city": "Helsinki"}
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert (client.phone, client.postal_code) == ("050 1112223", "00520")
    logged = rows_since(mark)
    assert [r[0] for r in logged] == ["clients.client.viewed", "clients.client.changed"]
    assert AccessLogEntry.objects.get(pk=last_log_id()).detail == "phone, postal_code"

    # A client plan with two goals.
    plan_new = f"/clients/{client.uuid}/plans/new/"
    assert f'href="{plan_new}"' in browser.get(detail).content.decode()
    mark = last_log_id()
    assert browser.get(plan_new).status_code == 200
    response = browser.post(
        plan_new,
        {
            "plan_type": "client_plan",
            "status": "agreed",
            "client_view": "Haluan päästä töihin keittiöön.",
            "strengths": "Täsmällinen, pidän ruoanlaitosta.",
            "goals": "Hygieniapassi kevään aikana\nTyökokeilu henkilöstöravintolassa",
            "agreed_services": "Työtoiminta kolmena päivänä viikossa",
            "participants": "Aino Äijälä, Sanna Sosiaali",
            "next_review_on": "",
        },
    )
    assert response.status_code == 302
    plan = ClientPlan.objects.get(client=client)
    assert plan.version == 1 and plan.goals.count() == 2
    assert plan.next_review_on > timezone.localdate()
    plan_page = f"/clients/{client.uuid}/plans/{plan.pk}/"
    assert response["Location"] == plan_page
    text = browser.get(plan_page).content.decode()
    assert "Hygieniapassi kevään aikana" in text
    assert plan.next_review_on.strftime("%-d.%-m.%Y") in text
    assert [r[0] for r in rows_since(mark)] == [
        "clients.client.viewed",
        "clients.plan.created",
        "clients.plan.viewed",
    ]

    # Revise it: version 2, the old one stays readable.
    revise = f"/clients/{client.uuid}/plans/{plan.pk}/revise/"
    assert f'href="{revise}"' in text
    mark = last_log_id()
    form = browser.get(revise).content.decode()
    assert "Hygieniapassi kevään aikana" in form
    response = browser.post(
        revise,
        {
            "status": "active",
            "client_view": "Haluan päästä töihin keittiöön, aluksi osa-aikaisesti.",
            "strengths": "Täsmällinen.",
            "goals": "Hygieniapassi kevään aikana\nTyökokeilu henkilöstöravintolassa\n"
            "Osa-aikatyö syksyllä",
            "agreed_services": "Työtoiminta",
            "participants": "Aino Äijälä, Sanna Sosiaali",
            "next_review_on": "",
        },
    )
    assert response.status_code == 302
    revised = ClientPlan.objects.get(client=client, version=2)
    assert revised.goals.count() == 3
    assert browser.get(plan_page).status_code == 200  # the old version
    assert [r[0] for r in rows_since(mark)] == [
        "clients.plan.viewed",
        "clients.plan.revised",
        "clients.plan.viewed",
    ]

    # A goal's status (htmx) on the current version.
    goal = revised.goals.get(position=0)
    mark = last_log_id()
    swapped = browser.post(
        f"/clients/{client.uuid}/plans/{revised.pk}/goals/{goal.pk}/status/",
        {"status": "achieved"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f'id="goal-{goal.pk}"' in swapped
    goal.refresh_from_db()
    assert goal.status == "achieved"
    assert rows_since(mark) == [("clients.goal.changed", "care_team", client.uuid, worker.pk)]

    # A service-need assessment.
    assessment_new = f"/clients/{client.uuid}/assessments/new/"
    assert f'href="{assessment_new}"' in browser.get(detail).content.decode()
    mark = last_log_id()
    started = timezone.localdate() - datetime.timedelta(days=14)
    browser.get(assessment_new)
    bad = browser.post(
        assessment_new,
        {"started_on": started.isoformat(), "completed_on": timezone.localdate().isoformat()},
    ).content.decode()
    assert "johtopäätös" in field_errors(bad, "conclusion").lower()
    response = browser.post(
        assessment_new,
        {
            "started_on": started.isoformat(),
            "completed_on": timezone.localdate().isoformat(),
            "conclusion": "Tarvitsee kuntouttavaa työtoimintaa ja tukea arjen hallintaan.",
            "client_view": "Haluan päästä töihin, kun arki on ensin järjestyksessä.",
            "special_support": "no",
        },
    )
    assert response.status_code == 302
    assert ServiceNeedAssessment.objects.filter(client=client).count() == 1
    # The form's GET and its refusal each show the client's data; the save is its own row.
    assert [r[0] for r in rows_since(mark)] == [
        "clients.client.viewed",
        "clients.client.viewed",
        "clients.assessment.saved",
    ]

    # Add the coach to the care team.
    add_member = f"/clients/{client.uuid}/team/add/"
    assert f'href="{add_member}"' in browser.get(detail).content.decode()
    mark = last_log_id()
    browser.get(add_member)
    response = browser.post(
        add_member,
        {"assignment": coach.role_assignments.get().pk, "role": "coach", "note": "Työtoiminta"},
    )
    assert response.status_code == 302
    coach_membership = CareTeamMembership.objects.current().get(client=client, user=coach)
    assert [r[0] for r in rows_since(mark)] == ["clients.client.viewed", "clients.membership.added"]

    # Notes: one ordinary, one health-related; the coach (on the team) does not read the second.
    note_new = f"/clients/{client.uuid}/notes/new/"
    mark = last_log_id()
    for text, health in (
        ("Tapaaminen toimistolla, sovittiin työtoiminnan aloituksesta.", False),
        ("Kertoi uniongelmista ja lääkityksestä.", True),
    ):
        data = {"written_on": timezone.localdate().isoformat(), "kind": "meeting", "text": text}
        if health:
            data["health_related"] = "on"
        assert browser.post(note_new, data).status_code == 302
    assert [r[0] for r in rows_since(mark)] == ["clients.note.added"] * 2
    assert CaseNote.objects.filter(client=client, health_related=True).count() == 1
    assert "uniongelmista" in browser.get(detail).content.decode()
    coach_page = as_user(coach).get(detail).content.decode()
    assert "sovittiin työtoiminnan aloituksesta" in coach_page
    assert "uniongelmista" not in coach_page
    assert (
        "Muiden kirjoittamat terveystietoja sisältävät kirjaukset eivät näy roolissasi."
        in coach_page
    )

    # Every client page the worker used answers 404 to a colleague outside the team.
    assert_outsider_gets_404(
        outsider,
        [
            detail,
            edit,
            plan_new,
            plan_page,
            revise,
            assessment_new,
            add_member,
            note_new,
            f"/clients/{client.uuid}/transfer/",
            f"/clients/{client.uuid}/close/",
            f"/clients/{client.uuid}/break-the-glass/",
        ],
    )
    assert client.uuid not in {
        row[2] for row in rows_since(mark) if row[3] == outsider.pk
    }  # nothing logged for the outsider's tries

    # End the coach's membership, confirmed on its own page: the coach no longer reaches
    # the client.
    end = f"/clients/{client.uuid}/team/{coach_membership.pk}/end/"
    assert f'href="{end}"' in browser.get(detail).content.decode()
    mark = last_log_id()
    assert "Päätetäänkö henkilön" in browser.get(end).content.decode()
    response = browser.post(end, {"confirm": "True"})
    assert response.status_code == 302
    assert rows_since(mark) == [
        ("clients.client.viewed", "care_team", client.uuid, worker.pk),
        ("clients.membership.ended", "care_team", client.uuid, worker.pk),
    ]
    assert as_user(coach).get(detail).status_code == 404

    # Transfer responsibility with a handover note to a colleague of the unit.
    transfer = f"/clients/{client.uuid}/transfer/"
    page = browser.get(detail).content.decode()
    assert f'href="{transfer}"' in page
    form = browser.get(transfer).content.decode()
    assignment = cast["colleague"].role_assignments.get()
    assert f'value="{assignment.pk}"' in form
    mark = last_log_id()
    empty = browser.post(transfer, {"assignment": assignment.pk, "handover_note": ""})
    assert empty.status_code == 200 and field_errors(empty.content.decode(), "handover_note")
    response = browser.post(
        transfer,
        {"assignment": assignment.pk, "handover_note": "Työtoiminta alkaa ensi viikolla."},
    )
    assert response.status_code == 302
    # The refused form showed the client again (a read); the transfer is its own row.
    assert rows_since(mark) == [
        ("clients.client.viewed", "care_team", client.uuid, worker.pk),
        ("clients.responsibility.transferred", "care_team", client.uuid, worker.pk),
    ]
    responsible = CareTeamMembership.objects.current().get(
        client=client, role=TeamRole.RESPONSIBLE_WORKER
    )
    assert responsible.user == cast["colleague"]
    # The former responsible worker is off the team now.
    assert browser.get(detail).status_code == 404
    # The new one finds the client and the handover note in their inbox.
    inbox = as_user(cast["colleague"]).get("/inbox/").content.decode()
    assert "Asiakkaan vastuu siirtyi sinulle" in inbox and f'href="{detail}"' in inbox
    assert "Työtoiminta alkaa ensi viikolla." in inbox

    # The new responsible worker closes the client relationship; the data stays.
    new_worker = as_user(cast["colleague"])
    close = f"/clients/{client.uuid}/close/"
    assert f'href="{close}"' in new_worker.get(detail).content.decode()
    mark = last_log_id()
    new_worker.get(close)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    bad = new_worker.post(close, {"closed_on": future, "reason": "Muutti"}).content.decode()
    assert "tulevaisuudessa" in field_errors(bad, "closed_on")
    client.refresh_from_db()
    assert client.closed_on is None
    response = new_worker.post(
        close,
        {"closed_on": timezone.localdate().isoformat(), "reason": "Aloitti palkkatyössä."},
    )
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.closed_on == timezone.localdate()
    # The page, its refusal (which shows the client's data again) and the closing.
    assert [r[0] for r in rows_since(mark)] == [
        "clients.client.viewed",
        "clients.client.viewed",
        "clients.client.closed",
    ]
    listing = new_worker.get("/clients/").content.decode()
    assert f'href="{detail}"' not in listing
    assert f'href="{detail}"' in new_worker.get("/clients/", {"closed": "1"}).content.decode()
    closed_page = new_worker.get(detail).content.decode()
    assert f"Asiakkuus päättyi {timezone.localdate():%-d.%-m.%Y}" in closed_page
    # The identity code went through forms and pages but never into a log line.
    assert caplog.records and code not in caplog.text


# --- The manager hands over a leaving worker's caseload ------------------------------------


def test_the_manager_hands_a_leaving_workers_caseload_over_to_two_colleagues(cast):
    leaving, manager = cast["worker"], cast["manager"]
    first, second = cast["colleague"], cast["second"]
    caseload = [
        ClientFactory(responsible_worker=leaving, first_names=name, last_name="Lähtevä")
        for name in ("Aaro", "Bea", "Cecilia")
    ]
    # The leaving worker also works in another unit; that unit's client stays for its manager.
    leaving.role_assignments.create(role=Role.SOCIAL_WORKER, unit=cast["other_unit"])
    elsewhere = ClientFactory(
        responsible_worker=leaving,
        responsible_unit=cast["other_unit"],
        first_names="Eero",
        last_name="Muualla",
    )
    browser = as_user(manager)
    assert 'href="/clients/handover/"' in browser.get("/").content.decode()
    page = browser.get("/clients/handover/").content.decode()
    assert f'value="{leaving.pk}"' in page
    mark = last_log_id()
    page = browser.get("/clients/handover/", {"from": leaving.pk}).content.decode()
    assert all(c.first_names in page for c in caseload)
    assert "Muualla" not in page
    assert sorted(rows_since(mark)) == sorted(
        ("clients.client.listed", "manager", c.uuid, manager.pk) for c in caseload
    )
    to_first, to_second = first.role_assignments.get(), second.role_assignments.get()
    choice = {
        caseload[0]: to_first,
        caseload[1]: to_second,
        caseload[2]: to_second,
    }
    data = {f"client_{c.pk}": a.pk for c, a in choice.items()}
    # Without a handover note nothing moves and the error is next to the field.
    mark = last_log_id()
    page = browser.post(
        "/clients/handover/", {"from": leaving.pk, **data, "handover_note": ""}
    ).content.decode()
    assert field_errors(page, "handover_note")
    # Nothing moved; the page shown again lists the caseload, and says so in the log.
    assert sorted(rows_since(mark)) == sorted(
        ("clients.client.listed", "manager", c.uuid, manager.pk) for c in caseload
    )
    mark = last_log_id()
    response = browser.post(
        "/clients/handover/",
        {"from": leaving.pk, **data, "handover_note": "Sanna jää opintovapaalle 1.9. alkaen."},
    )
    assert response.status_code == 302
    for client, assignment in choice.items():
        responsible = CareTeamMembership.objects.current().get(
            client=client, role=TeamRole.RESPONSIBLE_WORKER
        )
        assert responsible.user == assignment.user
    assert sorted(rows_since(mark)) == sorted(
        ("clients.responsibility.transferred", "manager", c.uuid, manager.pk) for c in caseload
    )
    assert (
        CareTeamMembership.objects.current()
        .get(client=elsewhere, role=TeamRole.RESPONSIBLE_WORKER)
        .user
        == leaving
    )
    # The leaving worker no longer reaches them; the new workers do.
    assert as_user(leaving).get(f"/clients/{caseload[0].uuid}/").status_code == 404
    assert as_user(second).get(f"/clients/{caseload[2].uuid}/").status_code == 200
    # Handed over: the page lists none of them again, and says so next to the choice.
    page = browser.get("/clients/handover/", {"from": leaving.pk}).content.decode()
    assert not any(c.first_names in page for c in caseload)
    assert "Valitulla työntekijällä ei ole yksikön asiakkaita vastuullaan." in page


# --- Break the glass and the manager's review ----------------------------------------------


def test_a_worker_of_the_unit_breaks_the_glass_and_the_manager_reviews_it(cast):
    code = demo_identity_code(timezone.localdate() - datetime.timedelta(days=40 * 365), 977)
    client = ClientFactory(
        responsible_worker=cast["worker"], first_names="Risto", last_name="Rajattu", code=code
    )
    CaseNote.objects.create(
        client=client,
        author=cast["worker"],
        kind="meeting",
        text="Lääkitys muuttui.",
        health_related=True,
    )
    counsellor, manager, coach = cast["counsellor"], cast["manager"], cast["coach"]
    detail = f"/clients/{client.uuid}/"
    browser = as_user(counsellor)
    # Not on the team: the name search does not list the client and the page is 404.
    assert f'href="{detail}"' not in browser.get("/clients/", {"q": "rajattu"}).content.decode()
    assert browser.get(detail).status_code == 404
    # The exact identity-code search leads to the break-the-glass page.
    response = browser.post("/clients/find/", {"identity_code": code})
    btg = f"/clients/{client.uuid}/break-the-glass/"
    assert response.status_code == 302 and response["Location"] == btg
    assert browser.get(btg).status_code == 200
    mark = last_log_id()
    short = browser.post(btg, {"reason": "Kiire"}).content.decode()
    assert field_errors(short, "reason")
    assert not BreakTheGlass.objects.exists() and rows_since(mark) == []
    reason = "Asiakas soitti kriisissä, vastuutyöntekijä lomalla."
    response = browser.post(btg, {"reason": reason})
    assert response.status_code == 302 and response["Location"] == detail
    event = BreakTheGlass.objects.get()
    assert event.expires_at - event.started_at == datetime.timedelta(hours=2)
    page = browser.get(detail).content.decode()
    until = timezone.localtime(event.expires_at)
    assert f"Pääsy päättyy {until:%-d.%-m.%Y %-H.%M}" in page
    assert "Lääkitys muuttui." in page  # a social counsellor reads health-related notes
    assert rows_since(mark) == [
        ("clients.client.break_the_glass", "break_the_glass", client.uuid, counsellor.pk),
        ("clients.client.viewed", "break_the_glass", client.uuid, counsellor.pk),
    ]
    # Read only: no notes, no plan, no identity code.
    assert browser.get(f"/clients/{client.uuid}/notes/new/").status_code == 403
    assert browser.post(f"/clients/{client.uuid}/identity-code/").status_code == 403
    # A work coach of the unit cannot break the glass.
    coach_browser = as_user(coach)
    assert coach_browser.get(btg).status_code == 404
    assert coach_browser.post(btg, {"reason": reason}).status_code == 404
    # The manager sees the event on the dashboard and reviews it.
    manager_browser = as_user(manager)
    assert "1 tarkastamaton murtautuminen." in manager_browser.get("/").content.decode()
    mark = last_log_id()
    review_page = manager_browser.get("/clients/break-the-glass/").content.decode()
    started = timezone.localtime(event.started_at)
    assert reason in review_page and "Ohjaaja" in review_page
    assert f"{started:%-d.%-m.%Y %-H.%M}" in review_page
    assert rows_since(mark) == [("clients.client.listed", "manager", client.uuid, manager.pk)]
    response = manager_browser.post(
        f"/clients/break-the-glass/{event.pk}/review/", {"note": "Peruste asiallinen."}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reviewed_by == manager
    assert "0 tarkastamatonta murtautumista." in manager_browser.get("/").content.decode()
    # The DPO of the organisation sees it too.
    dpo_page = as_user(cast["dpo"]).get("/clients/break-the-glass/").content.decode()
    assert reason in dpo_page and "Tarkastettu" in dpo_page


# --- The data protection officer --------------------------------------------------------


def test_the_dpo_finds_a_clients_log_report_prints_it_and_looks_up_a_user(cast):
    worker, dpo = cast["worker"], cast["dpo"]
    code = demo_identity_code(timezone.localdate() - datetime.timedelta(days=50 * 365), 944)
    client = ClientFactory(
        responsible_worker=worker, first_names="Lotta", last_name="Lokinen", code=code
    )
    worker_browser = as_user(worker)
    worker_browser.get(f"/clients/{client.uuid}/")
    worker_browser.post(f"/clients/{client.uuid}/identity-code/")

    browser = as_user(dpo)
    dashboard = browser.get("/").content.decode()
    assert 'href="/audit/"' in dashboard
    assert 'href="/audit/clients/"' in browser.get("/audit/").content.decode()
    # The DPO reaches no client page.
    assert browser.get(f"/clients/{client.uuid}/").status_code == 404
    # Found by identity code, by POST; the code stays out of the URL.
    mark = last_log_id()
    response = browser.post("/audit/clients/", {"identity_code": code})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/audit/clients/{client.uuid}/log/?")
    assert code not in response["Location"]
    page = browser.get(response["Location"]).content.decode()
    assert "Lokiraportti: Lotta Lokinen" in page
    assert "Sosiaali" in page and "Avasi asiakkaan tiedot" in page
    two_years_ago = timezone.localdate().replace(year=timezone.localdate().year - 2)
    assert f"Ajalta {two_years_ago:%-d.%-m.%Y}–{timezone.localdate():%-d.%-m.%Y}." in page
    assert rows_since(mark) == [("audit.client_log.viewed", "data_protection", client.uuid, dpo.pk)]

    # Printed as a PDF in Swedish for the client: queued, rendered by the PDF queue's
    # task (run here in place of the worker), downloaded, read back.
    mark = last_log_id()
    assert 'id="id_print_language"' in page
    response = browser.post(
        f"/audit/clients/{client.uuid}/log.pdf",
        {
            "start": two_years_ago.isoformat(),
            "end": timezone.localdate().isoformat(),
            "language": "sv",
        },
    )
    report = LogReportPrint.objects.get(client_id=client.uuid)
    assert response.status_code == 302
    assert response["Location"] == f"/audit/log-reports/{report.uuid}/"
    assert "Jonossa" in browser.get(response["Location"]).content.decode()
    render_log_report_pdf_task.run(report.pk)
    progress = browser.get(response["Location"]).content.decode()
    assert f'href="/audit/log-reports/{report.uuid}/download/"' in progress
    download = browser.get(f"/audit/log-reports/{report.uuid}/download/")
    assert download["Content-Type"] == "application/pdf"
    pdf = io.BytesIO(b"".join(download.streaming_content))
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Loggrapport: Lotta Lokinen" in text and "Sosiaali" in text
    assert code not in text
    assert rows_since(mark) == [
        ("audit.client_log.print_requested", "data_protection", client.uuid, dpo.pk),
        ("audit.client_log.printed", "data_protection", client.uuid, dpo.pk),
    ]

    # A user's access log.
    users = browser.get("/audit/users/", {"q": "sosiaali"}).content.decode()
    assert f'href="/audit/users/{worker.uuid}/log/"' in users
    mark = last_log_id()
    page = browser.get(f"/audit/users/{worker.uuid}/log/").content.decode()
    assert "Lotta" in page or "Lokinen" in page
    # The page names the client: a list hit on the client's own log.
    assert rows_since(mark) == [
        ("audit.user_log.viewed", "data_protection", None, dpo.pk),
        ("audit.user_log.client_listed", "data_protection", client.uuid, dpo.pk),
    ]

    # Statistics.
    mark = last_log_id()
    page = browser.get("/audit/statistics/").content.decode()
    assert "Avasi asiakkaan tiedot" in page
    assert rows_since(mark) == [("audit.statistics.viewed", "data_protection", None, dpo.pk)]
    # Another organisation's DPO does not find the client.
    other_dpo = make_user(Role.DPO, UnitFactory())
    page = as_user(other_dpo).post("/audit/clients/", {"identity_code": code}).content.decode()
    assert "Henkilötunnuksella ei löytynyt organisaatiosi asiakasta." in page
    assert as_user(other_dpo).get(f"/audit/clients/{client.uuid}/log/").status_code == 404


# --- Once in Swedish -------------------------------------------------------------------------


def test_the_journey_in_swedish(cast):
    worker, dpo = cast["worker"], cast["dpo"]
    browser = sign_in(Browser(), worker)
    browser.cookies["django_language"] = "sv"
    form = browser.get("/clients/new/").content.decode()
    assert '<html lang="sv">' in form and "Registrera" in form
    code = demo_identity_code(timezone.localdate() - datetime.timedelta(days=33 * 365), 966)
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    page = browser.post("/clients/new/", {**BASE_FORM, "identity_code": wrong}).content.decode()
    assert "Kontrolltecknet i personbeteckningen stämmer inte" in field_errors(
        page, "identity_code"
    )
    assert "tarkistusmerkki" not in page
    response = browser.post("/clients/new/", {**BASE_FORM, "identity_code": code}, follow=True)
    page = response.content.decode()
    client = Client.objects.get(identity_code_masked=code[:7] + "****")
    assert "Klienten har registrerats." in page
    for swedish in ("Basuppgifter", "Visa personbeteckningen", "Eget team", "Klientanteckningar"):
        assert swedish in page, swedish
    assert "Perustiedot" not in page and "Näytä henkilötunnus" not in page
    listing = browser.get("/clients/", {"q": "äij"}).content.decode()
    assert f'href="/clients/{client.uuid}/"' in listing and '<html lang="sv">' in listing

    # A plan: the page and the flash message in Swedish, dates d.m.yyyy.
    response = browser.post(
        f"/clients/{client.uuid}/plans/new/",
        {
            "plan_type": "client_plan",
            "status": "agreed",
            "client_view": "Jag vill arbeta i ett kök.",
            "goals": "Hygienpass\nArbetsprövning",
            "next_review_on": "",
        },
        follow=True,
    )
    page = response.content.decode()
    plan = ClientPlan.objects.get(client=client)
    assert "Planen har sparats." in page and "Mål" in page
    assert plan.next_review_on.strftime("%-d.%-m.%Y") in page

    # Every select's empty choice is Swedish, not Django's English.
    transfer = browser.get(f"/clients/{client.uuid}/transfer/").content.decode()
    assert '<option value="" selected>- Välj -</option>' in transfer
    assert "Select an option" not in transfer
    finnish = as_user(worker).get(f"/clients/{client.uuid}/transfer/").content.decode()
    assert '<option value="" selected>- Valitse -</option>' in finnish

    # The DPO's log report in Swedish, on the page and in the PDF.
    dpo_browser = as_user(dpo, "sv")
    response = dpo_browser.post("/audit/clients/", {"identity_code": code})
    page = dpo_browser.get(response["Location"]).content.decode()
    assert "Loggrapport: Aino Kerttu Äijälä" in page
    assert "Öppnade klientens uppgifter" in page and "Behandling av uppgifter" in page
    today = timezone.localdate()
    # Printed for the client: in the client's language (Finnish), whatever the DPO reads in.
    assert '<option value="fi" selected lang="fi">suomi</option>' in page
    response = dpo_browser.post(
        f"/audit/clients/{client.uuid}/log.pdf",
        {
            "start": today.replace(year=today.year - 2).isoformat(),
            "end": today.isoformat(),
            "language": "sv",
        },
    )
    assert "I kö…" in dpo_browser.get(response["Location"]).content.decode()
    report = LogReportPrint.objects.get(client_id=client.uuid)
    render_log_report_pdf_task.run(report.pk)
    pdf = dpo_browser.get(f"/audit/log-reports/{report.uuid}/download/")
    pdf = io.BytesIO(b"".join(pdf.streaming_content))
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Loggrapport" in text and "Lokiraportti" not in text
