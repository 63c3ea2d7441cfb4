"""A form sent in a role that ended while the page was open: the refusal page shows the user
what they typed, offers the roles now current, and passes axe (it has no address of its own,
so the walk of every page does not reach it)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients.models import Client
from services.factories import UnitFactory
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_text_of_a_form_refused_for_an_ended_role_is_shown_back(new_page, unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    elsewhere = RoleAssignment.objects.create(
        user=worker, role=Role.SOCIAL_WORKER, unit=UnitFactory(name_fi="Toisen kunnan aikuistyö")
    )
    page = new_page(worker)
    page.goto("/")
    page.get_by_label("Rooli", exact=True).select_option(str(elsewhere.pk))
    page.get_by_role("button", name="Vaihda").click()
    page.goto("/clients/new/")
    page.locator("#id_first_names").fill("Aino Kerttu")
    page.locator("#id_last_name").fill("Äijälä")

    # The role ends while the form is open.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(pk=elsewhere.pk).update(
        valid_from=yesterday - datetime.timedelta(days=7), valid_to=yesterday
    )
    page.get_by_role("button", name="Rekisteröi").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Lomaketta ei tallennettu")
    expect(page.get_by_label("Etunimet")).to_have_value("Aino Kerttu")
    expect(page.get_by_label("Sukunimi")).to_have_value("Äijälä")
    assert not Client.objects.exists()
    assert_accessible(page)
