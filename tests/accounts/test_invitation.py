"""The invitation e-mail: its own text (not allauth's password-reset message), in the invited
user's language, naming the organisation and who invited; recorded; sent on commit; its
link sets the password."""

import re
import smtplib

import pytest
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends import locmem
from django.test import Client

from accounts.actions import invite_user
from accounts.factories import make_user
from accounts.models import Invitation, RoleAssignment, User
from accounts.roles import Role
from tests.conftest import login

NEW_PASSWORD = "oma-Pitka-salasana-2048"


@pytest.fixture(autouse=True)
def _send_at_once(monkeypatch):
    """The task runs where it was enqueued (on commit), as a worker would run it."""
    from accounts.tasks import send_invitation_task

    monkeypatch.setattr(
        send_invitation_task, "delay", lambda *args: send_invitation_task.apply(args=args).get()
    )


@pytest.fixture
def organisation(unit):
    organisation = unit.organisation
    organisation.name_fi = "Etelä-Savon hyvinvointialue"
    organisation.name_sv = "Välfärdsområdet i Södra Savolax"
    organisation.save()
    return organisation


@pytest.fixture
def admin(unit, organisation):
    return make_user(Role.ADMIN, unit, is_staff=True, first_name="Paavo", last_name="Pääkäyttäjä")


def new_user(unit, language: str, **fields) -> User:
    user = User.objects.create_user(
        fields.pop("email", f"uusi.{language}@polku.test"),
        None,
        first_name="Uusi",
        last_name="Työntekijä",
        organisation=unit.organisation,
        preferred_language=language,
        **fields,
    )
    RoleAssignment.objects.create(user=user, role=Role.WORK_COACH, unit=unit)
    return user


def invite_through_the_admin(client, admin, invited, capture):
    login(client, admin)
    with capture(execute=True):
        response = client.post(
            "/admin/accounts/user/",
            {"action": "send_invitation", "_selected_action": [invited.pk]},
        )
    assert response.status_code == 302
    return response


def link_in(body: str) -> str:
    return next(word for word in body.split() if "/accounts/password/reset/key/" in word)


def test_the_invitation_in_finnish_names_the_organisation_and_who_invited(
    client, unit, admin, django_capture_on_commit_callbacks
):
    invited = new_user(unit, "fi")
    invite_through_the_admin(client, admin, invited, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.to == [invited.email]
    assert message.subject == "Kutsu Polkuun: Etelä-Savon hyvinvointialue"
    assert message.extra_headers["Content-Language"] == "fi"
    body = message.body
    assert body.startswith("Hei Uusi Työntekijä,")
    assert (
        "Paavo Pääkäyttäjä (Etelä-Savon hyvinvointialue) kutsuu sinut Polkuun, työllistymistä "
        "tukevien palvelujen asiakastyön järjestelmään." in body
    )
    assert "Käyttäjätunnuksesi kuuluu organisaatioon Etelä-Savon hyvinvointialue." in body
    assert (
        f"Aseta itsellesi salasana tästä linkistä:\n{settings.POLKU_BASE_URL}/accounts/password/"
        in body
    )
    assert "Linkki toimii vain kerran ja on voimassa 3 päivää." in body
    assert f"sähköpostiosoitteellasi {invited.email} ja salasanallasi" in body
    assert "kaksivaiheisen tunnistautumisen" in body
    assert "Viestissä ei ole asiakastietoja." in body
    # Not allauth's password-reset message.
    assert "salasanan palautus" not in body and "pyytänyt" not in body
    assert "password reset" not in body.lower()

    invitation = Invitation.objects.get()
    assert (invitation.user, invitation.invited_by, invitation.language) == (invited, admin, "fi")
    page = client.get(f"/admin/accounts/user/{invited.pk}/change/").content.decode()
    assert "kutsuja Paavo Pääkäyttäjä" in page


def test_the_invitation_to_a_swedish_speaker_is_in_swedish_whatever_the_admin_reads(
    client, unit, admin, django_capture_on_commit_callbacks
):
    invited = new_user(unit, "sv")
    invite_through_the_admin(client, admin, invited, django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "sv"
    assert "Välfärdsområdet i Södra Savolax" in message.subject
    body = message.body
    assert "Meddelandet innehåller inga klientuppgifter." in body
    assert "Viestissä ei ole asiakastietoja." not in body
    assert "Välfärdsområdet i Södra Savolax" in body
    assert "Etelä-Savon hyvinvointialue" not in body
    assert "/accounts/password/reset/key/" in body
    assert Invitation.objects.get().language == "sv"
    # The administrator's own page stays in their language.
    assert "Kutsut lähetetty." in client.get("/admin/accounts/user/").content.decode()


def test_the_swedish_invitation_reads_in_swedish(unit, admin, django_capture_on_commit_callbacks):
    invited = new_user(unit, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(user=invited, invited_by=admin)
    [message] = mail.outbox
    assert message.subject == "Inbjudan till Polku: Välfärdsområdet i Södra Savolax"
    body = message.body
    assert body.startswith("Hej Uusi Työntekijä,")
    assert "Paavo Pääkäyttäjä (Välfärdsområdet i Södra Savolax) bjuder in dig till Polku" in body
    assert "Länken fungerar bara en gång och gäller i 3 dagar." in body


def test_the_e_mail_leaves_only_when_the_invitation_is_recorded(
    unit, admin, django_capture_on_commit_callbacks
):
    invited = new_user(unit, "fi")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_user(user=invited, invited_by=admin)
    assert mail.outbox == []  # not before commit
    assert Invitation.objects.filter(user=invited, invited_by=admin).exists()
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[invited.email]]


def test_a_closed_account_is_not_invited(client, unit, admin, django_capture_on_commit_callbacks):
    closed = new_user(unit, "fi", is_active=False)
    with pytest.raises(ValidationError):
        invite_user(user=closed, invited_by=admin)
    response = invite_through_the_admin(client, admin, closed, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "ei ole voimassa, joten kutsua ei lähetetty" in page
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_the_link_sets_the_password_once(unit, admin, django_capture_on_commit_callbacks):
    invited = new_user(unit, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(user=invited, invited_by=admin)
    link = link_in(mail.outbox[0].body).replace(settings.POLKU_BASE_URL, "")

    browser = Client()
    page = browser.get(link, follow=True)
    assert page.status_code == 200 and not page.context.get("token_fail")
    assert "password1" in page.content.decode()
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = browser.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    assert browser.get(link, follow=True).context["token_fail"]


def test_a_retried_or_redelivered_task_sends_the_invitation_once(unit, admin):
    from accounts.actions import send_invitation

    invited = new_user(unit, "fi")
    invitation = Invitation.objects.create(user=invited, invited_by=admin, language="fi")
    assert send_invitation(invitation_id=invitation.pk) is True
    assert send_invitation(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


class RefusingOnce(locmem.EmailBackend):
    """The test outbox, refusing the first message handed to it (`tries`, through OPTIONS)."""

    def __init__(self, *, tries: list, **kwargs):
        super().__init__(**kwargs)
        self.tries = tries

    def send_messages(self, messages):
        self.tries.append(len(messages))
        if len(self.tries) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_failed_send_is_sent_by_the_retry_and_only_once(unit, admin, settings):
    """The relay refuses once: nothing is marked sent, so the retry sends it; then no more."""
    from accounts.actions import send_invitation

    invited = new_user(unit, "fi")
    invitation = Invitation.objects.create(user=invited, invited_by=admin, language="fi")
    tries: list[int] = []
    settings.MAILERS = {
        "default": {"BACKEND": f"{__name__}.RefusingOnce", "OPTIONS": {"tries": tries}}
    }
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_invitation(invitation_id=invitation.pk)
    assert mail.outbox == []
    assert send_invitation(invitation_id=invitation.pk) is True
    assert send_invitation(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1 and len(tries) == 2


def test_after_setting_the_password_the_page_leads_on_to_the_sign_in(
    unit, admin, django_capture_on_commit_callbacks
):
    """The page that says the password is set links to the sign-in, in the reader's language
    (the invited user has no menu yet: before, the page was a dead end)."""
    invited = new_user(unit, "fi")
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(user=invited, invited_by=admin)
    link = link_in(mail.outbox[0].body).replace(settings.POLKU_BASE_URL, "")
    browser = Client()
    page = browser.get(link, follow=True)
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = browser.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert done.request["PATH_INFO"] == "/accounts/password/reset/key/done/"
    assert '<a href="/accounts/login/">Kirjaudu sisään uudella salasanallasi</a>' in (
        done.content.decode()
    )
    assert "<h1>Aseta salasana</h1>" in page.content.decode()
    browser.cookies["django_language"] = "sv"
    assert (
        'href="/accounts/login/"'
        in browser.get("/accounts/password/reset/key/done/").content.decode()
    )


def _html_lang(response) -> str:
    return re.search(r'<html lang="([a-z]+)">', response.content.decode()).group(1)


@pytest.mark.parametrize(
    ("language", "set_password", "password_set"),
    [
        ("sv", "Välj lösenord", "Logga in med ditt nya lösenord"),
        ("en", "Set your password", "Sign in with your new password"),
    ],
)
def test_the_invitation_link_opens_in_the_invited_users_language(
    unit, admin, django_capture_on_commit_callbacks, language, set_password, password_set
):
    """A browser that has chosen no language (a new user's) shows the pages of the link, and
    the page after it, in the language of the user whose key it is; the sign-in after it too."""
    invited = new_user(unit, language)
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(user=invited, invited_by=admin)
    link = link_in(mail.outbox[0].body).replace(settings.POLKU_BASE_URL, "")

    browser = Client()
    page = browser.get(link, follow=True)
    assert page.redirect_chain  # to the page without the key in its address
    assert _html_lang(page) == language and page["Content-Language"] == language
    assert set_password in page.content.decode()
    done = browser.post(
        page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.request["PATH_INFO"] == "/accounts/password/reset/key/done/"
    assert _html_lang(done) == language
    assert password_set in done.content.decode()
    assert _html_lang(browser.get("/accounts/login/")) == language


def test_a_language_the_browser_chose_stays(unit, admin, django_capture_on_commit_callbacks):
    invited = new_user(unit, "sv")
    with django_capture_on_commit_callbacks(execute=True):
        invite_user(user=invited, invited_by=admin)
    link = link_in(mail.outbox[0].body).replace(settings.POLKU_BASE_URL, "")
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _html_lang(browser.get(link, follow=True)) == "en"


def test_an_invalid_key_shows_nothing_of_whose_it_is(unit):
    """A wrong key of a Swedish-speaking user's account reads as any wrong key does: Finnish,
    the same page as for an account that does not exist."""
    invited = new_user(unit, "sv")
    uid = user_pk_to_url_str(invited)
    browser = Client()
    wrong_key = browser.get(f"/accounts/password/reset/key/{uid}-dj4dvk-0123456789abcdef/")
    no_user = browser.get("/accounts/password/reset/key/zzzz-dj4dvk-0123456789abcdef/")
    assert wrong_key.status_code == no_user.status_code == 200
    assert wrong_key.context["token_fail"] and no_user.context["token_fail"]
    assert _html_lang(wrong_key) == _html_lang(no_user) == "fi"
    assert wrong_key["Content-Language"] == "fi"
    page = wrong_key.content.decode()
    assert "Linkki ei ole voimassa" in page and "pääkäyttäjää lähettämään uuden kutsun" in page
    assert not browser.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    # Nothing of the user is remembered for the next page either.
    assert _html_lang(browser.get("/accounts/login/")) == "fi"
