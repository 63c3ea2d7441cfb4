"""Editing basic data: a non-disclosed address (turvakielto) reaches only the responsible worker."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.factories import make_user
from accounts.roles import Role
from clients import actions
from clients.factories import add_member
from clients.models import CareTeamMembership, Client, TeamRole
from tests.conftest import acting, field_errors, login

STREET = "Salaisenpolku 7 B 12"
POSTAL_CODE = "00990"
CITY = "Vuosaari"


@pytest.fixture
def protected(team):
    """The team's client with a non-disclosed address and a sote contact person on the team."""
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(
        street_address=STREET, postal_code=POSTAL_CODE, city=CITY, address_non_disclosure=True
    )
    target.refresh_from_db()
    sote = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(target, sote, TeamRole.SOTE_CONTACT)
    return {**team, "client": target, "sote": sote}


def _form(target, **changes):
    data = {
        "first_names": target.first_names,
        "last_name": target.last_name,
        "language": "fi",
        "relationship_home": "social_services",
        "phone": target.phone,
    }
    return {**data, **changes}


def test_the_sote_contact_persons_edit_page_leaves_the_address_out(client, protected):
    login(client, protected["sote"])
    response = client.get(f"/clients/{protected['client'].uuid}/edit/")
    text = response.content.decode()
    assert response.status_code == 200
    for secret in (STREET, POSTAL_CODE, CITY):
        assert secret not in text
    assert 'name="street_address"' not in text
    assert 'name="address_non_disclosure"' not in text
    assert "osoite näkyy vain vastuutyöntekijälle" in text


def test_saving_as_the_sote_contact_person_keeps_the_stored_address(client, protected):
    target = protected["client"]
    login(client, protected["sote"])
    response = client.post(
        f"/clients/{target.uuid}/edit/",
        _form(
            target,
            phone="040 1112223",
            # Posted anyway (a tampered form): ignored, the fields are not in the form.
            street_address="Uusi katu 1",
            postal_code="",
            city="",
        ),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.phone == "040 1112223"
    assert (target.street_address, target.postal_code, target.city) == (STREET, POSTAL_CODE, CITY)
    assert target.address_non_disclosure


def test_the_responsible_worker_sees_and_edits_the_address(client, protected):
    target = protected["client"]
    login(client, protected["worker"])
    text = client.get(f"/clients/{target.uuid}/edit/").content.decode()
    assert STREET in text and POSTAL_CODE in text and CITY in text
    response = client.post(
        f"/clients/{target.uuid}/edit/",
        _form(
            target,
            street_address="Piilokuja 3",
            postal_code="00980",
            city="Helsinki",
            address_non_disclosure="on",
        ),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.street_address, target.postal_code, target.city) == (
        "Piilokuja 3",
        "00980",
        "Helsinki",
    )
    assert target.address_non_disclosure


@pytest.mark.parametrize("code", ["²²²²²", "٠٠٩٨٠", "0098", "0098x"])
def test_a_postal_code_is_five_digits_0_to_9(client, protected, code):
    target = protected["client"]
    login(client, protected["worker"])
    response = client.post(f"/clients/{target.uuid}/edit/", _form(target, postal_code=code))
    assert field_errors(response.content.decode(), "postal_code") == (
        "Postinumerossa on viisi numeroa."
    )
    target.refresh_from_db()
    assert target.postal_code == POSTAL_CODE


def test_without_turvakielto_the_sote_contact_person_edits_the_address(client, protected):
    target = protected["client"]
    Client.objects.filter(pk=target.pk).update(address_non_disclosure=False)
    login(client, protected["sote"])
    text = client.get(f"/clients/{target.uuid}/edit/").content.decode()
    assert STREET in text


def test_the_action_refuses_an_address_change_by_someone_who_may_not_see_it(protected):
    sote = acting(protected["sote"])
    with pytest.raises(PermissionDenied):
        actions.update_client(client=protected["client"], changed_by=sote, fields={"city": "Espoo"})
    protected["client"].refresh_from_db()
    assert protected["client"].city == CITY


def test_an_employment_expert_keeps_saving_a_client_a_colleague_moved_to_social_services(
    client, team
):
    """The relationship home is checked when it is chosen: an employment expert who is the
    responsible worker still saves other changes after a colleague moved the client to
    social services, and cannot choose social services themselves."""
    target = team["client"]
    expert = make_user(Role.EMPLOYMENT_EXPERT, team["unit"])
    Client.objects.filter(pk=target.pk).update(relationship_home="employment_services")
    # The client's responsible worker is the employment expert.
    CareTeamMembership.objects.filter(client=target, role=TeamRole.RESPONSIBLE_WORKER).update(
        user=expert
    )
    login(client, expert)
    url = f"/clients/{target.uuid}/edit/"
    refused = client.post(url, _form(target, phone="040 1112223"))
    assert "vain työllisyyspalvelujen asiakkuuden" in refused.content.decode()

    Client.objects.filter(pk=target.pk).update(relationship_home="social_services")
    target.refresh_from_db()
    response = client.post(url, _form(target, phone="040 1112223"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.phone, target.relationship_home) == ("040 1112223", "social_services")


TRANSFER_FIRST = (
    "Asiakkaan vastuutyöntekijä on työllisyyspalvelujen asiantuntija: siirrä vastuu ensin "
    "sosiaalityöntekijälle tai sosiaaliohjaajalle, ennen kuin siirrät asiakkuuden pois "
    "työllisyyspalveluista."
)


@pytest.fixture
def expert_responsible(team):
    """An employment-services client whose responsible worker is an employment expert, with
    a social worker of the unit as sote contact person."""
    target = team["client"]
    expert = make_user(Role.EMPLOYMENT_EXPERT, team["unit"])
    Client.objects.filter(pk=target.pk).update(relationship_home="employment_services")
    CareTeamMembership.objects.filter(client=target, role=TeamRole.RESPONSIBLE_WORKER).update(
        user=expert
    )
    sote = make_user(Role.SOCIAL_WORKER, team["unit"])
    add_member(target, sote, TeamRole.SOTE_CONTACT)
    target.refresh_from_db()
    return {**team, "client": target, "expert": expert, "sote": sote}


def test_the_home_leaves_employment_services_only_once_an_expert_is_no_longer_responsible(
    client, expert_responsible
):
    """The reviewer's probe: the sote contact person moved the client to social services and
    the employment expert stayed responsible, a role such a client's responsibility does not
    go to (responsible_worker_roles). Refused next to the field; other changes still save."""
    target, sote = expert_responsible["client"], expert_responsible["sote"]
    with pytest.raises(ValidationError) as error:
        actions.update_client(
            client=target,
            changed_by=acting(sote),
            fields={"relationship_home": "social_services"},
        )
    assert error.value.message_dict == {"relationship_home": [TRANSFER_FIRST]}

    login(client, sote)
    url = f"/clients/{target.uuid}/edit/"
    response = client.post(url, _form(target, relationship_home="social_services"))
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "relationship_home") == TRANSFER_FIRST
    target.refresh_from_db()
    assert target.relationship_home == "employment_services"

    response = client.post(
        url, _form(target, relationship_home="employment_services", phone="040 1")
    )
    assert response.status_code == 302

    actions.transfer_responsibility(
        client=target,
        to_user=expert_responsible["counsellor"],
        to_unit=expert_responsible["unit"],
        transferred_by=acting(expert_responsible["expert"]),
        handover_note="Asiakas siirtyy sosiaalipalveluihin.",
    )
    target.refresh_from_db()
    response = client.post(url, _form(target, relationship_home="social_services"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.relationship_home == "social_services"
