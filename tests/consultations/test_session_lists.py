"""The coordinator's and participants' lists of sessions: a session under way is listed with
the coming ones and says it is on now."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import login


def test_a_session_under_way_is_listed_as_on_now(client, hki):
    login(client, hki.coordinator)
    for url in (reverse("dashboard"), reverse("consultations:index")):
        before = client.get(url).content.decode()
        assert "Käynnissä olevat ja tulevat" in before and "käynnissä nyt" not in before
    with time_machine.travel(hki.session.starts_at + datetime.timedelta(minutes=5), tick=False):
        later = login(Client(), hki.coordinator)  # days later: a new sign-in
        for url in (reverse("dashboard"), reverse("consultations:index")):
            assert "käynnissä nyt" in later.get(url).content.decode()
