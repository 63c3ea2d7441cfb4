"""axe on the page states the every-page walk does not reach: the walk opens each URL once,
by the first role allowed, with the world's few objects and no query string. Here the
manager's and the DPO's review pages are opened with rows to review, the calendar in its
month view, the calendar-feed settings with a new address shown, the DPO's searches in
their result and error states, the 500 page, the page of a form sent stale, and the
administrator's pages of the Django admin (the only pages of Polku an administrator uses)."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from audit.actions import log_access, log_disclosure
from clients.models import BreakTheGlass
from services.factories import ServiceRuleSetFactory
from tests.e2e.conftest import axe_violations
from tests.permissions.matrix import EXPECTATIONS

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

R = Role


def _checked(page, url, failures, *, status=200):
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    violations = axe_violations(page)
    if violations:
        failures[url] = violations


def test_the_managers_review_pages_with_rows_pass_axe(new_page, world):
    now = timezone.now()
    for reason, reviewed in (("Asiakas soitti kiireellisesti.", False), ("Kriisitilanne.", True)):
        BreakTheGlass.objects.create(
            client=world.client,
            user=world.users[R.SOCIAL_COUNSELLOR],
            role=R.SOCIAL_COUNSELLOR,
            unit=world.client.responsible_unit,
            reason=reason,
            expires_at=now + datetime.timedelta(hours=1),
            reviewed_at=now if reviewed else None,
            reviewed_by=world.users[R.MANAGER] if reviewed else None,
        )
    page = new_page(world.users[R.MANAGER])
    failures = {}
    _checked(page, reverse("clients:break_the_glass_review"), failures)
    expect(page.get_by_role("button", name="Merkitse tarkastetuksi")).to_have_count(1)
    worker = world.users[R.SOCIAL_WORKER]
    _checked(page, f"{reverse('clients:handover')}?from={worker.pk}", failures)
    expect(page.get_by_text(world.client.last_name).first).to_be_visible()
    _checked(page, reverse("reports:index"), failures)
    assert failures == {}


def test_the_calendar_month_and_the_feed_settings_with_an_address_pass_axe(new_page, world):
    EXPECTATIONS["consultations:session"].kwargs(world)  # a session on now, with a case
    page = new_page(world.users[R.COORDINATOR])
    failures = {}
    _checked(page, f"{reverse('consultations:calendar')}?view=month", failures)
    expect(page.locator("table caption")).to_be_visible()
    _checked(page, reverse("consultations:feed_settings"), failures)
    page.get_by_role("button", name="Tee osoite").click()
    expect(page.get_by_label("Kalenterisyötteen osoite")).to_be_visible()
    if violations := axe_violations(page):
        failures["feed address shown"] = violations
    assert failures == {}


def test_the_dpos_pages_with_rows_and_errors_pass_axe(new_page, world):
    worker = world.users[R.SOCIAL_WORKER]
    log_access(
        actor=worker, client_id=world.client.uuid, action="clients.client.viewed", basis="care_team"
    )
    log_disclosure(
        actor=worker,
        client_id=world.client.uuid,
        recipient_organisation=world.unit.organisation,
        what="Palvelupolun yhteenveto",
        basis="statute",
        statute="Sosiaalihuoltolaki 41 §",
        channel="phone",
    )
    page = new_page(world.users[R.DPO])
    failures = {}
    _checked(page, reverse("audit:client_log", args=[world.client.uuid]), failures)
    expect(page.locator("table").first).to_be_visible()
    # The report's print language is a field as every form's select is: its label above it and
    # as tall as an input, not the browser's small select on the line of the print button.
    language = page.get_by_label("Raportin kieli").bounding_box()
    label = page.locator("label[for=id_print_language]").bounding_box()
    assert language["height"] >= 48 and label["y"] + label["height"] <= language["y"] + 1
    _checked(page, f"{reverse('audit:user_find')}?q={worker.last_name}", failures)
    _checked(page, reverse("audit:user_log", args=[worker.uuid]), failures)
    today = timezone.localdate()
    statistics = (
        f"{reverse('audit:statistics')}?start={today.replace(day=1):%Y-%m-%d}&end={today:%Y-%m-%d}"
    )
    _checked(page, statistics, failures)
    # A period the form refuses, then an identity code nobody has: the error states.
    _checked(page, f"{reverse('audit:user_log', args=[worker.uuid])}?start=2027-13-01", failures)
    page.goto(reverse("audit:client_log_find"))
    page.get_by_label("Henkilötunnus").fill("010101-999R")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    if violations := axe_violations(page):
        failures["client log find: not found"] = violations
    assert failures == {}


def test_the_500_page_passes_axe(new_page):
    with override_settings(ROOT_URLCONF="tests.accounts.error_urls"):
        page = new_page()
        response = page.goto("/test-errors/broken/")
        assert response.status == 500
        assert axe_violations(page) == []


def test_the_stale_form_page_passes_axe(new_page, world):
    page = new_page(world.users[R.SOCIAL_WORKER])
    page.goto(reverse("profile"))
    page.locator("main input[name=csrfmiddlewaretoken]").evaluate("input => input.value = 'x'")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lomakkeen lähetys ei onnistunut")
    assert axe_violations(page) == []


ADMIN_PAGES = [
    "admin:index",
    "admin:accounts_user_changelist",
    "admin:accounts_user_add",
    "admin:services_unit_changelist",
    "admin:services_unit_add",
    "admin:services_catalogueentry_changelist",
    "admin:services_catalogueentry_add",
    "admin:services_serviceruleset_changelist",
    "admin:services_serviceruleset_add",
]


def test_the_administrators_admin_pages_pass_axe(new_page, world):
    admin = world.users[R.ADMIN]
    page = new_page(admin)
    failures = {}
    for name in ADMIN_PAGES:
        _checked(page, reverse(name), failures)
    _checked(
        page, reverse("admin:accounts_user_change", args=[world.users[R.MANAGER].pk]), failures
    )
    # Polku's own admin page: superseding the organisation's rule set in force.
    rule_set = ServiceRuleSetFactory(organisation=world.unit.organisation)
    _checked(page, reverse("admin:services_serviceruleset_supersede", args=[rule_set.pk]), failures)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # An add form sent empty: the error state.
    page.goto(reverse("admin:services_unit_add"))
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    if violations := axe_violations(page):
        failures["unit add with errors"] = violations
    assert failures == {}
