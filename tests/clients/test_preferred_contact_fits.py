"""The preferred way of contact fits the contact details: a call or a text message needs a
phone number, an e-mail an e-mail address, a letter an address. Refused next to the field,
on registration and on editing."""

import pytest
from django.core.exceptions import ValidationError

from clients import actions
from clients.demo import CONTACTS, STORIES
from clients.factories import ClientFactory, demo_identity_code, random_birth_date
from clients.forms import ClientForm
from clients.models import Client, ContactMethod
from tests.conftest import acting, field_errors, login

NEEDS_PHONE = "Kirjaa puhelinnumero tai valitse toinen yhteydenottotapa."
NEEDS_EMAIL = "Kirjaa sähköpostiosoite tai valitse toinen yhteydenottotapa."
NEEDS_ADDRESS = (
    "Kirjaa osoite (katuosoite, postinumero ja postitoimipaikka) tai valitse toinen "
    "yhteydenottotapa."
)
DETAILS = {
    "phone": "040 1234567",
    "email": "tuisku@example.fi",
    "street_address": "Esimerkkikatu 1",
    "postal_code": "00100",
    "city": "Helsinki",
}
BASE = {
    "first_names": "Tuisku Emilia",
    "last_name": "Tietävä",
    "language": "fi",
    "relationship_home": "social_services",
}
CASES = [
    ("text_message", {"phone": ""}, NEEDS_PHONE),
    ("phone_call", {"phone": "  "}, NEEDS_PHONE),
    ("email", {"email": ""}, NEEDS_EMAIL),
    ("letter", {"street_address": ""}, NEEDS_ADDRESS),
    ("letter", {"postal_code": ""}, NEEDS_ADDRESS),
    ("letter", {"city": ""}, NEEDS_ADDRESS),
]


@pytest.mark.parametrize(("method", "missing", "error"), CASES)
def test_registration_refuses_a_way_of_contact_without_its_detail(
    client, social_worker, method, missing, error
):
    login(client, social_worker)
    code = demo_identity_code(random_birth_date(30, 40))
    data = {**BASE, **DETAILS, **missing, "identity_code": code, "preferred_contact": method}
    response = client.post("/clients/new/", data)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "preferred_contact") == error
    assert not Client.objects.exists()


@pytest.mark.parametrize(("method", "missing", "error"), CASES)
def test_editing_refuses_a_way_of_contact_without_its_detail(client, team, method, missing, error):
    target = team["client"]
    login(client, team["worker"])
    data = {**BASE, **DETAILS, **missing, "preferred_contact": method}
    response = client.post(f"/clients/{target.uuid}/edit/", data)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "preferred_contact") == error
    target.refresh_from_db()
    assert target.preferred_contact == ""


@pytest.mark.parametrize("method", [*ContactMethod.values, ""])
def test_each_way_is_saved_with_its_detail(client, team, method):
    target = team["client"]
    login(client, team["worker"])
    data = {**BASE, **DETAILS, "preferred_contact": method}
    response = client.post(f"/clients/{target.uuid}/edit/", data)
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.preferred_contact == method


def test_in_person_and_unknown_need_no_details(client, team):
    target = team["client"]
    login(client, team["worker"])
    empty = dict.fromkeys(DETAILS, "")
    for method in (ContactMethod.IN_PERSON, ""):
        response = client.post(
            f"/clients/{target.uuid}/edit/", {**BASE, **empty, "preferred_contact": method}
        )
        assert response.status_code == 302


def test_a_letter_is_checked_against_the_stored_non_disclosed_address(client, team):
    """The sote contact person does not see a non-disclosed address (the fields are left out
    of the form): a letter goes to the stored one."""
    from accounts.factories import make_user
    from accounts.roles import Role
    from clients.factories import add_member
    from clients.models import TeamRole

    target = team["client"]
    sote = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(target, sote, TeamRole.SOTE_CONTACT)
    Client.objects.filter(pk=target.pk).update(address_non_disclosure=True)
    login(client, sote)
    url = f"/clients/{target.uuid}/edit/"
    data = {**BASE, "phone": "040 1", "preferred_contact": "letter"}
    assert client.post(url, data).status_code == 302
    Client.objects.filter(pk=target.pk).update(street_address="", preferred_contact="")
    response = client.post(url, data)
    assert field_errors(response.content.decode(), "preferred_contact") == NEEDS_ADDRESS


def test_the_demo_ways_of_contact_fit_the_demo_details(team):
    """The demo clients have a phone number and an address but no e-mail address."""
    demo_like = ClientFactory.build(email="")
    for method in {*CONTACTS, *(story["contact"] for story in STORIES)}:
        form = ClientForm(
            data={
                **BASE,
                "phone": "040 1234567",
                "street_address": "Demokatu 1",
                "postal_code": "00100",
                "city": "Helsinki",
                "preferred_contact": method,
            },
            instance=demo_like,
            user=team["worker"],
        )
        form.is_valid()
        assert "preferred_contact" not in form.errors, method


@pytest.mark.parametrize(("method", "missing", "error"), CASES)
def test_the_actions_hold_the_rule(social_worker, team, method, missing, error):
    """Not only the forms: registering and updating refuse it too (actions hold the rules)."""
    with pytest.raises(ValidationError) as refused:
        actions.register_client(
            registered_by=acting(social_worker),
            identity_code=demo_identity_code(random_birth_date(30, 40)),
            **{**BASE, **DETAILS, **missing, "preferred_contact": method},
        )
    assert refused.value.message_dict == {"preferred_contact": [error]}
    assert not Client.objects.filter(last_name="Tietävä").exists()

    target = team["client"]
    with pytest.raises(ValidationError) as refused:
        actions.update_client(
            client=target,
            changed_by=acting(team["worker"]),
            fields={**DETAILS, **missing, "preferred_contact": method},
        )
    assert refused.value.message_dict == {"preferred_contact": [error]}
    target.refresh_from_db()
    assert target.preferred_contact == ""


def test_an_unrelated_change_is_not_refused_for_an_older_mismatch(team):
    """A client saved before the rule (a letter, no address) keeps its other edits."""
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(
        preferred_contact=ContactMethod.LETTER, street_address="", postal_code="", city=""
    )
    target.refresh_from_db()
    updated = actions.update_client(
        client=target,
        changed_by=acting(team["worker"]),
        fields={"accessibility_notes": "Pyörätuoli"},
    )
    assert updated.accessibility_notes == "Pyörätuoli"
