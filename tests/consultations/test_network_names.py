"""A network is named in Finnish, Swedish and English, as organisations and units are: its pages
and reminders name it in the reader's language, by its Finnish name where it has none in that
language (marked lang="fi" on the page), and lists run in the order of the names the reader
sees. No two networks share a Finnish name: the database refuses it, and the action says so.
Invitations in the recipient's language: tests/consultations/test_invitations.py."""

import dataclasses
import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from consultations import actions, reminders
from consultations.factories import NetworkFactory
from consultations.models import NETWORK_NAME_UNIQUE, Network
from consultations.querysets import NetworkQuerySet
from notifications.actions import remind_many
from tests.conftest import field_errors, login

FI = "Työkyvyn tuen verkosto"
SV = "Nätverket för stöd för arbetsförmågan"
EN = "Work-ability support network"


@pytest.fixture
def translated(hki):
    """The small Helsinki, its network named in Swedish and English too."""
    Network.objects.filter(pk=hki.network.pk).update(name_sv=SV, name_en=EN)
    hki.network.refresh_from_db()
    return hki


def page(client, user, url: str, language: str) -> str:
    login(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def network_url(network) -> str:
    return reverse("consultations:network", args=[network.pk])


def session_url(session) -> str:
    return reverse("consultations:session", args=[session.pk])


@pytest.mark.parametrize(("language", "name"), [("fi", FI), ("sv", SV), ("en", EN)])
def test_the_network_and_session_pages_name_the_network_in_the_readers_language(
    client, translated, language, name
):
    hki = translated
    networks = page(client, hki.coordinator, reverse("consultations:networks"), language)
    assert f'<a href="{network_url(hki.network)}">{name}</a>' in networks
    detail = page(client, hki.coordinator, network_url(hki.network), language)
    assert f"<title>{name} – Polku</title>" in detail and f"<h1>{name}</h1>" in detail
    session = page(client, hki.coordinator, session_url(hki.session), language)
    assert f"<h1>{name}: " in session
    for other in {FI, SV, EN} - {name}:
        assert other not in networks + detail + session


@pytest.mark.parametrize("where", ["calendar", "case", "request", "session_edit", "triage"])
def test_other_pages_of_the_session_name_the_network_in_swedish(client, translated, where):
    """The coordinator's calendar, session form, case and triage pages, and the worker's
    request."""
    hki = translated
    day = hki.session.starts_at.date().isoformat()
    user, url = {
        "calendar": (hki.coordinator, reverse("consultations:calendar") + f"?day={day}"),
        "case": (
            hki.coordinator,
            reverse("consultations:case", args=[hki.session.pk, hki.item.pk]),
        ),
        "request": (
            hki.worker,
            reverse("consultations:request_detail", args=[hki.client.uuid, hki.request.pk]),
        ),
        "session_edit": (
            hki.coordinator,
            reverse("consultations:session_edit", args=[hki.session.pk]),
        ),
        "triage": (hki.coordinator, reverse("consultations:triage", args=[hki.request.pk])),
    }[where]
    html = page(client, user, url, "sv")
    assert SV in html and FI not in html


def test_a_network_with_no_swedish_name_is_shown_in_finnish_marked_as_finnish(client, hki):
    """WCAG 3.1.2 (language of parts): a screen reader reads the Finnish name in Finnish.
    The page's <title> holds text only: the name without the mark."""
    Network.objects.filter(pk=hki.network.pk).update(name_en=EN)
    hki.network.refresh_from_db()
    marked = f'<span lang="fi">{FI}</span>'
    networks = page(client, hki.coordinator, reverse("consultations:networks"), "sv")
    assert f'<a href="{network_url(hki.network)}">{marked}</a>' in networks
    detail = page(client, hki.coordinator, network_url(hki.network), "sv")
    assert f"<title>{FI} – Polku</title>" in detail and f"<h1>{marked}</h1>" in detail
    session = page(client, hki.coordinator, session_url(hki.session), "sv")
    assert f"<h1>{marked}: " in session
    day = hki.session.starts_at.date().isoformat()
    calendar = page(
        client, hki.coordinator, reverse("consultations:calendar") + f"?day={day}", "sv"
    )
    assert f"{marked}</a>" in calendar
    triage = page(
        client, hki.coordinator, reverse("consultations:triage", args=[hki.request.pk]), "sv"
    )
    assert f"På föredragningslistan: {marked} " in triage
    # In English it has a name of its own; in Finnish its name is the page's language.
    assert f"<h1>{EN}</h1>" in page(client, hki.coordinator, network_url(hki.network), "en")
    finnish = page(client, hki.coordinator, network_url(hki.network), "fi")
    assert f"<h1>{FI}</h1>" in finnish and 'lang="fi">' + FI not in finnish

    with translation.override("sv"):
        assert hki.network.name == FI == str(hki.network)
        assert hki.network.name_in().lang == "fi"
        assert hki.network.name_in("en") == EN and hki.network.name_in("en").lang is None


def test_networks_are_listed_in_the_order_of_the_names_the_reader_sees(client, translated):
    """Housing comes first in Finnish and English and last in Swedish; a network with no
    Swedish or English name takes its place by its Finnish name."""
    hki = translated
    housing = NetworkFactory(
        name_fi="Asumisen tuen verkosto",
        name_sv="Stödboendets nätverk",
        name_en="Housing support network",
        convening_organisation=hki.sote,
        created_by=hki.coordinator,
    )
    mental = NetworkFactory(
        name_fi="Mielenterveyden verkosto",
        convening_organisation=hki.sote,
        created_by=hki.coordinator,
    )
    expected = {
        "fi": [housing, mental, hki.network],
        "sv": [mental, hki.network, housing],
        "en": [housing, mental, hki.network],
    }
    for language, networks in expected.items():
        html = page(client, hki.coordinator, reverse("consultations:networks"), language)
        listed = [int(pk) for pk in re.findall(r'href="/consultations/networks/(\d+)/"', html)]
        assert listed == [network.pk for network in networks], language
        with translation.override(language):
            assert list(Network.objects.filter(pk__in=listed)) == networks


@pytest.mark.parametrize("same_name", [FI, FI.upper()])
def test_the_database_refuses_a_second_network_with_the_same_finnish_name(hki, same_name):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Network.objects.create(
            name_fi=same_name,
            name_sv="Ett annat nätverk",
            convening_organisation=hki.employment,
            created_by=hki.expert,
        )
    assert NETWORK_NAME_UNIQUE in str(error.value)


def test_creating_a_network_refuses_a_finnish_name_in_use(hki):
    """In any case, and also when another coordinator takes the name between the check and
    the write (the database's refusal is told alike)."""
    with pytest.raises(ValidationError) as error:
        actions.create_network(
            created_by=hki.coordinator,
            name_fi=" työkyvyn TUEN verkosto ",
            convening_organisation=hki.sote,
        )
    assert error.value.message_dict == {"name_fi": ["Samanniminen verkosto on jo olemassa."]}
    with (
        mock.patch.object(NetworkQuerySet, "exists", return_value=False),
        pytest.raises(ValidationError) as error,
    ):
        actions.create_network(
            created_by=hki.coordinator, name_fi=FI, convening_organisation=hki.sote
        )
    assert error.value.message_dict == {"name_fi": ["Samanniminen verkosto on jo olemassa."]}
    assert Network.objects.filter(name_fi__iexact=FI).count() == 1


def test_the_form_asks_for_the_name_in_finnish_and_offers_swedish_and_english(client, hki):
    login(client, hki.coordinator)
    url = reverse("consultations:network_create")
    form = client.get(url).content.decode()
    for field, label, language in [
        ("name_fi", "Nimi suomeksi", "fi"),
        ("name_sv", "Nimi ruotsiksi", "sv"),
        ("name_en", "Nimi englanniksi", "en"),
    ]:
        assert re.search(rf'<label for="id_{field}"[^>]*>\s*{label}\b', form), field
        # Each input is marked with the language typed in it (spelling, screen readers).
        assert re.search(rf'<input[^>]*\blang="{language}"[^>]*id="id_{field}"', form) or (
            re.search(rf'<input[^>]*id="id_{field}"[^>]*\blang="{language}"', form)
        ), field
    assert re.search(r'<input[^>]*name="name_fi"[^>]*required', form)
    assert not re.search(r'<input[^>]*name="name_sv"[^>]*required', form)
    assert "Jos jätät tyhjäksi, näytetään suomenkielinen nimi." in form

    data = {"convening_organisation": hki.sote.pk, "name_sv": "Boendenätverket"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "name_fi")
    assert not Network.objects.filter(name_sv="Boendenätverket").exists()

    response = client.post(url, {**data, "name_fi": "Asumisen verkosto"})
    network = Network.objects.get(name_fi="Asumisen verkosto")
    assert response.status_code == 302 and response["Location"] == network_url(network)
    assert (network.name_sv, network.name_en) == ("Boendenätverket", "")
    client.post(url, {**data, "name_fi": "Nuorten verkosto", "name_sv": "", "name_en": "Youth"})
    assert Network.objects.filter(name_fi="Nuorten verkosto", name_sv="", name_en="Youth").exists()


def test_a_session_reminder_names_the_network_in_the_readers_language(hki):
    """The reminder is kept once and read by each reader in their own language."""
    Network.objects.filter(pk=hki.network.pk).update(name_sv=SV)
    day_before = hki.session.starts_at.date() - datetime.timedelta(days=1)
    specs = [
        dataclasses.replace(spec, rule=reminders.CONSULTATION_TOMORROW)
        for spec in reminders.consultation_tomorrow(day_before, 10)
    ]
    remind_many(specs)
    reminder = hki.expert.reminders.get()
    titles = {}
    for language in ("fi", "sv", "en"):
        with translation.override(language):
            titles[language] = reminder.shown_title
    assert titles["fi"].endswith(f": {FI}")
    assert titles["sv"].endswith(f": {SV}")
    assert titles["en"].endswith(f": {FI}")  # no English name: the Finnish one
