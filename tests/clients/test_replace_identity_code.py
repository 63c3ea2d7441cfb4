"""A client registered with a temporary identity code gets their permanent code recorded:
validated, checked against the organisation's register, stored as at registration, the old
code kept in the change history, logged as a change."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions, identity
from clients.factories import ClientFactory, add_member, unused_demo_identity_code
from clients.models import Client, TeamRole
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 3, 14)


def _registered_with_temporary_code(worker) -> Client:
    return actions.register_client(
        registered_by=acting(worker),
        identity_code=unused_demo_identity_code(BORN),
        allow_temporary=True,
        first_names="Väinö",
        last_name="Väliaikainen",
        language="fi",
        relationship_home="social_services",
    )


def _url(client: Client) -> str:
    return f"/clients/{client.uuid}/identity-code/replace/"


def test_the_responsible_worker_replaces_the_temporary_code_with_the_permanent_one(client, team):
    worker = team["worker"]
    registered = _registered_with_temporary_code(worker)
    old_masked = registered.identity_code_masked
    assert registered.identity_code_is_temporary
    login(client, worker)
    page = client.get(f"/clients/{registered.uuid}/").content.decode()
    assert "(väliaikainen)" in page and f'href="{_url(registered)}"' in page

    form = client.get(_url(registered))
    assert form.status_code == 200 and old_masked in form.content.decode()
    # The permanent code's birth date differs: a temporary code's may have been estimated.
    permanent = unused_demo_identity_code(datetime.date(1990, 3, 16))
    response = client.post(_url(registered), {"identity_code": permanent.lower()})
    assert response.status_code == 302 and response["Location"] == f"/clients/{registered.uuid}/"

    stored = Client.objects.get(pk=registered.pk)
    assert identity.decrypt(stored.identity_code_encrypted) == permanent
    assert stored.identity_code_hash == identity.search_hash(permanent)
    assert stored.identity_code_masked == identity.mask(permanent)
    assert not stored.identity_code_is_temporary
    assert stored.birth_date == datetime.date(1990, 3, 16)
    assert permanent not in stored.identity_code_encrypted

    changed = AccessLogEntry.objects.get(action="clients.identity_code.replaced")
    assert (changed.actor, changed.client_id, changed.basis, changed.detail) == (
        worker,
        registered.uuid,
        "care_team",
        "identity_code, birth_date",
    )
    assert permanent not in changed.detail
    # The old code stays in the change history as the code is kept there: masked.
    events = Client.pgh_event_model.objects.filter(pgh_obj=registered).order_by("pgh_id")
    assert [(e.identity_code_masked, e.identity_code_is_temporary) for e in events] == [
        (old_masked, True),
        (identity.mask(permanent), False),
    ]
    context = events.last().pgh_context.metadata
    assert (context["user"], context["action"]) == (worker.pk, "clients.identity_code.replaced")

    # The permanent code finds the client; the page no longer marks it temporary.
    assert client.post("/clients/find/", {"identity_code": permanent})["Location"] == (
        f"/clients/{registered.uuid}/"
    )
    page = client.get(f"/clients/{registered.uuid}/").content.decode()
    assert "(väliaikainen)" not in page and _url(registered) not in page


def test_the_sote_contact_may_replace_it_others_on_the_team_and_the_manager_may_not(client, team):
    registered = _registered_with_temporary_code(team["worker"])
    sote = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    add_member(registered, sote, TeamRole.SOTE_CONTACT)
    add_member(registered, team["coach"], TeamRole.COACH)
    for refused in (team["coach"], team["manager"]):
        login(client, refused)
        assert _url(registered) not in client.get(f"/clients/{registered.uuid}/").content.decode()
        assert client.get(_url(registered)).status_code == 403
        response = client.post(_url(registered), {"identity_code": "131052-308T"})
        assert response.status_code == 403
    assert Client.objects.get(pk=registered.pk).identity_code_is_temporary
    login(client, sote)
    permanent = unused_demo_identity_code(BORN)
    assert client.post(_url(registered), {"identity_code": permanent}).status_code == 302
    assert not Client.objects.get(pk=registered.pk).identity_code_is_temporary


def test_a_code_another_client_of_the_organisation_has_is_refused_without_its_details(client, team):
    registered = _registered_with_temporary_code(team["worker"])
    colleague = make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=team["unit"].organisation))
    taken = unused_demo_identity_code(BORN)
    other = ClientFactory(code=taken, created_by=colleague, first_names="Salainen")
    # A client of another organisation with the code is no obstacle (each has its register).
    ClientFactory(code=unused_demo_identity_code(BORN), created_by=make_user(Role.SOCIAL_WORKER))

    login(client, team["worker"])
    response = client.post(_url(registered), {"identity_code": taken})
    assert response.status_code == 200
    text = response.content.decode()
    assert "jo toinen asiakkuus organisaatiosi asiakasrekisterissä" in field_errors(
        text, "identity_code"
    )
    assert "Salainen" not in text
    stored = Client.objects.get(pk=registered.pk)
    assert stored.identity_code_is_temporary
    assert stored.identity_code_hash == registered.identity_code_hash
    assert not AccessLogEntry.objects.filter(action="clients.identity_code.replaced").exists()
    found = AccessLogEntry.objects.get(action="clients.client.duplicate_found")
    assert (found.actor, found.client_id) == (team["worker"], other.uuid)


def test_a_client_of_another_organisation_with_the_code_does_not_stop_the_replacement(team):
    registered = _registered_with_temporary_code(team["worker"])
    code = unused_demo_identity_code(BORN)
    ClientFactory(code=code, created_by=make_user(Role.SOCIAL_WORKER))
    actions.replace_identity_code(
        client=registered, replaced_by=acting(team["worker"]), identity_code=code
    )
    assert Client.objects.get(pk=registered.pk).identity_code_hash == identity.search_hash(code)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("131052-930W", "tarkistusmerkki ei täsmää"),
        ("310252-9301", "syntymäaika tai yksilönumero on mahdoton"),
        ("13105", "muoto on virheellinen"),
    ],
)
def test_an_invalid_code_is_refused_next_to_the_field(client, team, code, message):
    registered = _registered_with_temporary_code(team["worker"])
    login(client, team["worker"])
    response = client.post(_url(registered), {"identity_code": code})
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), "identity_code")
    assert Client.objects.get(pk=registered.pk).identity_code_is_temporary
    # The refused form showed the client again: logged as the page's read.
    assert list(
        AccessLogEntry.objects.filter(client_id=registered.uuid)
        .order_by("pk")
        .values_list("action", flat=True)
    )[-1:] == ["clients.client.viewed"]


def test_a_temporary_code_does_not_replace_one_where_test_codes_are_not_allowed(
    client, team, settings
):
    registered = _registered_with_temporary_code(team["worker"])
    settings.POLKU_ALLOW_TEST_IDENTITY_CODES = False
    login(client, team["worker"])
    response = client.post(_url(registered), {"identity_code": unused_demo_identity_code(BORN)})
    assert "Kirjaa asiakkaalle annettu pysyvä henkilötunnus" in field_errors(
        response.content.decode(), "identity_code"
    )
    # A permanent code (individual number below 900) passes.
    actions.replace_identity_code(
        client=registered, replaced_by=acting(team["worker"]), identity_code="131052-308T"
    )
    stored = Client.objects.get(pk=registered.pk)
    assert (stored.identity_code_is_temporary, stored.birth_date) == (
        False,
        datetime.date(1952, 10, 13),
    )


def test_the_current_code_again_is_refused(team):
    """Where test codes are allowed the temporary code parses as an ordinary one: entering it
    again would only drop the mark, so it is refused as the same code."""
    registered = _registered_with_temporary_code(team["worker"])
    current = identity.decrypt(registered.identity_code_encrypted)
    with pytest.raises(ValidationError) as error:
        actions.replace_identity_code(
            client=registered, replaced_by=acting(team["worker"]), identity_code=current
        )
    assert "nykyinen väliaikainen" in error.value.message_dict["identity_code"][0]
    assert Client.objects.get(pk=registered.pk).identity_code_is_temporary


def test_a_permanent_code_is_not_replaced(client, team):
    """The page sends a client whose code is permanent back to the client page; the action
    refuses it (a second submit after the first replaced the code)."""
    target = team["client"]
    assert not target.identity_code_is_temporary
    login(client, team["worker"])
    assert _url(target) not in client.get(f"/clients/{target.uuid}/").content.decode()
    response = client.get(_url(target))
    assert response.status_code == 302 and response["Location"] == f"/clients/{target.uuid}/"
    response = client.post(_url(target), {"identity_code": unused_demo_identity_code(BORN)})
    assert response.status_code == 200
    assert "Asiakkaan henkilötunnus on jo pysyvä." in response.content.decode()
    assert Client.objects.get(pk=target.pk).identity_code_hash == target.identity_code_hash
