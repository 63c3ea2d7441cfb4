"""Clients are listed in Finnish alphabetical order: å, ä and ö are letters of their own
after z (…x, y, z, å, ä, ö), sorted by the database (clients.names.sort_name), so a paged
list is in that order from page to page."""

from django.urls import reverse

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory
from tests.conftest import login

# The names in the order the Finnish alphabet gives, shuffled when created.
LAST_NAMES = ["Aalto", "Ahonen", "Müller", "Zetterberg", "Åkerlund", "Äijälä", "Öhman"]
CREATED = ["Öhman", "Åkerlund", "Ahonen", "Äijälä", "Zetterberg", "Aalto", "Müller"]


def _in_page_order(text: str, people, marker=lambda c: f"/clients/{c.uuid}/") -> list:
    return sorted(people, key=lambda person: text.index(marker(person)))


def test_the_client_list_puts_a_ring_a_umlaut_and_o_umlaut_after_z(client, social_worker):
    clients = [
        ClientFactory(created_by=social_worker, first_names="Aino", last_name=name)
        for name in CREATED
    ]
    login(client, social_worker)
    text = client.get(reverse("clients:list")).text
    assert [c.last_name for c in _in_page_order(text, clients)] == LAST_NAMES


def test_the_caseload_handover_lists_clients_in_finnish_order(client, unit):
    leaving = make_user(Role.SOCIAL_WORKER, unit, first_name="Lea", last_name="Lähtijä")
    clients = [
        ClientFactory(created_by=leaving, first_names="Aino", last_name=name) for name in CREATED
    ]
    login(client, make_user(Role.MANAGER, unit))
    text = client.get(reverse("clients:handover"), {"from": leaving.pk}).text
    in_order = _in_page_order(text, clients, marker=lambda c: f'name="client_{c.pk}"')
    assert [c.last_name for c in in_order] == LAST_NAMES


def test_an_accented_name_is_still_found_by_its_folded_beginning(client, social_worker):
    """The search keeps folding accents: "akerl" and "åkerl" both find Åkerlund."""
    found = ClientFactory(created_by=social_worker, first_names="Aino", last_name="Åkerlund")
    login(client, social_worker)
    for query in ("akerl", "åkerl"):
        text = client.get(reverse("clients:list"), {"q": query}).text
        assert f"/clients/{found.uuid}/" in text


def test_the_key_puts_the_own_letters_after_z_and_folds_other_accents():
    from clients.names import sort_name

    names = ["Öhman", "Åkerlund", "Éclair", "Zetterberg", "Äijälä", "Aalto", "Müller"]
    keys = sorted(names, key=lambda name: sort_name("Aino", name))
    assert keys == ["Aalto", "Éclair", "Müller", "Zetterberg", "Åkerlund", "Äijälä", "Öhman"]
    assert sort_name("Aino-Liisa", "Virtanen") == "virtanen aino liisa"
