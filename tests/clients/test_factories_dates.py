"""Factories (shared with seed_demo) take today's date in Helsinki, not the server's UTC date:
between 22 and 24 UTC the two differ."""

import datetime

import pytest
import time_machine

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, make_plan

pytestmark = pytest.mark.django_db

HELSINKI_AFTER_MIDNIGHT = datetime.datetime(2026, 12, 4, 22, 30, tzinfo=datetime.UTC)


def test_a_plans_default_review_is_90_days_from_the_helsinki_date(unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    client = ClientFactory(responsible_worker=worker)
    with time_machine.travel(HELSINKI_AFTER_MIDNIGHT, tick=False):
        plan = make_plan(client, worker)
    assert plan.next_review_on == datetime.date(2026, 12, 5) + datetime.timedelta(days=90)
