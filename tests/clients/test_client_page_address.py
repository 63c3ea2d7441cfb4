"""A non-disclosed address (turvakielto) on the client page: only the responsible worker sees it.

The sote contact person, the other team members, the manager of the responsible unit
and a colleague who broke the glass all see the client page, but instead of the
address a note that it is non-disclosed.
"""

import re

import pytest

from accounts.roles import Role
from clients import actions
from tests.conftest import acting, login

STREET = "Piilokuja 13 C 45"
POSTAL_CODE = "99871"
CITY = "Kätkölä"
NON_DISCLOSED = "Turvakielto: osoite näkyy vain vastuutyöntekijälle."
# The value of the "Osoite" row of the page's basic data.
ADDRESS_ROW = re.compile(r"<dt>Osoite</dt>\s*<dd>(?P<value>.*?)</dd>", re.DOTALL)


def address_row(page) -> str:
    matches = ADDRESS_ROW.findall(page.content.decode())
    assert len(matches) == 1, "the page has one address row"
    return " ".join(matches[0].split())


def assert_no_address(page):
    html = page.content.decode()
    for part in (STREET, POSTAL_CODE, CITY):
        assert part not in html


@pytest.fixture
def protected(world):
    """The world's client with a non-disclosed address."""
    client = world.client
    client.street_address = STREET
    client.postal_code = POSTAL_CODE
    client.city = CITY
    client.address_non_disclosure = True
    client.save()
    return client


def page_of(client, user, target):
    login(client, user)
    page = client.get(f"/clients/{target.uuid}/")
    assert page.status_code == 200
    return page


def test_the_responsible_worker_sees_the_address_marked_non_disclosed(client, world, protected):
    page = page_of(client, world.users[Role.SOCIAL_WORKER], protected)
    # On screen only: paper gets a stand-in (the browser test prints the page).
    assert address_row(page) == (
        f'<span class="polku-screen-only">{STREET}, {POSTAL_CODE} {CITY} '
        "<strong>(turvakielto)</strong></span> "
        '<span class="polku-print-only">Turvakielto: osoitetta ei tulosteta.</span>'
    )
    assert NON_DISCLOSED not in page.content.decode()


@pytest.mark.parametrize(
    "role",
    [
        Role.HEALTH_PROFESSIONAL,  # sote contact person
        Role.COORDINATOR,  # work pair
        Role.WORK_COACH,  # coach
        Role.MANAGER,  # manages the responsible unit
    ],
)
def test_others_who_see_the_client_do_not_see_the_address(client, world, protected, role):
    page = page_of(client, world.users[role], protected)
    assert address_row(page) == NON_DISCLOSED
    assert_no_address(page)


def test_breaking_the_glass_does_not_show_the_address(client, world, protected):
    counsellor = world.users[Role.SOCIAL_COUNSELLOR]
    login(client, counsellor)
    assert client.get(f"/clients/{protected.uuid}/").status_code == 404
    actions.break_the_glass(
        client=protected, user=acting(counsellor), reason="Asiakas soitti, työntekijä lomalla."
    )
    page = page_of(client, counsellor, protected)
    assert "Avasit tiedot murtautumalla" in page.content.decode()
    assert address_row(page) == NON_DISCLOSED
    assert_no_address(page)


def test_the_sote_contact_does_not_get_the_address_on_the_edit_page_either(
    client, world, protected
):
    login(client, world.users[Role.HEALTH_PROFESSIONAL])
    page = client.get(f"/clients/{protected.uuid}/edit/")
    assert page.status_code == 200
    assert 'name="street_address"' not in page.content.decode()
    assert_no_address(page)


def test_without_non_disclosure_the_team_sees_the_address(client, world, protected):
    """The control: the same page shows the address once the flag is off."""
    protected.address_non_disclosure = False
    protected.save()
    page = page_of(client, world.users[Role.HEALTH_PROFESSIONAL], protected)
    assert address_row(page) == f"{STREET}, {POSTAL_CODE} {CITY}"
    assert NON_DISCLOSED not in page.content.decode()


@pytest.mark.parametrize(
    ("street", "postal_code", "city", "shown"),
    [
        ("", POSTAL_CODE, "", POSTAL_CODE),
        ("", "", CITY, CITY),
        (STREET, "", CITY, f"{STREET}, {CITY}"),
        ("", POSTAL_CODE, CITY, f"{POSTAL_CODE} {CITY}"),
        ("", "", "", "–"),
    ],
)
def test_an_address_in_part_shows_the_parts_given(
    client, world, protected, street, postal_code, city, shown
):
    protected.address_non_disclosure = False
    protected.street_address, protected.postal_code, protected.city = street, postal_code, city
    protected.save()
    page = page_of(client, world.users[Role.HEALTH_PROFESSIONAL], protected)
    assert address_row(page) == shown
