"""The services to plan a step of are listed in the order of their names in the reader's
language (the reference service types, whose Finnish and Swedish orders differ)."""

import re

import pytest
from django.utils import translation

from config.ordering import alphabetical_key
from services.models import ServiceType
from tests.conftest import login

pytestmark = pytest.mark.django_db


def listed(page: str) -> list[str]:
    """The service types' codes in page order."""
    return re.findall(r'\?type=([\w-]+)"', page)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_services_to_choose_from_run_in_the_order_of_the_shown_names(
    client, worker, client_of, language
):
    login(client, worker)
    client.cookies["django_language"] = language
    page = client.get(f"/clients/{client_of().uuid}/steps/new/").text
    codes = listed(page)
    types = {t.code: t for t in ServiceType.objects.active()}
    assert sorted(codes) == sorted(types)
    with translation.override(language):
        names = [str(types[code]) for code in codes]
    assert names == sorted(names, key=alphabetical_key)


def test_the_swedish_order_is_not_the_finnish_one(client, worker, client_of):
    """The reference names are such that the check above means something in Swedish."""
    login(client, worker)
    url = f"/clients/{client_of().uuid}/steps/new/"
    finnish = listed(client.get(url).text)
    client.cookies["django_language"] = "sv"
    assert listed(client.get(url).text) != finnish
