"""Editing basic data writes only the user's own changes, and refuses one a colleague
overtook meanwhile instead of silently reverting the colleague's change."""

import re

import pytest
from django.core.exceptions import ValidationError

from clients import actions
from clients.models import Client
from tests.conftest import acting, field_errors, login

STALE = "Tietoja muutettiin sillä välin. Tarkista tiedot ja tallenna uudelleen."


def _shown_form(client, target) -> dict:
    """The edit form's fields as the page showed them (its hidden initial values included)."""
    page = client.get(f"/clients/{target.uuid}/edit/").content.decode()
    data = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        kind = re.search(r'\btype="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag:
            continue
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for select in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select[1])
        data[select[0]] = [chosen.group(1) if chosen else ""]
    assert "initial-phone" in data, "the form carries the values it showed"
    return data


def test_a_colleagues_change_made_meanwhile_is_kept(client, team):
    target = team["client"]
    login(client, team["worker"])
    form = _shown_form(client, target)
    # A colleague changes the phone number while the worker edits the city.
    Client.objects.filter(pk=target.pk).update(phone="050 9998887")
    response = client.post(f"/clients/{target.uuid}/edit/", {**form, "city": ["Espoo"]})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.phone, target.city) == ("050 9998887", "Espoo")


def test_a_field_both_changed_is_refused_next_to_it(client, team):
    target = team["client"]
    login(client, team["worker"])
    form = _shown_form(client, target)
    Client.objects.filter(pk=target.pk).update(phone="050 9998887")
    response = client.post(
        f"/clients/{target.uuid}/edit/", {**form, "phone": ["040 1112223"], "city": ["Espoo"]}
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "phone") == STALE
    target.refresh_from_db()
    assert (target.phone, target.city) != ("040 1112223", "Espoo")
    assert target.phone == "050 9998887"


def test_the_action_refuses_a_change_over_a_value_no_longer_shown(team):
    target = team["client"]
    shown_phone = target.phone
    Client.objects.filter(pk=target.pk).update(phone="050 9998887")
    with pytest.raises(ValidationError) as error:
        actions.update_client(
            client=target,
            changed_by=acting(team["worker"]),
            fields={"phone": "040 1112223"},
            shown={"phone": shown_phone},
        )
    assert error.value.message_dict == {"phone": [STALE]}
    target.refresh_from_db()
    assert target.phone == "050 9998887"


def test_saving_again_after_checking_writes_the_users_value(client, team):
    target = team["client"]
    login(client, team["worker"])
    form = _shown_form(client, target)
    Client.objects.filter(pk=target.pk).update(phone="050 9998887")
    url = f"/clients/{target.uuid}/edit/"
    refused = client.post(url, {**form, "phone": ["040 1112223"]}).content.decode()
    # The refused form now carries the stored value as the one shown.
    assert re.search(r'name="initial-phone" value="050 9998887"', refused)
    again = {**form, "phone": ["040 1112223"], "initial-phone": ["050 9998887"]}
    assert client.post(url, again).status_code == 302
    target.refresh_from_db()
    assert target.phone == "040 1112223"
