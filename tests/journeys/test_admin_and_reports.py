"""Journey (issues 2, 4 and 6): the organisation's administrator in the Django admin, the
manager's and the coordinator's reports, and the service catalogue as several roles.

The administrator (is_staff, TOTP enrolled) invites a user, gives and ends roles, adds a
unit, a catalogue entry in three languages and a rule set from a future date; the rule set
in force stays read-only; nothing of another organisation and no client data is reachable.
"""

import csv
import datetime
import html
import io
import re
from unittest import mock

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.tasks import send_invitation_task
from audit.models import AccessLogEntry
from clients.factories import ClientFactory
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    local_time,
    make_request,
    make_session,
    put_on_agenda,
)
from consultations.models import ConsultationRequest
from services.calendar import add_months, month_end
from services.factories import OrganisationFactory, ServiceRuleSetFactory, UnitFactory
from services.models import CatalogueEntry, ServiceRuleSet, ServiceType, Unit
from tests.conftest import login

pytestmark = pytest.mark.django_db

CLIENT_DATA_APPS = {"clients", "pathways", "consents", "consultations", "audit", "notifications"}


def as_user(user, language=None):
    browser = login(Browser(), user)
    if language:
        browser.cookies["django_language"] = language
    return browser


def text_of(response) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def admin_errors(response) -> str:
    """The text of every error list of an admin form page."""
    blocks = re.findall(
        r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S
    )
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)) for block in blocks)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def home():
    """The administrator's organisation with a unit, and another organisation."""
    unit = UnitFactory(name_fi="Aikuissosiaalityö", name_sv="Socialt arbete för vuxna")
    other_unit = UnitFactory(name_fi="Naapurikunnan työpaja")
    administrator = make_user(
        Role.ADMIN, unit, is_staff=True, first_name="Aila", last_name="Ylläpitäjä"
    )
    return unit, other_unit, administrator


def user_form(unit, *, email, organisation=None, roles=(), initial=0, **fields) -> dict:
    """The admin's user form with its role-membership inline rows."""
    data = {
        "email": email,
        "first_name": "Terhi",
        "last_name": "Työvalmentaja",
        "title": "Työvalmentaja",
        "phone": "",
        "organisation": (organisation or unit.organisation).pk,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": str(initial),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "_save": "Tallenna",
        **fields,
    }
    for index, row in enumerate(roles):
        for key, value in row.items():
            data[f"role_assignments-{index}-{key}"] = value
    return data


class TestTheAdministrator:
    def test_invites_a_user_gives_roles_ends_one_and_adds_a_unit(
        self, home, django_capture_on_commit_callbacks
    ):
        unit, other_unit, administrator = home
        browser = as_user(administrator)
        index = browser.get("/admin/")
        assert index.status_code == 200
        assert {"/admin/accounts/user/add/", "/admin/services/unit/add/"} <= set(
            re.findall(r'href="(/admin/[^"]+)"', index.content.decode())
        )

        # A new unit of the own organisation; another organisation is not offered.
        add_unit = browser.get("/admin/services/unit/add/")
        assert other_unit.organisation.name_fi not in add_unit.content.decode()
        unit_form = {
            "name_fi": "Nuorten työpaja Verstas",
            "name_sv": "Ungdomsverkstaden Verstas",
            "name_en": "Youth workshop Verstas",
            "organisation": unit.organisation.pk,
            "slug": "nuorten-tyopaja-verstas",
            "kind": "other",
            "address": "Verstaskatu 1",
            "_save": "Tallenna",
        }
        refused = browser.post(
            "/admin/services/unit/add/", {**unit_form, "organisation": other_unit.organisation.pk}
        )
        assert refused.status_code == 200
        assert "Valitse oikea vaihtoehto" in admin_errors(refused)
        assert not Unit.objects.filter(slug="nuorten-tyopaja-verstas").exists()
        response = browser.post("/admin/services/unit/add/", unit_form)
        assert response.status_code == 302, admin_errors(response)
        workshop = Unit.objects.get(slug="nuorten-tyopaja-verstas")
        assert workshop.organisation == unit.organisation

        # A user of another organisation, or a role in its unit, is refused and nothing is saved.
        today = timezone.localdate()
        coach_role = {"role": Role.WORKSHOP_COACH, "unit": workshop.pk, "valid_from": today}
        for data in (
            user_form(unit, email="terhi@polku.test", organisation=other_unit.organisation),
            user_form(
                unit,
                email="terhi@polku.test",
                roles=[{**coach_role, "unit": other_unit.pk}],
            ),
        ):
            refused = browser.post("/admin/accounts/user/add/", data)
            assert refused.status_code == 200
            assert "Valitse oikea vaihtoehto" in admin_errors(refused)
            assert not User.objects.filter(email="terhi@polku.test").exists()

        # The user with a role in the new unit; then the invitation.
        response = browser.post(
            "/admin/accounts/user/add/",
            user_form(unit, email="terhi@polku.test", roles=[coach_role]),
        )
        assert response.status_code == 302, admin_errors(response)
        terhi = User.objects.get(email="terhi@polku.test")
        assert terhi.organisation == unit.organisation
        assert not terhi.has_usable_password()
        queued = []
        with (
            django_capture_on_commit_callbacks(execute=True),  # queued on commit
            mock.patch.object(send_invitation_task, "delay", queued.append),
        ):
            response = browser.post(
                "/admin/accounts/user/",
                {"action": "send_invitation", "_selected_action": [terhi.pk]},
            )
        assert response.status_code == 302
        assert mail.outbox == []  # the worker sends it, not the administrator's request
        for invitation_id in queued:
            send_invitation_task.apply(args=[invitation_id]).get()
        assert [message.to for message in mail.outbox] == [["terhi@polku.test"]]
        assert "/accounts/password/reset/key/" in mail.outbox[0].body

        # A second role; then the first ends: an end before its start is refused at the field.
        first = terhi.role_assignments.get()
        change_url = f"/admin/accounts/user/{terhi.pk}/change/"
        assert browser.get(change_url).status_code == 200
        rows = [
            {"id": first.pk, "user": terhi.pk, **coach_role, "valid_to": ""},
            {"role": Role.WORK_COACH, "unit": unit.pk, "valid_from": today, "valid_to": ""},
        ]
        response = browser.post(
            change_url, user_form(unit, email=terhi.email, roles=rows, initial=1)
        )
        assert response.status_code == 302, admin_errors(response)
        assert terhi.role_assignments.count() == 2

        rows = [
            {"id": first.pk, "user": terhi.pk, **coach_role, "valid_to": today - days(1)},
            {
                "id": terhi.role_assignments.get(role=Role.WORK_COACH).pk,
                "user": terhi.pk,
                "role": Role.WORK_COACH,
                "unit": unit.pk,
                "valid_from": today,
            },
        ]
        refused = browser.post(
            change_url, user_form(unit, email=terhi.email, roles=rows, initial=2)
        )
        assert refused.status_code == 200
        assert admin_errors(refused).strip()
        assert RoleAssignment.objects.get(pk=first.pk).valid_to is None

        rows[0]["valid_to"] = today
        response = browser.post(
            change_url, user_form(unit, email=terhi.email, roles=rows, initial=2)
        )
        assert response.status_code == 302, admin_errors(response)
        assert RoleAssignment.objects.get(pk=first.pk).valid_to == today
        tomorrow = today + days(1)
        assert list(
            RoleAssignment.objects.filter(user=terhi)
            .current(tomorrow)
            .values_list("role", flat=True)
        ) == [Role.WORK_COACH]

    def test_the_admin_in_swedish(self, home):
        _, _, administrator = home
        browser = as_user(administrator, "sv")
        page = browser.get("/admin/accounts/user/add/")
        assert page.status_code == 200
        text = text_of(page)
        for finnish in ("sähköposti", "etunimi", "asiointikieli", "roolijäsenyydet", "päättyen"):
            assert finnish not in text.lower(), finnish
        assert "E-post" in text or "e-post" in text

    def test_never_sees_client_data(self, home):
        unit, _, administrator = home
        client = ClientFactory(responsible_worker=make_user(Role.SOCIAL_WORKER, unit))
        registered = {model._meta.app_label for model in admin.site._registry}
        assert not registered & CLIENT_DATA_APPS
        browser = as_user(administrator)
        assert browser.get(f"/clients/{client.uuid}/").status_code == 404
        assert browser.get("/admin/clients/").status_code == 404
        for url in ("/clients/", "/consultations/", "/reports/", "/audit/"):
            assert browser.get(url).status_code in (403, 404), url
        text = text_of(browser.get("/admin/"))
        assert client.last_name not in text
        assert (
            not AccessLogEntry.objects.filter(actor=administrator).exclude(client_id=None).exists()
        )

    def test_without_mfa_the_admin_sends_to_enrolment_first(self, home):
        unit, _, _ = home
        administrator = make_user(Role.ADMIN, unit, is_staff=True, with_mfa=False)
        response = as_user(administrator).get("/admin/")
        assert response.status_code == 302
        assert "/accounts/2fa/" in response["Location"]


def rule_set_data(service_type, organisation, valid_from, **fields) -> dict:
    return {
        "service_type": service_type.pk,
        "organisation": organisation.pk,
        "valid_from": valid_from.isoformat(),
        "valid_to": "",
        "source": "Hyvinvointialueen päätös 12/2026",
        "_save": "Tallenna",
        **fields,
    }


class TestRuleSets:
    def test_a_new_rule_set_from_a_future_date_and_the_one_in_force_stays_as_it_was(self, home):
        unit, _, administrator = home
        organisation = unit.organisation
        today = timezone.localdate()
        workshop = ServiceType.objects.get(code="youth_workshop")
        in_force = ServiceRuleSetFactory(
            service_type=workshop,
            organisation=organisation,
            valid_from=today - days(100),
            min_age=17,
            max_age=29,
            source="Nuorisolaki 1285/2016",
        )
        browser = as_user(administrator)
        change_url = f"/admin/services/serviceruleset/{in_force.pk}/change/"
        page = browser.get(change_url)
        assert page.status_code == 200
        text = text_of(page)
        assert 'name="max_age"' not in page.content.decode()
        assert (
            f"Nämä säännöt ovat olleet voimassa {in_force.valid_from:%-d.%-m.%Y} alkaen, "
            "eikä niitä voi muokata" in text
        )
        supersede_url = f"/admin/services/serviceruleset/{in_force.pk}/supersede/"
        assert supersede_url in page.content.decode()

        # A tampered POST to the read-only page is refused in the layout, not a 500.
        refused = browser.post(
            change_url, rule_set_data(workshop, organisation, in_force.valid_from, max_age="35")
        )
        assert refused.status_code == 403
        in_force.refresh_from_db()
        assert in_force.max_age == 29

        # The change is a new rule set from a later date; today is refused next to the date.
        refused = browser.post(
            supersede_url,
            {"valid_from": today.isoformat(), "min_age": "17", "max_age": "30", "source": "x"},
        )
        assert refused.status_code == 200
        assert "aikaisintaan huomenna" in admin_errors(refused)
        start = today + days(30)
        response = browser.post(
            supersede_url,
            {
                "valid_from": start.isoformat(),
                "min_age": "17",
                "max_age": "30",
                "source": "Hyvinvointialueen päätös 12/2026",
            },
            follow=True,
        )
        successor = ServiceRuleSet.objects.get(supersedes=in_force)
        assert (
            response.redirect_chain[-1][0]
            == f"/admin/services/serviceruleset/{successor.pk}/change/"
        )
        assert f"Uudet säännöt ovat voimassa {start:%-d.%-m.%Y} alkaen." in text_of(response)
        in_force.refresh_from_db()
        assert (in_force.valid_to, in_force.max_age) == (start - days(1), 29)
        assert (successor.valid_from, successor.max_age, successor.created_by) == (
            start,
            30,
            administrator,
        )
        in_force_on = ServiceRuleSet.objects.in_force
        assert in_force_on(workshop, organisation, start - days(1)) == in_force
        assert in_force_on(workshop, organisation, start) == successor

        # Not yet in force: still editable, in the same admin.
        response = browser.post(
            f"/admin/services/serviceruleset/{successor.pk}/change/",
            rule_set_data(workshop, organisation, start, min_age="17", max_age="29"),
        )
        assert response.status_code == 302, admin_errors(response)
        successor.refresh_from_db()
        assert successor.max_age == 29

    def test_a_rule_set_of_the_own_organisation_is_added_from_tomorrow_and_not_from_today(
        self, home
    ):
        unit, other_unit, administrator = home
        coaching = ServiceType.objects.get(code="work_coaching")
        browser = as_user(administrator)
        today = timezone.localdate()
        refused = browser.post(
            "/admin/services/serviceruleset/add/",
            rule_set_data(coaching, unit.organisation, today, max_days_per_week="4"),
        )
        assert refused.status_code == 200
        assert "aikaisintaan huomenna" in admin_errors(refused)
        refused = browser.post(
            "/admin/services/serviceruleset/add/",
            rule_set_data(coaching, other_unit.organisation, today + days(1)),
        )
        assert "Valitse oikea vaihtoehto" in admin_errors(refused)
        assert not ServiceRuleSet.objects.filter(
            service_type=coaching, organisation__isnull=False
        ).exists()
        response = browser.post(
            "/admin/services/serviceruleset/add/",
            rule_set_data(coaching, unit.organisation, today + days(1), max_days_per_week="4"),
        )
        assert response.status_code == 302, admin_errors(response)
        added = ServiceRuleSet.objects.get(service_type=coaching, organisation=unit.organisation)
        assert (added.valid_from, added.max_days_per_week) == (today + days(1), 4)

    def test_the_read_only_rule_set_in_swedish(self, home):
        unit, _, administrator = home
        in_force = ServiceRuleSetFactory(
            service_type=ServiceType.objects.get(code="youth_workshop"),
            organisation=unit.organisation,
            valid_from=timezone.localdate() - days(10),
        )
        page = as_user(administrator, "sv").get(
            f"/admin/services/serviceruleset/{in_force.pk}/change/"
        )
        text = text_of(page)
        assert page.status_code == 200
        assert "eikä niitä voi muokata" not in text
        assert f"{in_force.valid_from:%-d.%-m.%Y}" in text
        assert "Korvaa uusilla säännöillä" not in text


class TestCatalogue:
    def test_an_entry_in_three_languages_reaches_the_catalogue(self, home):
        unit, other_unit, administrator = home
        browser = as_user(administrator)
        response = browser.post(
            "/admin/services/catalogueentry/add/",
            {
                "slug": "tyokokeilu-verstas",
                "category": "employment_services",
                "provider": unit.organisation.pk,
                "provider_name_fi": "",
                "service_type": "",
                "is_active": "on",
                "name_fi": "Työkokeilu Verstaalla",
                "name_sv": "Arbetsprövning på Verstas",
                "name_en": "Work trial at Verstas",
                "description_fi": "Työkokeilu puutyöverstaalla 3–6 kuukautta.",
                "description_sv": "Arbetsprövning i snickeriverkstaden 3–6 månader.",
                "description_en": "A work trial in the woodwork shop for 3–6 months.",
                "eligibility_fi": "Työttömät työnhakijat.",
                "eligibility_sv": "Arbetslösa arbetssökande.",
                "eligibility_en": "Unemployed jobseekers.",
                "how_to_refer_fi": "Lähete työllisyyspalveluista.",
                "how_to_refer_sv": "Remiss från sysselsättningstjänsterna.",
                "how_to_refer_en": "Referral from employment services.",
                "min_age": "18",
                "max_age": "64",
                "languages": ["fi", "sv"],
                "contact_phone": "09 123 4567",
                "contact_email": "verstas@polku.test",
                "web_address": "",
                "_save": "Tallenna",
            },
        )
        assert response.status_code == 302, admin_errors(response)
        entry = CatalogueEntry.objects.get(slug="tyokokeilu-verstas")
        worker = make_user(Role.SOCIAL_WORKER, other_unit)
        for language, name, description in (
            ("fi", "Työkokeilu Verstaalla", "puutyöverstaalla"),
            ("sv", "Arbetsprövning på Verstas", "snickeriverkstaden"),
            ("en", "Work trial at Verstas", "woodwork shop"),
        ):
            reader = as_user(worker, language)
            listing = text_of(
                reader.get("/services/", {"category": "employment_services", "age": "30"})
            )
            assert name in listing, language
            detail = text_of(reader.get(f"/services/{entry.pk}/"))
            assert name in detail and description in detail, language


def test_a_service_type_shared_by_every_organisation_is_read_only_to_an_administrator(home):
    _, _, administrator = home
    rehabilitation = ServiceType.objects.get(code="rehabilitative_work_activity")
    browser = as_user(administrator)
    url = f"/admin/services/servicetype/{rehabilitation.pk}/change/"
    page = browser.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = browser.post(
        url,
        {
            "name_fi": "Poistettu",
            "name_sv": rehabilitation.name_sv,
            "name_en": rehabilitation.name_en,
            "legal_basis": rehabilitation.legal_basis,
            "_save": "Tallenna",
        },
    )
    assert response.status_code == 403
    rehabilitation.refresh_from_db()
    assert rehabilitation.name_fi != "Poistettu"
    assert rehabilitation.is_active
    delete = browser.post(
        f"/admin/services/servicetype/{rehabilitation.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403


def csv_rows(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def csv_value(rows, indicator_start: str, group: str) -> str:
    return next(row[2] for row in rows if row[0].startswith(indicator_start) and row[1] == group)


@pytest.fixture
def organisations():
    """Two organisations: ours with two workers (6 and 5 clients) in a unit the manager does
    not manage, and another with 7 clients."""
    managed = UnitFactory(name_fi="Työllisyyspalvelut", name_sv="Sysselsättningstjänster")
    ours = UnitFactory(organisation=managed.organisation, name_fi="Aikuissosiaalityö")
    manager = make_user(Role.MANAGER, managed, first_name="Maija", last_name="Esihenkilö")
    sanna = make_user(Role.SOCIAL_WORKER, ours, first_name="Sanna", last_name="Sosiaali")
    pekka = make_user(Role.SOCIAL_WORKER, ours, first_name="Pekka", last_name="Pieni")
    clients = [ClientFactory(responsible_worker=sanna) for _ in range(6)]
    clients += [ClientFactory(responsible_worker=pekka) for _ in range(5)]
    theirs = UnitFactory(name_fi="Naapurin sosiaalityö")
    olli = make_user(Role.SOCIAL_WORKER, theirs, first_name="Olli", last_name="Ulkopuoli")
    other_clients = [ClientFactory(responsible_worker=olli) for _ in range(7)]
    other_manager = make_user(Role.MANAGER, theirs)
    return {
        "manager": manager,
        "other_manager": other_manager,
        "clients": clients,
        "other_clients": other_clients,
        "unit": ours,
        "other_unit": theirs,
    }


class TestTheManagersReports:
    def test_reaches_the_figures_of_the_own_organisation_chooses_a_period_and_downloads_csv(
        self, organisations
    ):
        manager = organisations["manager"]
        browser = as_user(manager)
        dashboard = browser.get("/")
        assert 'href="/reports/"' in dashboard.content.decode()

        page = browser.get("/reports/")
        assert page.status_code == 200
        text = text_of(page)
        today = timezone.localdate()
        # The last twelve calendar months: this one up to today and the eleven before it.
        year_ago = add_months(today, -11).replace(day=1)
        assert f"Jaksoa koskevat luvut: {year_ago:%-d.%-m.%Y}–{today:%-d.%-m.%Y}." in text
        assert f"Tilannetta koskevat luvut: {today:%-d.%-m.%Y}." in text
        assert "Sanna Sosiaali 6" in text and "Pekka Pieni 5" in text
        assert "Yhteensä 11" in text
        assert "Olli Ulkopuoli" not in text
        # Aggregates only: no client's name; nothing logged about any client.
        for client in organisations["clients"] + organisations["other_clients"]:
            assert client.last_name not in text
        assert not AccessLogEntry.objects.exists()

        # A period before anyone was registered: small groups say "alle 5". The days
        # chosen stand for their whole months.
        chosen_start, chosen_end = today - days(90), today - days(60)
        start, end = chosen_start.replace(day=1), month_end(chosen_end)
        page = browser.get(
            "/reports/", {"start": chosen_start.isoformat(), "end": chosen_end.isoformat()}
        )
        text = text_of(page)
        assert f"Jaksoa koskevat luvut: {start:%-d.%-m.%Y}–{end:%-d.%-m.%Y}." in text
        assert "Rekisteröityjä asiakkaita alle 5" in text
        export = f"/reports/export.csv?start={start.isoformat()}&amp;end={end.isoformat()}"
        assert export in page.content.decode()

        # A period ending next month is refused next to the end date; no CSV for it.
        next_month = add_months(today, 1).isoformat()
        page = browser.get("/reports/", {"end": next_month})
        assert "Jakso voi päättyä viimeistään kuluvana kuukautena." in text_of(page)
        assert browser.get("/reports/export.csv", {"end": next_month}).status_code == 400

        response = browser.get("/reports/export.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = csv_rows(response)
        assert csv_value(rows, "Organisaatio", "") == manager.organisation.name_fi
        assert csv_value(rows, "Jakso", "") == f"{year_ago:%-d.%-m.%Y}–{today:%-d.%-m.%Y}"
        assert csv_value(rows, "Tilanne päivältä", "") == f"{today:%-d.%-m.%Y}"
        caseload = "Asiakkaita vastuutyöntekijää kohden"
        assert csv_value(rows, caseload, "Sanna Sosiaali") == "6"
        assert csv_value(rows, caseload, "Yhteensä") == "11"
        assert csv_value(rows, caseload, "Ei vastuutyöntekijää") == "alle 5"
        assert "Olli Ulkopuoli" not in response.content.decode()
        assert rows[-1][0] == "Huomautus"

    def test_in_swedish(self, organisations):
        browser = as_user(organisations["manager"], "sv")
        page = browser.get("/reports/")
        text = text_of(page)
        today = timezone.localdate()
        assert "Rapporter" in text
        assert f"Siffror för läget: {today:%-d.%-m.%Y}." in text
        assert "Klienter per ansvarig arbetstagare" in text
        assert "Ingen ansvarig arbetstagare under 5" in text
        for finnish in ("Raportit", "Tunnusluku", "alle 5", "ei näytetä", "Yhteensä"):
            assert finnish not in text, finnish
        rows = csv_rows(browser.get("/reports/export.csv"))
        assert rows[0] == ["Nyckeltal", "Grupp", "Värde"]
        assert csv_value(rows, "Klienter per ansvarig arbetstagare", "Totalt") == "11"

    def test_another_organisations_manager_sees_only_their_own(self, organisations):
        text = text_of(as_user(organisations["other_manager"]).get("/reports/"))
        assert "Olli Ulkopuoli 7" in text
        assert "Sanna Sosiaali" not in text and "Pekka Pieni" not in text

    @pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.DPO, Role.ADMIN, Role.KELA_LIAISON])
    def test_other_roles_are_refused(self, organisations, role):
        user = make_user(role, organisations["unit"], is_staff=role == Role.ADMIN)
        browser = as_user(user)
        assert browser.get("/reports/").status_code == 403
        assert browser.get("/reports/export.csv").status_code == 403
        assert 'href="/reports/"' not in browser.get("/").content.decode()


class TestTheCoordinatorsReports:
    def test_sees_the_consultation_figures_of_own_networks_only(self, organisations):
        unit = organisations["unit"]
        coordinator = make_user(
            Role.COORDINATOR, unit, first_name="Kaisa", last_name="Koordinaattori"
        )
        own = NetworkFactory(
            name_fi="Työkyvyn tuen verkosto", convening_organisation=unit.organisation
        )
        add_network_member(own, coordinator)
        theirs_unit = organisations["other_unit"]
        their_coordinator = make_user(Role.COORDINATOR, theirs_unit)
        theirs = NetworkFactory(
            name_fi="Naapurin verkosto", convening_organisation=theirs_unit.organisation
        )
        held_on = timezone.localdate() - days(10)
        for network, who, clients in (
            (own, coordinator, organisations["clients"][:5]),
            (theirs, their_coordinator, organisations["other_clients"][:6]),
        ):
            held = make_session(network, who, starts_at=local_time(held_on, 13))
            for client in clients:
                request = make_request(client)
                ConsultationRequest.objects.filter(pk=request.pk).update(
                    created_at=local_time(held_on - days(4), 10)
                )
                put_on_agenda(request, held, minutes=10)

        for language, held_text, median_text in (
            ("fi", "Pidettyjä istuntoja", "Pyynnöstä istuntoon, mediaani (päivää)"),
            ("sv", "Hållna möten", None),
        ):
            browser = as_user(coordinator, language)
            page = browser.get("/reports/")
            assert page.status_code == 200
            text = text_of(page)
            assert "Työkyvyn tuen verkosto" in text
            assert "Naapurin verkosto" not in text
            if language == "fi":
                assert held_text in text and median_text in text
                assert "Työkyvyn tuen verkosto 1 5 5 4" in text
                assert "Asiakkaita vastuutyöntekijää kohden" not in text
            for client in organisations["clients"]:
                assert client.last_name not in text
            response = browser.get("/reports/export.csv")
            body = response.content.decode("utf-8")
            assert "Naapurin verkosto" not in body
            assert "Työkyvyn tuen verkosto" in body
        assert not AccessLogEntry.objects.exists()


@pytest.fixture
def catalogue():
    home_unit = UnitFactory()
    kela = OrganisationFactory(name_fi="Kela", name_sv="FPA", name_en="Kela")
    workshop = CatalogueEntry.objects.create(
        slug="nuorten-tyopaja",
        category="rehabilitation",
        provider=home_unit.organisation,
        name_fi="Nuorten työpaja",
        name_sv="Ungdomsverkstad",
        name_en="Youth workshop",
        description_fi="Valmennusta pajalla.",
        description_sv="Coachning i verkstaden.",
        min_age=17,
        max_age=29,
        languages=["fi", "sv"],
        service_type=ServiceType.objects.get(code="youth_workshop"),
    )
    rehabilitation = CatalogueEntry.objects.create(
        slug="ammatillinen-kuntoutus",
        category="social_security",
        provider=kela,
        name_fi="Ammatillinen kuntoutus",
        name_sv="Yrkesinriktad rehabilitering",
        name_en="Vocational rehabilitation",
        description_fi="Kelan ammatillinen kuntoutus.",
        description_sv="FPA:s yrkesinriktade rehabilitering.",
        min_age=30,
        max_age=67,
        languages=["fi"],
    )
    CatalogueEntry.objects.create(
        slug="lopetettu",
        category="rehabilitation",
        name_fi="Lopetettu palvelu",
        name_sv="Nedlagd tjänst",
        description_fi="Ei enää.",
        is_active=False,
    )
    return home_unit, kela, workshop, rehabilitation


@pytest.mark.parametrize(
    "role",
    [
        Role.SOCIAL_WORKER,
        Role.WORKSHOP_COACH,
        Role.COORDINATOR,
        Role.KELA_LIAISON,
        Role.EMPLOYMENT_EXPERT,
        Role.MANAGER,
        Role.DPO,
        Role.ADMIN,
    ],
)
def test_the_catalogue_with_filters_in_swedish(catalogue, role):
    home_unit, kela, workshop, _ = catalogue
    user = make_user(role, home_unit, is_staff=role == Role.ADMIN)
    browser = as_user(user, "sv")
    assert 'href="/services/"' in browser.get("/").content.decode()

    page = browser.get("/services/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Ungdomsverkstad" in text and "Yrkesinriktad rehabilitering" in text
    assert "Nedlagd tjänst" not in text
    assert "Nuorten työpaja" not in text and "Kaikki luokat" not in text

    def shown(**filters) -> set[str]:
        listing = text_of(browser.get("/services/", filters))
        return {
            name for name in ("Ungdomsverkstad", "Yrkesinriktad rehabilitering") if name in listing
        }

    assert shown(age="25") == {"Ungdomsverkstad"}
    assert shown(age="45") == {"Yrkesinriktad rehabilitering"}
    assert shown(language="sv") == {"Ungdomsverkstad"}
    assert shown(provider=kela.pk) == {"Yrkesinriktad rehabilitering"}
    assert shown(category="rehabilitation") == {"Ungdomsverkstad"}
    assert shown(category="social_security", age="25") == set()

    # A wrong age is told next to the field, in Swedish.
    refused = browser.get("/services/", {"age": "tjugo"})
    assert refused.status_code == 200
    assert 'id="id_age_error"' in refused.content.decode()
    assert "Fyll i ett heltal." in text_of(refused)

    # The entry page, with the rules in force today (d.m.yyyy).
    detail = text_of(browser.get(f"/services/{workshop.pk}/"))
    assert "Coachning i verkstaden." in detail
    assert "Regler i dag" in detail
    assert re.search(r"Gällande \d{1,2}\.\d{1,2}\.\d{4}–", detail)
    inactive = CatalogueEntry.objects.get(slug="lopetettu")
    assert browser.get(f"/services/{inactive.pk}/").status_code == 404
