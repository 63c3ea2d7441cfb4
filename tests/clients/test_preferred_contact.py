"""The client's preferred way of being contacted: registered, changed, shown beside the
contact details to whoever sees them, and kept in the change history."""

import re

from audit.models import AccessLogEntry
from clients.factories import demo_identity_code, random_birth_date
from clients.models import Client, ContactMethod
from tests.conftest import field_errors, login

REGISTRATION = {
    "first_names": "Tuisku Emilia",
    "last_name": "Tietävä",
    "language": "fi",
    "relationship_home": "social_services",
    "phone": "040 1234567",
}
# The value of the "Yhteydenottotapa" row of the page's basic data.
CONTACT_ROW = re.compile(r"<dt>Yhteydenottotapa</dt>\s*<dd>(?P<value>.*?)</dd>", re.DOTALL)


def contact_row(page) -> str:
    matches = CONTACT_ROW.findall(page.content.decode())
    assert len(matches) == 1, "the page has one row of the preferred contact"
    return " ".join(matches[0].split())


def _edit_form(target, **changes):
    data = {
        "first_names": target.first_names,
        "last_name": target.last_name,
        "language": "fi",
        "relationship_home": "social_services",
        "phone": target.phone,
        "street_address": target.street_address,
        "postal_code": target.postal_code,
        "city": target.city,
    }
    return {**data, **changes}


def test_the_registration_form_offers_and_saves_the_preferred_contact(client, social_worker):
    login(client, social_worker)
    form = client.get("/clients/new/").content.decode()
    assert 'name="preferred_contact"' in form
    assert "Ensisijainen yhteydenottotapa" in form
    assert "Jätä tyhjäksi, jos asiakkaan toivetta ei tiedetä." in form
    for method in ContactMethod:
        assert f'value="{method.value}"' in form
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post(
        "/clients/new/",
        {**REGISTRATION, "identity_code": code, "preferred_contact": "text_message"},
    )
    registered = Client.objects.get()
    assert registered.preferred_contact == ContactMethod.TEXT_MESSAGE
    assert contact_row(client.get(response["Location"])) == "tekstiviesti"


def test_a_client_registered_without_one_has_it_unknown(client, social_worker):
    login(client, social_worker)
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post("/clients/new/", {**REGISTRATION, "identity_code": code})
    assert Client.objects.get().preferred_contact == ""
    assert contact_row(client.get(response["Location"])) == "–"


def test_an_unknown_value_is_refused_next_to_the_field(client, team):
    target = team["client"]
    login(client, team["worker"])
    response = client.post(
        f"/clients/{target.uuid}/edit/", _edit_form(target, preferred_contact="carrier_pigeon")
    )
    assert response.status_code == 200
    assert "carrier_pigeon" in field_errors(response.content.decode(), "preferred_contact")
    target.refresh_from_db()
    assert target.preferred_contact == ""
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post(
        "/clients/new/", {**REGISTRATION, "identity_code": code, "preferred_contact": "fax"}
    )
    assert field_errors(response.content.decode(), "preferred_contact")
    assert not Client.objects.filter(last_name="Tietävä").exists()


def test_editing_changes_it_and_the_change_is_logged_and_in_the_history(client, team):
    target = team["client"]
    login(client, team["worker"])
    form = client.get(f"/clients/{target.uuid}/edit/").content.decode()
    assert 'name="preferred_contact"' in form
    response = client.post(
        f"/clients/{target.uuid}/edit/", _edit_form(target, preferred_contact="in_person")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.preferred_contact == ContactMethod.IN_PERSON
    entry = AccessLogEntry.objects.get(client_id=target.uuid, action="clients.client.changed")
    assert entry.detail == "preferred_contact"
    event = Client.pgh_event_model.objects.filter(pgh_obj=target).order_by("pgh_id").last()
    assert event.preferred_contact == ContactMethod.IN_PERSON
    metadata = event.pgh_context.metadata
    assert (metadata["user"], metadata["action"]) == (team["worker"].pk, "clients.client.changed")
    assert contact_row(client.get(f"/clients/{target.uuid}/")) == "vain tapaamisissa"

    # Back to unknown.
    client.post(f"/clients/{target.uuid}/edit/", _edit_form(target, preferred_contact=""))
    target.refresh_from_db()
    assert target.preferred_contact == ""


def test_team_members_see_it_beside_the_contact_details(client, team):
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(preferred_contact=ContactMethod.PHONE_CALL)
    login(client, team["coach"])
    page = client.get(f"/clients/{target.uuid}/")
    assert contact_row(page) == "puhelu"
    text = page.content.decode()
    # Beside the phone and e-mail, in the basic data.
    assert text.index("<dt>Puhelin</dt>") < text.index("<dt>Yhteydenottotapa</dt>")
    assert text.index("<dt>Yhteydenottotapa</dt>") < text.index("<dt>Asiakkuus</dt>")


def test_a_letter_to_a_non_disclosed_address_reveals_no_address(client, team):
    """A letter is the client's wish like any other: the address stays as hidden as before."""
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(
        preferred_contact=ContactMethod.LETTER,
        street_address="Piilokuja 13 C 45",
        postal_code="99871",
        city="Kätkölä",
        address_non_disclosure=True,
    )
    login(client, team["coach"])
    page = client.get(f"/clients/{target.uuid}/")
    assert contact_row(page) == "kirje"
    for secret in ("Piilokuja", "99871", "Kätkölä"):
        assert secret not in page.content.decode()
