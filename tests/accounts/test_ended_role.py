"""A role chosen in the header that has ended since (accounts.middleware.ActiveRoleMiddleware):
the user is told and nothing is done under another role they did not choose. A form sent in
the ended role is answered with a page that shows the user the text they typed, to copy, and
offers the roles now current."""

import datetime
import html
import logging
import re

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT, typed_text
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients.models import Client
from services.factories import UnitFactory
from tests.conftest import login, login_acting

REGISTRATION = {
    "identity_code": "010594Y9032",
    "first_names": "Aino Kerttu",
    "last_name": "Äijälä",
    "calling_name": "Aino",
    "language": "fi",
    "street_address": "Rantakatu 4 B 12",
    "postal_code": "00530",
    "city": "Helsinki",
    "relationship_home": "social_services",
}


@pytest.fixture
def worker_in_two_organisations(user_factory, unit):
    """A social worker of `unit` who also works, by choice in the header, for another
    organisation's unit."""
    user = user_factory(Role.SOCIAL_WORKER, unit)
    elsewhere = RoleAssignment.objects.create(
        user=user, role=Role.SOCIAL_WORKER, unit=UnitFactory(name_fi="Toisen kunnan aikuistyö")
    )
    return user, user.role_assignments.get(unit=unit), elsewhere


def _end_yesterday(assignment):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(pk=assignment.pk).update(
        valid_from=yesterday - datetime.timedelta(days=7), valid_to=yesterday
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_role_renewed_in_the_same_unit_goes_on_without_a_word(client, user_factory, unit):
    """The role ended yesterday and the same role in the same unit began today (a contract
    renewed): a form opened before is sent in the new assignment, nothing is refused."""
    user = user_factory(Role.SOCIAL_WORKER, unit)
    old = user.role_assignments.get()
    login(client, user)
    client.get(reverse("dashboard"))  # the first role is kept in the session
    _end_yesterday(old)
    renewed = RoleAssignment.objects.create(
        user=user, role=Role.SOCIAL_WORKER, unit=unit, valid_from=timezone.localdate()
    )
    response = client.post(reverse("clients:register"), REGISTRATION)
    assert response.status_code == 302
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == renewed.pk
    assert Client.objects.get(last_name="Äijälä").responsible_unit == unit
    assert _messages(client.get(reverse("dashboard"))) == [
        "Asiakas rekisteröity. Olet asiakkaan vastuutyöntekijä."
    ]


def test_a_page_load_goes_on_in_the_role_now_in_effect_and_says_so(
    client, worker_in_two_organisations
):
    user, home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user.active_assignment == home
    assert _messages(response) == [
        "Roolisi Sosiaalityöntekijä – Toisen kunnan aikuistyö päättyi. "
        f"Toimit nyt roolissa Sosiaalityöntekijä – {home.unit}."
    ]
    assert SESSION_ACTIVE_ASSIGNMENT not in client.session
    # Told once: the next page goes on in the role now in effect without a word.
    assert _messages(client.get(reverse("dashboard"))) == []


def test_a_registration_sent_after_the_chosen_role_ended_is_not_processed(
    client, worker_in_two_organisations
):
    user, home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    response = client.post(reverse("clients:register"), REGISTRATION)
    assert response.status_code == 409
    assert not Client.objects.exists()
    assert SESSION_ACTIVE_ASSIGNMENT not in client.session
    assert _messages(response) == [
        "Roolisi Sosiaalityöntekijä – Toisen kunnan aikuistyö päättyi. "
        f"Toimit nyt roolissa Sosiaalityöntekijä – {home.unit}."
    ]
    assert "mitään ei tallennettu" in response.content.decode()
    # Sent again, now knowingly in the role in effect, it lands in that role's register.
    client.post(reverse("clients:register"), REGISTRATION)
    assert Client.objects.get().organisation_id == home.unit.organisation_id


def test_a_first_role_never_chosen_that_ends_while_a_form_is_open_is_handled_as_a_chosen_one(
    client, worker_in_two_organisations
):
    """A user who never chose a role acts in their first one; the session keeps it from its
    first request as if chosen. When it ends while the registration form is open, the form
    is refused, not registered in the next role's organisation's register."""
    user, home, elsewhere = worker_in_two_organisations
    login(client, user)
    page = client.get(reverse("clients:register"))
    assert page.wsgi_request.user.active_assignment == home
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == home.pk
    _end_yesterday(home)
    response = client.post(reverse("clients:register"), REGISTRATION)
    assert response.status_code == 409
    assert not Client.objects.exists()
    assert _messages(response) == [
        f"Roolisi Sosiaalityöntekijä – {home.unit} päättyi. "
        "Toimit nyt roolissa Sosiaalityöntekijä – Toisen kunnan aikuistyö."
    ]
    assert "mitään ei tallennettu" in response.content.decode()
    # Sent again, knowingly in the role now in effect, which the session keeps from then on.
    client.post(reverse("clients:register"), REGISTRATION)
    assert Client.objects.get().organisation_id == elsewhere.unit.organisation_id
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == elsewhere.pk


def test_a_form_sent_by_htmx_in_the_ended_role_is_shown_back_in_place_of_the_page(
    client, worker_in_two_organisations
):
    """Not an HX-Redirect to the dashboard: that would lose what was typed. htmx swaps no 4xx
    answer (Polku keeps its default responseHandling), so htmx gets 200 and the whole page
    in place of the body."""
    user, _home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    response = client.post(
        reverse("clients:register"), REGISTRATION, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert (response["HX-Retarget"], response["HX-Reselect"]) == ("body", "unset")
    assert response["HX-Reswap"].startswith("innerHTML")
    assert response["HX-Push-Url"] == "false"
    assert _shown_back(response)["Sukunimi"] == "Äijälä"
    assert "mitään ei tallennettu" in response.content.decode()
    assert not Client.objects.exists()
    assert SESSION_ACTIVE_ASSIGNMENT not in client.session


def test_an_htmx_request_sending_nothing_from_the_ended_role_goes_to_the_dashboard(
    client, worker_in_two_organisations
):
    user, _home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("dashboard")
    assert "HX-Retarget" not in response


def test_a_removed_role_is_told_without_its_name(client, worker_in_two_organisations):
    user, home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    elsewhere.delete()
    response = client.get(reverse("dashboard"))
    assert _messages(response) == [
        "Valitsemasi rooli ei ole enää voimassa. "
        f"Toimit nyt roolissa Sosiaalityöntekijä – {home.unit}."
    ]


def test_with_no_role_left_the_user_is_told_so(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    only = user.role_assignments.get()
    login_acting(client, user, only)
    _end_yesterday(only)
    response = client.get(reverse("dashboard"))
    assert response.wsgi_request.user.active_assignment is None
    assert _messages(response) == [
        "Roolisi Sosiaalityöntekijä – "
        f"{unit} päättyi. Sinulla ei ole voimassa olevaa roolia. "
        "Pyydä pääkäyttäjää lisäämään sinulle rooli."
    ]


def test_the_ended_role_is_in_the_security_log(client, worker_in_two_organisations, security_log):
    user, home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    client.post(reverse("clients:register"), REGISTRATION)
    (line,) = [line for line in security_log() if line.event == "accounts.active_role_ended"]
    assert line.levelno == logging.WARNING
    assert (line.user_id, line.assignment_id) == (user.pk, elsewhere.pk)
    assert (line.active_assignment_id, line.request_refused) == (home.pk, True)


def test_the_bells_polling_leaves_the_ended_choice_for_the_next_request(
    client, worker_in_two_organisations
):
    """Background polling must not use up the warning: the form sent after it is still
    refused."""
    user, _home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    client.get(reverse("notifications:bell"), headers={"HX-Request": "true"})
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == elsewhere.pk
    response = client.post(reverse("clients:register"), REGISTRATION)
    assert response.status_code == 409
    assert not Client.objects.exists()


def test_a_user_who_never_chose_acts_in_their_first_role_without_a_word(
    client, worker_in_two_organisations, security_log
):
    user, home, _elsewhere = worker_in_two_organisations
    login(client, user)
    response = client.get(reverse("dashboard"))
    assert response.wsgi_request.user.active_assignment == home
    assert _messages(response) == []
    assert not [line for line in security_log() if line.event == "accounts.active_role_ended"]


def _shown_back(response) -> dict[str, str]:
    """The read-only texts on the page, by their label."""
    page = response.content.decode()
    return {
        label: html.unescape(value).strip()
        for label, value in re.findall(
            r'<label class="hds-text-input__label" for="typed-\d+">([^<]*)</label>\s*'
            r'<div class="hds-text-input__input-wrapper">\s*<textarea[^>]*readonly[^>]*>(.*?)</textarea>',
            page,
            re.S,
        )
    }


def test_the_text_typed_in_the_refused_form_is_shown_back_to_copy(
    client, worker_in_two_organisations
):
    user, _home, elsewhere = worker_in_two_organisations
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    sent = {
        **REGISTRATION,
        "street_address": "Rantakatu 4 <b>B</b> 12 </textarea><script>alert(1)</script>",
        "next": "/clients/",
        "password": "salainen sana",
    }
    response = client.post(reverse("clients:register"), sent)

    assert response.status_code == 409
    shown = _shown_back(response)
    # Labelled as the form labels them (the model's verbose name), not by the raw name.
    assert shown["Etunimet"] == "Aino Kerttu"
    assert shown["Sukunimi"] == "Äijälä"
    assert shown["Katuosoite"] == sent["street_address"]
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;" in page
    # Never the identity code, a password, the CSRF token or a hidden input; not a code alone.
    assert REGISTRATION["identity_code"] not in page
    assert "salainen sana" not in page
    assert set(shown) == {
        "Etunimet",
        "Sukunimi",
        "Kutsumanimi",
        "Teksti 4",  # the language: models name their "language" fields differently
        "Katuosoite",
        "Postitoimipaikka",
        "Asiakkuus",
    }
    assert not Client.objects.exists()


def test_the_refusal_page_offers_the_roles_now_current(client, worker_in_two_organisations):
    user, home, elsewhere = worker_in_two_organisations
    third = RoleAssignment.objects.create(
        user=user, role=Role.SOCIAL_COUNSELLOR, unit=UnitFactory(name_fi="Kolmas yksikkö")
    )
    login_acting(client, user, elsewhere)
    _end_yesterday(elsewhere)
    page = client.post(reverse("clients:register"), REGISTRATION).content.decode()
    offered = re.findall(r'type="radio" name="assignment" value="(\d+)"', page)
    assert offered == [str(home.pk), str(third.pk)]

    client.post(reverse("switch_role"), {"assignment": third.pk})
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == third.pk


def test_typed_text_leaves_out_secrets_hidden_inputs_and_choices():
    data = QueryDict(mutable=True)
    data.update({"csrfmiddlewaretoken": "abc", "note": "Soitin  asiakkaalle.", "hetu": "x y"})
    data.setlist("members", ["12", "13"])
    data.update(
        {"confirm": "True", "agree": "on", "day-3-shown": "present", "new_password1": "a b"}
    )
    data.update({"code": "ab12-cd34", "empty": "  ", "question": "Mitä tehdä?"})
    assert typed_text(data) == [
        ("Teksti 1", "Soitin  asiakkaalle."),
        ("Kysymys verkostolle", "Mitä tehdä?"),
    ]
