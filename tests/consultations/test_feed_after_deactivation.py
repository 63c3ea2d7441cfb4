"""An account deactivated by the administrator (the person left) loses its calendar feed's
address for good: reactivated months later, with a new role, the old address (on a phone or
a shared calendar that has since changed hands) stays dead; a new one works."""

import logging

from django.test import Client

from accounts.factories import make_user
from accounts.roles import Role
from consultations.models import CalendarFeedToken
from services.factories import UnitFactory
from tests.accounts.test_admin_organisation_scope import change_url, posted_change_form
from tests.conftest import login
from tests.consultations.test_invitations import feed_url, make_feed


def test_deactivating_an_account_revokes_its_feed_address(
    client, hki, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.INFO, logger="polku.security")
    liaison = hki.kela_liaison
    token = make_feed(client, liaison)
    assert client.get(feed_url(token)).status_code == 200

    admin = make_user(Role.ADMIN, UnitFactory(organisation=liaison.organisation))
    administrator = login(Client(), admin)
    with django_capture_on_commit_callbacks(execute=True):
        closed = administrator.post(
            change_url(liaison), posted_change_form(administrator, liaison, is_active="")
        )
    assert closed.status_code == 302, closed.content.decode()[:2000]
    assert not CalendarFeedToken.objects.live().filter(user=liaison).exists()
    events = [record.event for record in caplog.records if record.name == "polku.security"]
    assert "consultations.feed_address_revoked" in events

    with django_capture_on_commit_callbacks(execute=True):
        opened = administrator.post(change_url(liaison), posted_change_form(administrator, liaison))
    assert opened.status_code == 302
    liaison.refresh_from_db()
    assert liaison.is_active
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(make_feed(client, liaison))).status_code == 200
