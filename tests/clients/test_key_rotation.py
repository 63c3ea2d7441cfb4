"""Rotating the identity-code keys: every code re-encrypted, and with --rehash every search
hash recomputed, so exact search and the duplicate check work with the new key."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from clients import identity
from clients.access import clients_with_identity_code
from clients.factories import ClientFactory


@pytest.fixture
def clients(db):
    return [ClientFactory() for _ in range(3)]


def test_rehash_recomputes_every_search_hash_with_the_new_key(clients, settings):
    codes = {c.pk: identity.decrypt(c.identity_code_encrypted) for c in clients}
    settings.POLKU_IDENTITY_CODE_HASH_KEY = "uusi-hakuavain-joka-vaihdettiin"
    # Before the rehash a search with the new key finds nobody.
    assert not clients_with_identity_code(codes[clients[0].pk]).exists()

    call_command("rotate_identity_code_key", "--rehash", stdout=io.StringIO())

    for client in clients:
        assert list(clients_with_identity_code(codes[client.pk])) == [client]


def test_without_rehash_the_hash_stays_and_the_code_is_re_encrypted(clients, settings):
    before = {c.pk: (c.identity_code_hash, c.identity_code_encrypted) for c in clients}
    new_key = Fernet.generate_key().decode()
    settings.POLKU_IDENTITY_CODE_KEYS = [new_key, *settings.POLKU_IDENTITY_CODE_KEYS]

    call_command("rotate_identity_code_key", stdout=io.StringIO())

    settings.POLKU_IDENTITY_CODE_KEYS = [new_key]
    for client in clients:
        client.refresh_from_db()
        old_hash, old_token = before[client.pk]
        assert client.identity_code_hash == old_hash
        assert client.identity_code_encrypted != old_token
        assert identity.decrypt(client.identity_code_encrypted)  # readable with the new key only
