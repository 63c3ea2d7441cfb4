"""Registering clients, finding them by name, and the query counts of the list."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions
from clients.factories import ClientFactory, demo_identity_code, random_birth_date
from clients.models import CareTeamMembership, Client, TeamRole
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login
from tests.log_rows import last_log_id

FORM = {
    "first_names": "Tuisku Emilia",
    "last_name": "Tietävä",
    "language": "fi",
    "relationship_home": "social_services",
    "communication_needs": ["picture_support"],
    "phone": "040 1234567",
    "street_address": "Esimerkkikatu 1",
    "postal_code": "00100",
    "city": "Helsinki",
}


def test_a_social_worker_registers_a_client_and_becomes_responsible_worker(client, social_worker):
    login(client, social_worker)
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post("/clients/new/", {**FORM, "identity_code": code})
    registered = Client.objects.get()
    assert response["Location"] == f"/clients/{registered.uuid}/"
    assert registered.identity_code_masked == code[:7] + "****"
    assert code not in registered.identity_code_encrypted
    assert registered.responsible_unit == social_worker.role_assignments.get().unit
    assert registered.communication_needs == ["picture_support"]
    membership = CareTeamMembership.objects.current().get(client=registered)
    assert (membership.user, membership.role) == (social_worker, TeamRole.RESPONSIBLE_WORKER)
    assert (
        AccessLogEntry.objects.filter(
            client_id=registered.uuid, action="clients.client.registered"
        ).count()
        == 1
    )
    page = client.get(response["Location"]).content.decode()
    assert "Tuisku Emilia Tietävä" in page and code not in page and code[:7] + "****" in page


def test_a_demo_code_registered_without_the_flag_is_an_ordinary_code(client, social_worker):
    """Where test codes are allowed (the demo), a fictitious code of 900-999 stands for an
    ordinary code (DESIGN.md): not marked temporary unless the worker ticks the flag."""
    login(client, social_worker)
    plain, flagged = (demo_identity_code(random_birth_date(30, 40)) for _ in range(2))
    client.post("/clients/new/", {**FORM, "identity_code": plain})
    client.post(
        "/clients/new/",
        {
            **FORM,
            "identity_code": flagged,
            "identity_code_is_temporary": "on",
            "last_name": "Lippu",
        },
    )
    ordinary, temporary = (
        Client.objects.get(last_name="Tietävä"),
        Client.objects.get(last_name="Lippu"),
    )
    assert (ordinary.identity_code_is_temporary, temporary.identity_code_is_temporary) == (
        False,
        True,
    )
    assert "(väliaikainen)" not in client.get(f"/clients/{ordinary.uuid}/").content.decode()
    assert "(väliaikainen)" in client.get(f"/clients/{temporary.uuid}/").content.decode()


def test_a_duplicate_identity_code_is_refused_without_the_other_clients_details(
    client, social_worker, unit
):
    """The organisation's register holds a code once: a colleague's client of another unit
    is refused, naming nothing of the client, and the duplicate check is logged on it."""
    code = demo_identity_code(random_birth_date())
    existing = ClientFactory(
        code=code,
        first_names="Salainen",
        last_name="Henkilö",
        created_by=make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=unit.organisation)),
    )
    login(client, social_worker)
    response = client.post("/clients/new/", {**FORM, "identity_code": code})
    text = response.content.decode()
    assert response.status_code == 200
    assert "on jo asiakkuus organisaatiosi asiakasrekisterissä" in text and "Pyydä pääsyä" in text
    assert "Salainen" not in text
    assert Client.objects.count() == 1
    row = AccessLogEntry.objects.get(client_id=existing.uuid, actor=social_worker)
    assert (row.action, row.basis) == ("clients.client.duplicate_found", "registration")


def test_a_client_of_another_organisation_is_registered_here_without_learning_of_it(
    client, social_worker, unit
):
    """Each organisation keeps its own client register: the same person may be a client of
    both, and registering here tells nothing of the other organisation's record."""
    code = demo_identity_code(random_birth_date())
    elsewhere = ClientFactory(code=code, created_by=make_user(Role.SOCIAL_WORKER, UnitFactory()))
    assert elsewhere.organisation != unit.organisation
    login(client, social_worker)
    response = client.post("/clients/new/", {**FORM, "identity_code": code})
    assert response.status_code == 302
    registered = Client.objects.exclude(pk=elsewhere.pk).get()
    assert (registered.organisation, registered.responsible_unit) == (unit.organisation, unit)
    assert not AccessLogEntry.objects.filter(client_id=elsewhere.uuid).exists()
    # Each worker's search by the code finds their own organisation's record.
    response = client.post("/clients/find/", {"identity_code": code})
    assert response["Location"] == f"/clients/{registered.uuid}/"


def test_an_access_request_answers_alike_whether_or_not_the_code_has_a_client(
    client, social_worker, unit
):
    """A too short reason is refused before the code is looked up, so the answer does not
    tell whether the organisation's register holds the code."""
    code = demo_identity_code(random_birth_date())
    ClientFactory(
        code=code,
        created_by=make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=unit.organisation)),
    )
    unknown = demo_identity_code(random_birth_date())
    login(client, social_worker)
    answers = [
        client.post("/clients/access-request/", {"identity_code": each, "reason": "abc"})
        for each in (code, unknown)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("vähintään 10 merkkiä" in a.content.decode() for a in answers)
    assert not AccessLogEntry.objects.filter(action="clients.access.requested").exists()


def test_invalid_input_shows_errors_next_to_the_fields_and_saves_nothing(client, social_worker):
    login(client, social_worker)
    response = client.post(
        "/clients/new/",
        {**FORM, "identity_code": "131052-930W", "postal_code": "12", "last_name": ""},
    )
    text = response.content.decode()
    assert 'id="id_identity_code_error"' in text and "tarkistusmerkki" in text
    assert 'id="id_postal_code_error"' in text
    assert 'id="id_last_name_error"' in text
    assert 'aria-invalid="true"' in text
    assert not Client.objects.exists()


def test_an_employment_expert_registers_only_employment_services_clients(client, unit):
    expert = make_user(Role.EMPLOYMENT_EXPERT, unit)
    login(client, expert)
    code = demo_identity_code(random_birth_date())
    response = client.post("/clients/new/", {**FORM, "identity_code": code})
    assert "vain työllisyyspalvelujen asiakkuuden" in response.content.decode()
    response = client.post(
        "/clients/new/", {**FORM, "identity_code": code, "relationship_home": "employment_services"}
    )
    assert response.status_code == 302


def test_the_action_too_refuses_an_employment_expert_a_social_services_client(unit):
    """The rule holds for any caller of the action, not only behind the form."""
    expert = acting(make_user(Role.EMPLOYMENT_EXPERT, unit))
    names = {"first_names": "Tuisku", "last_name": "Tietävä"}
    for home in ({"relationship_home": "social_services"}, {}):  # {}: the model's default
        with pytest.raises(ValidationError) as error:
            actions.register_client(
                registered_by=expert,
                identity_code=demo_identity_code(random_birth_date()),
                **names,
                **home,
            )
        assert list(error.value.error_dict) == ["relationship_home"]
    assert not Client.objects.exists()
    assert not AccessLogEntry.objects.filter(action="clients.client.registered").exists()

    registered = actions.register_client(
        registered_by=expert,
        identity_code=demo_identity_code(random_birth_date()),
        relationship_home="employment_services",
        **names,
    )
    # Nor does the expert move the relationship to social services afterwards; nor anyone
    # while the expert is responsible for it (responsibility is transferred first:
    # tests/clients/test_client_edit.py).
    with pytest.raises(ValidationError) as error:
        actions.update_client(
            client=registered, changed_by=expert, fields={"relationship_home": "social_services"}
        )
    assert list(error.value.error_dict) == ["relationship_home"]
    registered.refresh_from_db()
    assert registered.relationship_home == "employment_services"
    social_worker = acting(make_user(Role.SOCIAL_WORKER, unit))
    with pytest.raises(ValidationError) as error:
        actions.update_client(
            client=registered,
            changed_by=social_worker,
            fields={"relationship_home": "social_services"},
        )
    assert list(error.value.error_dict) == ["relationship_home"]


@pytest.mark.parametrize("query", ["tiet", "TIET", "tuisku", "Tuisku T", "tietava"])
def test_name_search_matches_prefixes_with_accents_folded(client, social_worker, query):
    found = ClientFactory(first_names="Tuisku", last_name="Tietävä", created_by=social_worker)
    other = ClientFactory(first_names="Aino", last_name="Mäkinen", created_by=social_worker)
    login(client, social_worker)
    text = client.get("/clients/", {"q": query}).content.decode()
    # Compared by link: the worker's own (generated) name may be Mäkinen too.
    assert f"/clients/{found.uuid}/" in text and f"/clients/{other.uuid}/" not in text


@pytest.mark.parametrize(
    "query", ["aino äijälä", "Äijälä Aino", "kerttu", "aino k", "aijala kert", "ÄIJ AI KE"]
)
def test_each_word_of_the_search_begins_some_word_of_the_name(client, social_worker, query):
    found = ClientFactory(first_names="Aino Kerttu", last_name="Äijälä", created_by=social_worker)
    other = ClientFactory(first_names="Aino", last_name="Mäkinen", created_by=social_worker)
    login(client, social_worker)
    text = client.get("/clients/", {"q": query}).content.decode()
    assert f"/clients/{found.uuid}/" in text and f"/clients/{other.uuid}/" not in text


@pytest.mark.parametrize("query", ["ino", "aino x", "kerttu mäk", "ijälä"])
def test_a_word_inside_a_name_or_an_extra_word_finds_nothing(client, social_worker, query):
    ClientFactory(first_names="Aino Kerttu", last_name="Äijälä", created_by=social_worker)
    login(client, social_worker)
    text = client.get("/clients/", {"q": query}).content.decode()
    assert "Äijälä" not in text


def test_search_as_you_type_answers_the_results_fragment(client, social_worker):
    ClientFactory(first_names="Tuisku", last_name="Tietävä", created_by=social_worker)
    login(client, social_worker)
    response = client.get("/clients/", {"q": "tie"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "Tietävä" in text and "<html" not in text


@pytest.mark.parametrize("typed", ["010594Y9032", "0105", "Tietävä 010594"])
def test_an_identity_code_typed_into_the_name_search_is_neither_searched_nor_kept(
    client, social_worker, typed
):
    """The code search is a POST so that a code never stays in an address, the history or a
    server log; a code typed into the name search is turned away the same way."""
    ClientFactory(first_names="Tuisku", last_name="Tietävä", created_by=social_worker)
    login(client, social_worker)

    # Without JavaScript: a redirect to the list, whose address the browser keeps instead.
    response = client.get("/clients/", {"q": typed, "closed": "1"})
    assert response.status_code == 302 and response["Location"] == "/clients/?closed=1"
    page = client.get(response["Location"]).content.decode()
    assert "Nimihaussa ei käytetä numeroita" in page
    assert typed not in page

    # Search as you type: the message in the results, and no address pushed to the history.
    listed = AccessLogEntry.objects.filter(action="clients.client.listed").count()
    response = client.get("/clients/", {"q": typed}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response["HX-Push-Url"] == "false"
    assert 'role="alert"' in text and "Nimihaussa ei käytetä numeroita" in text
    assert typed not in text and "Tietävä" not in text
    assert AccessLogEntry.objects.filter(action="clients.client.listed").count() == listed


def test_each_listed_client_is_logged_as_a_list_hit(client, social_worker):
    clients = [ClientFactory(created_by=social_worker) for _ in range(3)]
    login(client, social_worker)
    client.get("/clients/")
    logged = set(
        AccessLogEntry.objects.filter(action="clients.client.listed").values_list(
            "client_id", flat=True
        )
    )
    assert logged == {c.uuid for c in clients}


def test_the_list_pages_keep_the_search_and_log_only_the_clients_shown(
    client, social_worker, monkeypatch
):
    """A page at a time: the links to the other page keep the search and the closed
    clients shown, and only the clients on the page are logged as list hits."""
    monkeypatch.setattr("clients.views.records.PAGE_SIZE", 2)
    first, second, third = (
        ClientFactory(created_by=social_worker, first_names="Ilona", last_name=last_name)
        for last_name in ("Aalto", "Aaltola", "Aaltonen")
    )
    actions.close_client(
        client=third,
        closed_by=social_worker,
        closed_on=timezone.localdate(),
        reason="Muutti pois.",
    )
    not_found = ClientFactory(created_by=social_worker, last_name="Virtanen")
    not_visible = ClientFactory(
        created_by=make_user(Role.SOCIAL_WORKER, UnitFactory()), last_name="Aaltomaa"
    )
    login(client, social_worker)

    def listed_since(mark):
        return set(
            AccessLogEntry.objects.filter(action="clients.client.listed", pk__gt=mark).values_list(
                "client_id", flat=True
            )
        )

    mark = last_log_id()
    page = client.get("/clients/", {"q": "aalto", "closed": "1"}).content.decode()
    assert [f"/clients/{person.uuid}/" in page for person in (first, second, third)] == [
        True,
        True,
        False,
    ]
    assert '<a href="?q=aalto&amp;closed=1&amp;page=2">Seuraava sivu</a>' in page
    assert "Sivu 1 / 2" in page and "Edellinen sivu" not in page
    assert listed_since(mark) == {first.uuid, second.uuid}

    mark = last_log_id()
    page = client.get("/clients/", {"q": "aalto", "closed": "1", "page": "2"}).content.decode()
    assert [f"/clients/{person.uuid}/" in page for person in (first, second, third)] == [
        False,
        False,
        True,
    ]
    assert '<a href="?q=aalto&amp;closed=1&amp;page=1">Edellinen sivu</a>' in page
    assert "Sivu 2 / 2" in page and "Seuraava sivu" not in page
    assert listed_since(mark) == {third.uuid}
    assert not AccessLogEntry.objects.filter(
        client_id__in=[not_found.uuid, not_visible.uuid]
    ).exists()


def _list_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


@pytest.mark.parametrize("path", ["/clients/", "/clients/?q=a"])
def test_list_and_search_query_counts_do_not_grow_with_the_data(client, social_worker, path):
    few = [ClientFactory(created_by=social_worker, last_name=f"Aalto{index}") for index in range(3)]
    login(client, social_worker)
    client.get("/")  # settle the session
    small, text = _list_queries(client, path)
    # The small page rendered each of the three clients' rows, each with its own link.
    assert all(
        text.count(f'href="/clients/{person.uuid}/"') == 1 and f"Aalto{index}" in text
        for index, person in enumerate(few)
    )
    for index in range(27):
        ClientFactory(created_by=social_worker, last_name=f"Ahola{index}")
    large, text = _list_queries(client, path)
    assert all(f"Ahola{index}" in text for index in range(27))
    assert small == large


def test_a_manager_lists_the_units_clients_not_others(client, social_worker, unit):
    ours = ClientFactory(created_by=social_worker, last_name="Oma")
    ClientFactory(created_by=make_user(Role.SOCIAL_WORKER, UnitFactory()), last_name="Vieras")
    login(client, make_user(Role.MANAGER, unit))
    text = client.get("/clients/").content.decode()
    assert ours.last_name in text and "Vieras" not in text


def test_a_managers_list_hits_are_their_units_clients_on_the_manager_basis(
    client, social_worker, unit
):
    """The unit's clients are listed on the managed unit, logged on the manager basis. A
    membership a manager held on another unit's client before managers stopped joining
    teams (clients.team_scope) no longer counts while they act as manager."""
    from clients.access import relation_to
    from tests.conftest import acting

    manager = make_user(Role.MANAGER, unit)
    ours = ClientFactory(created_by=social_worker, last_name="Oma")
    elsewhere = ClientFactory(
        created_by=make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=unit.organisation)),
        last_name="Muualla",
    )
    CareTeamMembership.objects.create(
        client=elsewhere,
        user=manager,
        role=TeamRole.OTHER,
        organisation_id=unit.organisation_id,
        created_by=manager,
    )
    login(client, manager)
    text = client.get("/clients/").content.decode()
    assert "Oma" in text and "Muualla" not in text
    logged = dict(
        AccessLogEntry.objects.filter(action="clients.client.listed").values_list(
            "client_id", "basis"
        )
    )
    assert logged == {ours.uuid: "manager"}
    acting(manager)
    assert not relation_to(manager, elsewhere).visible


def test_a_duplicate_leads_to_an_access_request_that_reaches_the_responsible_worker(
    client, social_worker, unit
):
    from notifications.models import Task

    code = demo_identity_code(random_birth_date())
    owner = make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=unit.organisation))
    owner.preferred_language = "sv"
    owner.save(update_fields=["preferred_language"])
    existing = ClientFactory(
        code=code, first_names="Salainen", last_name="Henkilö", created_by=owner
    )
    login(client, social_worker)
    page = client.post("/clients/new/", {**FORM, "identity_code": code}).content.decode()
    assert "Pyydä pääsyä" in page and 'action="/clients/access-request/"' in page
    response = client.post(
        "/clients/access-request/",
        {"identity_code": code, "reason": "Asiakas asioi luonani tänään."},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.assignee == owner and task.client_id == existing.uuid
    # In the language of the one who reads it, not of the one who asked.
    assert (
        task.title
        == f"Begäran om åtkomst till klientens uppgifter: {social_worker.get_full_name()}"
    )
    assert "Salainen" not in client.get("/clients/").content.decode()
    assert (
        AccessLogEntry.objects.filter(
            action="clients.access.requested", actor=social_worker
        ).count()
        == 1
    )


def test_registering_a_client_the_user_already_sees_links_to_that_client(client, social_worker):
    """The worker's own client registered again: "Asiakas on jo rekisterissä" with a link to
    the client's page, no access request (there is nothing to ask)."""
    code = demo_identity_code(random_birth_date())
    own = ClientFactory(code=code, first_names="Oma", last_name="Asiakas", created_by=social_worker)
    login(client, social_worker)
    response = client.post("/clients/new/", {**FORM, "identity_code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert field_errors(page, "identity_code") == "Asiakas on jo rekisterissä."
    assert f'href="/clients/{own.uuid}/"' in page and "Oma Asiakas" in page
    assert "Pyydä pääsyä" not in page and "/clients/access-request/" not in page
    assert Client.objects.count() == 1
    found = AccessLogEntry.objects.get(action="clients.client.duplicate_found")
    assert (found.actor, found.client_id) == (social_worker, own.uuid)


def test_a_colleagues_client_outside_the_workers_reach_is_still_asked_for(
    client, social_worker, unit
):
    """A colleague's client of the same unit, outside the registering worker's team, is
    asked for as before, naming nothing of it."""
    code = demo_identity_code(random_birth_date())
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    ClientFactory(code=code, first_names="Salainen", last_name="Henkilö", created_by=colleague)
    login(client, social_worker)
    page = client.post("/clients/new/", {**FORM, "identity_code": code}).content.decode()
    assert "Pyydä pääsyä" in page and "Salainen" not in page
    assert "Asiakas on jo rekisterissä." not in page


def test_names_as_long_as_the_form_takes_are_registered_and_listed_whatever_their_letters(
    client, social_worker
):
    """The list order's key folds letters as Finnish and Swedish readers sort them, and a
    letter may fold into several (ß is ss, the ligature ﬃ is ffi): names of the longest
    length the form takes still register, change and list, not a server error."""
    login(client, social_worker)
    long_first, long_last = "Straße " + "ﬃ" * 143, "Groß" + "ß" * 146
    code = demo_identity_code(random_birth_date(30, 40))
    response = client.post(
        "/clients/new/",
        {**FORM, "identity_code": code, "first_names": long_first, "last_name": long_last},
    )
    assert response.status_code == 302
    registered = Client.objects.get()
    assert (registered.first_names, registered.last_name) == (long_first, long_last)
    ClientFactory(created_by=social_worker, first_names="Aino", last_name="Aalto")
    ClientFactory(created_by=social_worker, first_names="Öljy", last_name="Öhman")
    page = client.get("/clients/").content.decode()
    assert page.index("Aalto") < page.index("Groß") < page.index("Öhman")
    assert "Groß" in client.get("/clients/", {"q": "gross strasse"}).content.decode()
    response = client.post(
        f"/clients/{registered.uuid}/edit/",
        {**FORM, "first_names": "ß" * 150, "last_name": long_last},
    )
    assert response.status_code == 302
    assert Client.objects.get(pk=registered.pk).first_names == "ß" * 150
