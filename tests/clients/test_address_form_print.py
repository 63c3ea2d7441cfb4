"""A non-disclosed address (turvakielto) never prints from the registration or edit form,
also when the worker has just ticked the flag and the form comes back refused."""

from html.parser import HTMLParser

from clients.factories import demo_identity_code, random_birth_date
from clients.models import Client
from tests.conftest import field_errors, login

STREET = "Salaisenpolku 7 B 12"
POSTAL_CODE = "00990"
CITY = "Vuosaari"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Printable(HTMLParser):
    """Text and attribute values outside elements of class polku-screen-only (which
    polku.css hides in print)."""

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def _hidden(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        screen_only = "polku-screen-only" in (dict(attrs).get("class") or "").split()
        if not self._hidden() and not screen_only:
            self.parts.extend(value or "" for _, value in attrs)
        if tag not in VOID:
            self.stack.append(screen_only)

    def handle_startendtag(self, tag, attrs):
        if not self._hidden():
            self.parts.extend(value or "" for _, value in attrs)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def printable(page: str) -> str:
    parser = _Printable()
    parser.feed(page)
    return " ".join(parser.parts)


ADDRESS = {
    "street_address": STREET,
    "postal_code": POSTAL_CODE,
    "city": CITY,
    "address_non_disclosure": "on",
}


def test_a_refused_registration_with_the_flag_ticked_prints_no_address(client, social_worker):
    login(client, social_worker)
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post(
        "/clients/new/",
        {
            "identity_code": code,
            "first_names": "Tuisku Emilia",
            "last_name": "",
            "language": "fi",
            "relationship_home": "social_services",
            **ADDRESS,
        },
    )
    page = response.content.decode()
    assert field_errors(page, "last_name")
    assert STREET in page and 'name="address_non_disclosure"' in page
    shown = printable(page)
    for secret in (STREET, POSTAL_CODE, CITY):
        assert secret not in shown
    assert not Client.objects.exists()


def test_a_refused_edit_that_ticks_the_flag_prints_no_address(client, team):
    target = team["client"]
    login(client, team["worker"])
    response = client.post(
        f"/clients/{target.uuid}/edit/",
        {
            "first_names": target.first_names,
            "last_name": "",
            "language": "fi",
            "relationship_home": "social_services",
            "phone": target.phone,
            **ADDRESS,
        },
    )
    page = response.content.decode()
    assert field_errors(page, "last_name")
    assert STREET in page
    shown = printable(page)
    for secret in (STREET, POSTAL_CODE, CITY):
        assert secret not in shown
    target.refresh_from_db()
    assert not target.address_non_disclosure


def test_an_unticked_form_does_not_print_the_address_either(client, team):
    """The worker may tick the flag at any moment before saving: the form never prints it."""
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(street_address=STREET, postal_code=POSTAL_CODE)
    login(client, team["worker"])
    page = client.get(f"/clients/{target.uuid}/edit/").content.decode()
    assert STREET in page
    assert STREET not in printable(page) and POSTAL_CODE not in printable(page)
