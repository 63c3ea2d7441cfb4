"""Sign-in with password and TOTP, MFA enforcement, idle timeout, role switching."""

from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.http import QueryDict
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from accounts.factories import TEST_TOTP_SECRET
from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT
from accounts.models import RoleAssignment
from accounts.roles import Role
from tests.conftest import login, totp_code

LOGIN = "/accounts/login/"
MFA = "/accounts/2fa/authenticate/"
# allauth's messages in its Finnish translation, as the pages render them.
WRONG_PASSWORD = "Annettu sähköposti tai salasana ei ole oikein."
WRONG_CODE = "Virheellinen koodi."
TOO_MANY = "Liian monta virheellistä kirjautumisyritystä. Yritä myöhemmin uudelleen."
# The error summary (templates/forms/error_summary.html) of a form with field errors.
FORM_HAS_ERRORS = "Lomakkeessa on virheitä. Korjaa merkityt kohdat."


def _elements(node):
    if isinstance(node, str):
        return
    yield node
    for child in node.children:
        yield from _elements(child)


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return " ".join(_text(child) for child in node.children)


def texts_of(response, **attributes) -> list[str]:
    """The whitespace-normalised text of each element of the page with these attribute values."""
    return [
        " ".join(_text(element).split())
        for element in _elements(parse_html(response.content.decode()))
        if all(dict(element.attributes).get(name) == value for name, value in attributes.items())
    ]


def sign_in(client, user, *, password="polku-demo", code=None):
    response = client.post(LOGIN, {"login": user.email, "password": password})
    if response.status_code != 302:
        return response
    return client.post(MFA, {"code": code or totp_code()})


def test_password_and_totp_reach_the_dashboard_in_the_active_role(client, social_worker):
    response = client.post(LOGIN, {"login": social_worker.email, "password": "polku-demo"})
    assert response.status_code == 302 and response["Location"] == MFA
    response = client.post(MFA, {"code": totp_code()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Sosiaalityöntekijä" in text
    assert social_worker.get_full_name() in text


def test_wrong_password_gives_a_clear_error_and_no_session(client, social_worker):
    response = client.post(LOGIN, {"login": social_worker.email, "password": "väärä-salasana"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # The label "Salasana" is always on the page: the error itself, in the alert, is what counts.
    assert texts_of(response, role="alert") == [WRONG_PASSWORD]


def test_wrong_totp_code_gives_a_clear_error_and_no_session(client, social_worker):
    client.post(LOGIN, {"login": social_worker.email, "password": "polku-demo"})
    wrong = "000000" if totp_code() != "000000" else "111111"
    response = client.post(MFA, {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    # The label "Koodi" is always on the page: the error is next to the field and summarised.
    assert texts_of(response, id="id_code_error") == [WRONG_CODE]
    assert texts_of(response, id="id_code", **{"aria-invalid": "true"}) == [""]
    assert texts_of(response, role="alert") == [f"{FORM_HAS_ERRORS} Koodi"]


def test_repeated_failed_logins_are_rate_limited(client, social_worker):
    for _ in range(5):
        client.post(LOGIN, {"login": social_worker.email, "password": "väärä-salasana"})
    # Even the right password is refused while the limit holds.
    response = client.post(LOGIN, {"login": social_worker.email, "password": "polku-demo"})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 429 or "liian monta" in response.content.decode().lower()


def test_failed_sign_ins_of_others_from_the_same_address_do_not_lock_a_user_out(
    client, social_worker
):
    """A county's offices reach Polku from one NAT or proxy address: colleagues' typos in
    their own addresses do not stop a user whose password is right."""
    for number in range(9):
        response = client.post(LOGIN, {"login": f"typo{number}@hel.fi", "password": "väärä"})
        assert texts_of(response, role="alert") == [WRONG_PASSWORD]
    response = client.post(LOGIN, {"login": social_worker.email, "password": "polku-demo"})
    assert response.status_code == 302 and response["Location"] == MFA


def _attempt(client, login, password, address):
    return client.post(
        LOGIN, {"login": login, "password": password}, headers={"X-Forwarded-For": address}
    )


def test_behind_a_trusted_proxy_the_limits_count_each_client_address_and_each_account(
    client, user_factory, unit, settings
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    guessed = user_factory(Role.SOCIAL_WORKER, unit)
    # Five wrong passwords for one account, each from another address: the account's own
    # limit holds, and even its right password is refused for now, from anywhere.
    for number in range(5):
        _attempt(client, guessed.email, "väärä-salasana", f"10.0.0.{number}")
    response = _attempt(client, guessed.email, "polku-demo", "10.0.0.99")
    assert texts_of(response, role="alert") == [TOO_MANY]
    assert "_auth_user_id" not in client.session
    # One address trying many accounts is stopped by the per-address limit...
    for number in range(10):  # ten a minute per address
        response = _attempt(client, f"typo{number}@hel.fi", "väärä-salasana", "192.0.2.1")
        assert texts_of(response, role="alert") == [WRONG_PASSWORD]
    response = _attempt(client, "typo-last@hel.fi", "väärä-salasana", "192.0.2.1")
    assert texts_of(response, role="alert") == [TOO_MANY]
    # ...which is the client's own address (X-Forwarded-For), not the proxy's: a colleague
    # behind the same proxy signs in.
    colleague = user_factory(Role.SOCIAL_WORKER, unit)
    response = _attempt(client, colleague.email, "polku-demo", "192.0.2.2")
    assert response.status_code == 302 and response["Location"] == MFA


def test_user_without_mfa_reaches_only_enrolment(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    # Password sign-in completes without a second step: the user has no authenticator yet.
    client.post(LOGIN, {"login": user.email, "password": "polku-demo"})
    assert "_auth_user_id" in client.session
    for path in (reverse("dashboard"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # Enrolment itself is reachable, without typing the password again.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()


def test_a_session_without_its_second_factor_proves_it_once_the_account_has_one(
    client, user_factory, unit
):
    """A session signed in with the password alone (the account had no factor) does not pass
    once the user enrols in another browser: it must use the factor itself first. Its
    enrolment pages close to it then (nothing to enrol, recovery codes not its to see)."""
    user = user_factory(Role.SOCIAL_WORKER, unit, with_mfa=False)
    client.post(LOGIN, {"login": user.email, "password": "polku-demo"})
    assert client.get(reverse("clients:list"))["Location"] == reverse("mfa_activate_totp")
    # The real user enrols in their own browser.
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TEST_TOTP_SECRET)}
    )
    reauthenticate = f"{reverse('mfa_reauthenticate')}?next=%2Fclients%2F"
    for path in (reverse("clients:list"), reverse("mfa_view_recovery_codes"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), path
    assert client.get(reverse("clients:list"))["Location"] == reauthenticate
    response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("mfa_reauthenticate"))
    # A wrong code leaves it where it was; the right one lets it through.
    client.post(reauthenticate, {"code": "000000"})
    assert client.get(reverse("clients:list")).status_code == 302
    response = client.post(reauthenticate, {"code": totp_code(TEST_TOTP_SECRET)})
    assert response["Location"] == "/clients/"
    assert client.get(reverse("clients:list")).status_code == 200


def test_a_session_that_used_the_factor_is_sent_to_enrol_once_it_is_removed(client, social_worker):
    """A session passes only while the account has the factor it used: one whose factors
    are gone otherwise than by an administrator (who signs every session out, below) is
    sent to enrolment."""
    login(client, social_worker)
    assert client.get(reverse("clients:list")).status_code == 200
    Authenticator.objects.filter(user=social_worker).delete()
    assert client.get(reverse("clients:list"))["Location"] == reverse("mfa_activate_totp")


def test_removing_a_lost_phones_factors_signs_out_every_session_of_the_account_for_good(
    client, user_factory, unit
):
    """A session that used the removed factor (a stolen laptop's) does not pass again once
    the real user enrols a new one elsewhere: the administrator's removal ended it, as it
    ended one signed in with the password alone. The user signs in anew with the new
    factor; the administrator's and a colleague's sessions go on."""
    from django.test import Client as Browser

    from accounts.actions import remove_second_factors

    user = user_factory(Role.SOCIAL_WORKER, unit)
    administrator = user_factory(Role.ADMIN, unit)
    colleague = user_factory(Role.SOCIAL_WORKER, unit)
    stolen_laptop = login(client, user)
    password_only = Browser()
    password_only.post(LOGIN, {"login": user.email, "password": "polku-demo"})
    admin_browser = login(Browser(), administrator)
    colleague_browser = login(Browser(), colleague)
    assert stolen_laptop.get(reverse("clients:list")).status_code == 200

    remove_second_factors(user=user, removed_by=administrator)
    for browser in (stolen_laptop, password_only):
        response = browser.get(reverse("clients:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in browser.session

    # The real user enrols a new factor in another browser; the old sessions stay ended.
    new_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(new_secret)}
    )
    response = stolen_laptop.get(reverse("clients:list"))
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in stolen_laptop.session
    # A new sign-in needs the new factor, and then goes on.
    refused = Browser()
    assert texts_of(sign_in(refused, user, code=totp_code()), id="id_code_error") == [WRONG_CODE]
    assert "_auth_user_id" not in refused.session
    browser = Browser()
    assert sign_in(browser, user, code=totp_code(new_secret))["Location"] == "/"
    assert browser.get(reverse("clients:list")).status_code == 200
    assert admin_browser.get("/admin/").status_code == 200
    assert colleague_browser.get(reverse("clients:list")).status_code == 200


def test_idle_session_ends_after_the_timeout(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(29 * 60)
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_after_an_idle_sign_out_sign_in_leads_back_to_the_whole_address(
    client, social_worker, settings
):
    """The page's query (a search with "&" and letters like "ä") survives the way through
    the sign-in page: `next` carries the whole address, encoded, not just the path."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(31 * 60)
        response = client.get(reverse("dashboard"), {"haku": "Äijälä & Co", "sivu": "2"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert list(QueryDict(location.query).lists()) == [
        ("next", ["/?haku=%C3%84ij%C3%A4l%C3%A4+%26+Co&sivu=2"])
    ]
    # Nothing of the address is left raw in the redirect itself.
    assert response["Location"].isascii() and " " not in response["Location"]
    assert "_auth_user_id" not in client.session


MAX_AGE_MESSAGE = (
    "Istuntosi päättyi, koska kirjautumisesta on kulunut pisin sallittu aika. Kirjaudu uudelleen."
)


def test_a_session_kept_busy_ends_its_maximum_hours_after_signing_in(
    client, social_worker, settings, security_log
):
    """However active the user is, the session ends POLKU_SESSION_MAX_HOURS after the
    sign-in: the user lands on the sign-in page, told why, and back on the page after it."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    settings.POLKU_SESSION_MAX_HOURS = 12
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert sign_in(client, social_worker)["Location"] == "/"
        for _ in range(4 * 12 - 1):  # a click every 15 minutes for 11 h 45 min
            traveller.shift(15 * 60)
            assert client.get(reverse("clients:list")).status_code == 200
        traveller.shift(16 * 60)
        response = client.get(reverse("clients:list"), headers={"HX-Request": "true"})
        assert response["HX-Redirect"] == f"{reverse('account_login')}?next=%2F"
        assert "_auth_user_id" not in client.session
        sign_in_page = client.get(response["HX-Redirect"])
        assert texts_of(sign_in_page, role="status") + texts_of(sign_in_page, role="alert") == [
            MAX_AGE_MESSAGE
        ]
        # A new sign-in starts a new maximum, and a page load is sent to sign in likewise.
        traveller.shift(60)
        assert sign_in(client, social_worker)["Location"] == "/"
        traveller.shift(12 * 60 * 60 - 120)
        assert client.get(reverse("clients:list")).status_code == 200
        traveller.shift(121)
        response = client.get(reverse("clients:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/clients/"
    assert "_auth_user_id" not in client.session
    signed_out = [line for line in security_log() if line.event == "accounts.signed_out"]
    assert [(line.user_id, line.reason) for line in signed_out] == [
        (social_worker.pk, "max_age"),
        (social_worker.pk, "max_age"),
    ]


def test_a_session_signed_in_before_its_sign_in_time_was_kept_ends_after_the_maximum(
    client, social_worker, settings
):
    """A session from before the sign-in time was kept in it (or one whose time was lost)
    counts its maximum from its first request."""
    from accounts.middleware import SESSION_SIGNED_IN_AT

    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    settings.POLKU_SESSION_MAX_HOURS = 2
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)  # leaves no sign-in time
        assert SESSION_SIGNED_IN_AT not in client.session
        traveller.shift(10 * 60)
        assert client.get(reverse("dashboard")).status_code == 200
        for _ in range(7):
            traveller.shift(15 * 60)
            assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(16 * 60)
        response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_typing_into_a_form_keeps_the_session_alive(client, social_worker, settings):
    """The page asks the keepalive while the user types (base.html), so a long note written for
    over the idle timeout still saves; the bell's background polling would not have kept it."""
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 30
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, social_worker)
        page = client.get(reverse("dashboard")).content.decode()
        assert (
            f'hx-post="{reverse("session_keepalive")}" '
            'hx-trigger="input from:body throttle:300s"' in page
        )
        for _ in range(3):  # 75 minutes of typing, a keepalive every 25 minutes
            traveller.shift(25 * 60)
            assert client.post(reverse("session_keepalive")).status_code == 204
        traveller.shift(25 * 60)
        assert client.get(reverse("dashboard")).status_code == 200
        # Idle after that, the session ends as before.
        traveller.shift(31 * 60)
        response = client.post(reverse("session_keepalive"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_keepalive_interval_stays_within_a_short_timeout(client, social_worker, settings):
    settings.POLKU_IDLE_TIMEOUT_MINUTES = 5
    login(client, social_worker)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'hx-trigger="input from:body throttle:100s"' in page


def test_switching_the_active_role_changes_what_the_header_says(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    second = RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, unit=unit)
    login(client, user)
    assert "Sosiaalityöntekijä" in client.get(reverse("dashboard")).content.decode()
    response = client.post(reverse("switch_role"), {"assignment": second.pk})
    assert response.status_code == 302
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == second.pk
    page = client.get(reverse("dashboard")).content.decode()
    assert "Toimit roolissa Työkykykoordinaattori" in page


def test_a_user_cannot_switch_to_someone_elses_role(client, user_factory, unit):
    user = user_factory(Role.SOCIAL_WORKER, unit)
    other = user_factory(Role.MANAGER, unit)
    login(client, user)
    client.post(reverse("switch_role"), {"assignment": other.role_assignments.get().pk})
    assert client.session[SESSION_ACTIVE_ASSIGNMENT] == user.role_assignments.get().pk
    assert "Toimit roolissa Sosiaalityöntekijä" in client.get(reverse("dashboard")).content.decode()


def test_sign_out_ends_the_session(client, social_worker):
    sign_in(client, social_worker)
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_signed_in_message_is_in_the_users_own_language(client, user_factory, unit, language):
    """A user whose language is Swedish or English, signing in on the Finnish sign-in page
    (no language chosen in this browser), lands on a page in their language, and its
    "signed in as" message is in that language too, not in Finnish beside it."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from tests.conftest import totp_code

    user = user_factory(Role.SOCIAL_WORKER, unit, preferred_language=language)
    client.post(LOGIN, {"login": user.email, "password": "polku-demo"})
    response = client.post(MFA, {"code": totp_code()}, follow=True)
    assert response.request["PATH_INFO"] == "/"
    with translation.override(language):
        expected = render_to_string("account/messages/logged_in.txt", {"user": user}).strip()
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert expected in page
    assert "Kirjauduttiin sisään" not in page


def test_the_next_person_on_a_shared_computer_gets_their_own_language(client, user_factory, unit):
    """The header's switch is remembered by the browser (a cookie) until sign-out: the next
    person signing in on the same computer sees Polku in their own language, not the last
    user's choice."""
    from django.conf import settings

    from tests.conftest import totp_code

    first = user_factory(Role.SOCIAL_WORKER, unit, preferred_language="fi")
    second = user_factory(Role.SOCIAL_WORKER, unit, preferred_language="fi")
    client.post(LOGIN, {"login": first.email, "password": "polku-demo"})
    client.post(MFA, {"code": totp_code()})
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert '<html lang="sv">' in client.get(reverse("dashboard")).text

    response = client.post(reverse("account_logout"))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 0
    assert (
        settings.LANGUAGE_COOKIE_NAME not in client.cookies
        or not client.cookies[settings.LANGUAGE_COOKIE_NAME].value
    )

    client.post(LOGIN, {"login": second.email, "password": "polku-demo"})
    client.post(MFA, {"code": totp_code()})
    assert '<html lang="fi">' in client.get(reverse("dashboard")).text
