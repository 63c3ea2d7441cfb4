"""A new calendar-feed address made twice at once (a double click on "make a new address"):
one address stays live, the other is revoked, and neither request fails."""

import threading
import time

import pytest
from django.db import connection, transaction

from accounts.factories import make_user
from accounts.roles import Role
from consultations import actions
from consultations.access import hash_feed_token
from consultations.models import CalendarFeedToken
from services.factories import UnitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_new_addresses_at_once_leave_the_later_one_live():
    user = make_user(Role.KELA_LIAISON, UnitFactory())
    made = threading.Event()
    first = []
    errors = []

    def make_slowly():
        try:
            with transaction.atomic():
                first.append(actions.create_feed_token(user=user))
                made.set()
                time.sleep(0.5)  # the second request below starts and waits meanwhile
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            made.set()
            connection.close()

    thread = threading.Thread(target=make_slowly)
    thread.start()
    assert made.wait(5)
    second = actions.create_feed_token(user=user)
    thread.join(5)
    assert errors == []
    live = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True)
    assert [t.token_hash for t in live] == [hash_feed_token(second)]
    assert CalendarFeedToken.objects.filter(
        user=user, token_hash=hash_feed_token(first[0]), revoked_at__isnull=False
    ).exists()
