"""A user who removes their own second factor ends their other sessions, as the
administrator's removal does (accounts.actions.remove_second_factors): a session that had used
the removed factor (a lost phone's, a stolen laptop's) does not stay signed in. The session
that removed it stays."""

from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.factories import TEST_PASSWORD
from tests.conftest import login

LOGIN = "/accounts/login/"
REAUTHENTICATE = "/accounts/reauthenticate/"


def test_removing_ones_own_authenticator_app_signs_out_the_other_sessions(
    social_worker, security_log
):
    this, other = Client(), Client()
    login(this, social_worker)
    login(other, social_worker)
    assert this.get(reverse("dashboard")).status_code == 200
    assert other.get(reverse("dashboard")).status_code == 200

    # allauth asks for the password again before a second factor is removed.
    this.post(REAUTHENTICATE, {"password": TEST_PASSWORD})
    response = this.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=social_worker).exists()
    social_worker.refresh_from_db()
    assert social_worker.second_factor_removals > 0

    # The other session is signed out at its next request: sent to sign in.
    response = other.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in other.session
    # This one stays signed in (and is sent to enrol a new factor, as Polku requires one).
    assert this.session["_auth_user_id"] == str(social_worker.pk)
    response = this.get(reverse("dashboard"))
    assert not response["Location"].startswith(LOGIN)
    assert this.session["_auth_user_id"] == str(social_worker.pk)

    (line,) = [line for line in security_log() if line.event == "accounts.other_sessions_ended"]
    assert line.user_id == social_worker.pk and line.reason == "second_factor_removed"
