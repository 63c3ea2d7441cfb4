"""The calendar feed's address ends with the second factors it was made under: an
administrator removes a user's factors when their phone is lost, and the phone's calendar
app holds the address, which gave whoever has the phone the sessions' times, places and
video links, and the cases on their agendas."""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.urls import reverse

from accounts.actions import remove_second_factors
from accounts.factories import TEST_TOTP_SECRET
from tests.conftest import login
from tests.consultations.test_invitations import feed_url, make_feed


def _enrol(user, kind=Authenticator.Type.TOTP):
    """A new authenticator app (TOTP) or, beside one, a security key (its data not used here)."""
    data = {"secret": encrypt(TEST_TOTP_SECRET)} if kind == Authenticator.Type.TOTP else {}
    Authenticator.objects.create(user=user, type=kind, data=data)


def _calendar(response) -> bool:
    return response.status_code == 200 and response.content.startswith(b"BEGIN:VCALENDAR")


def test_removing_a_lost_phones_second_factors_ends_its_feed_address(client, hki):
    token = make_feed(client, hki.kela_liaison)
    assert _calendar(client.get(feed_url(token)))
    remove_second_factors(user=hki.kela_liaison, removed_by=hki.coordinator)
    assert client.get(feed_url(token)).status_code == 404
    # Enrolling a new phone does not bring the old address back; a new one works.
    _enrol(hki.kela_liaison)
    assert client.get(feed_url(token)).status_code == 404
    assert _calendar(client.get(feed_url(make_feed(client, hki.kela_liaison))))


def test_a_second_factor_added_later_keeps_the_address(client, hki):
    token = make_feed(client, hki.kela_liaison)
    _enrol(hki.kela_liaison, Authenticator.Type.WEBAUTHN)
    assert _calendar(client.get(feed_url(token)))
    login(client, hki.kela_liaison)
    page = client.get(reverse("consultations:feed_settings")).content.decode()
    assert "Sinulla on käytössä kalenterisyöte" in page
