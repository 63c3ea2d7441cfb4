"""A request for access to a client outside one's team reaches the responsible worker once per
request: a repeat while it is open stays one task, a repeat after it was done is a new one."""

import datetime
import html
import logging
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions
from clients.factories import (
    ClientFactory,
    demo_identity_code,
    random_birth_date,
    unused_demo_identity_code,
)
from clients.models import TeamRole
from notifications.actions import complete_task
from notifications.models import Task
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login


@pytest.fixture
def requester(team):
    """A social worker of another unit of the same organisation, who does not see the client."""
    return make_user(Role.SOCIAL_WORKER, UnitFactory(organisation=team["unit"].organisation))


def _requests(client_of):
    return Task.objects.filter(kind="clients.access_request", client_id=client_of.uuid)


def test_a_request_after_the_earlier_one_was_done_reaches_the_current_responsible_worker(
    team, requester
):
    """Handled and ticked done, then responsibility moved: months later the same person asks
    again for a new reason. The new responsible worker gets an open task with that reason;
    the done one stays as it was, with the one who handled it."""
    worker, counsellor, client_of = team["worker"], team["counsellor"], team["client"]
    first = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    complete_task(task=first, by=worker)
    actions.transfer_responsibility(
        client=client_of,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=acting(worker),
        handover_note="Jatkat asiakkaan kanssa.",
    )

    again = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas palasi palveluun, uusi tarve."
    )

    assert again.pk != first.pk
    again.refresh_from_db()
    assert again.assignee == counsellor and again.is_open
    assert again.description == "Asiakas palasi palveluun, uusi tarve."
    first.refresh_from_db()
    assert first.assignee == worker and not first.is_open
    assert first.description == "Asiakas asioi luonani tänään."
    assert list(_requests(client_of).open()) == [again]
    # And the third request, after the second was done too, is one more.
    complete_task(task=again, by=counsellor)
    third = actions.request_access(
        client=client_of, requested_by=requester, reason="Kolmas kerta, taas uusi tarve."
    )
    assert third.pk not in (first.pk, again.pk) and third.is_open
    assert _requests(client_of).count() == 3


def test_a_double_submit_of_one_request_makes_one_task(client, team, requester):
    """The form sent twice: one task, both sends on the client's access log."""
    code = demo_identity_code(random_birth_date())
    client_of = ClientFactory(code=code, created_by=team["worker"])
    login(client, requester)
    sent = {"identity_code": code, "reason": "Asiakas asioi luonani."}
    for _ in range(2):
        assert client.post("/clients/access-request/", sent).status_code == 302
    (task,) = _requests(client_of)
    assert task.assignee == team["worker"] and task.is_open
    assert task.description == "Asiakas asioi luonani."
    assert task.events.count() == 1  # the repeat wrote nothing, not even history
    assert (
        AccessLogEntry.objects.filter(action="clients.access.requested", actor=requester).count()
        == 2
    )


def test_a_repeat_while_the_request_is_open_stays_one_task_with_the_latest_reason(team, requester):
    """Asked again before the worker decided: still one task, whose description is the latest
    reason; the earlier reason is in its change history. Another person's request of the same
    client is a task of its own."""
    client_of = team["client"]
    first = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    again = actions.request_access(
        client=client_of, requested_by=requester, reason="Tarvitsen pääsyn jo huomiseen palaveriin."
    )
    assert again.pk == first.pk and again.is_open
    again.refresh_from_db()
    assert again.description == "Tarvitsen pääsyn jo huomiseen palaveriin."
    assert list(again.events.order_by("pgh_id").values_list("description", flat=True)) == [
        "Asiakas asioi luonani tänään.",
        "Tarvitsen pääsyn jo huomiseen palaveriin.",
    ]
    assert again.events.order_by("pgh_id").last().pgh_context.metadata["action"] == (
        "notifications.task.restated"
    )
    colleague = make_user(
        Role.SOCIAL_COUNSELLOR, UnitFactory(organisation=team["unit"].organisation)
    )
    theirs = actions.request_access(
        client=client_of, requested_by=colleague, reason="Asiakas asioi luonani tänään."
    )
    assert theirs.pk != first.pk
    assert _requests(client_of).open().count() == 2


def test_an_open_request_whose_worker_no_longer_holds_responsibility_moves_to_the_current_one(
    team, requester
):
    """The open task was left with a worker who is no longer responsible (moved by a path that
    did not hand it over): asked again, it is the current responsible worker's."""
    worker, counsellor, client_of = team["worker"], team["counsellor"], team["client"]
    task = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    actions.transfer_responsibility(
        client=client_of,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=acting(worker),
        handover_note="Jatkat asiakkaan kanssa.",
    )
    Task.objects.filter(pk=task.pk).update(assignee=worker)
    again = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    assert again.pk == task.pk
    again.refresh_from_db()
    assert again.assignee == counsellor and again.is_open


def test_without_a_responsible_worker_the_units_managers_decide(team, requester):
    client_of = ClientFactory(created_by=team["worker"], with_responsible_worker=False)
    assert client_of.responsible_unit == team["unit"]
    task = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    assert task.assignee == team["manager"] and task.is_open
    assert list(_requests(client_of)) == [task]


def test_without_managers_in_the_unit_no_one_decides_and_the_requester_is_told(
    client, team, requester, caplog, django_capture_on_commit_callbacks
):
    """No responsible worker and no manager who can act in the client's responsible unit: the
    managers of the organisation's other units reach only their own units' clients (the task
    link and the client page would answer 404), so nobody gets the request. The requester is
    told it could not be passed on, the request is on the client's access log and the security
    log warns the operator that the unit has no one to decide."""
    code = unused_demo_identity_code(random_birth_date())
    client_of = ClientFactory(code=code, created_by=team["worker"], with_responsible_worker=False)
    close_account(team["manager"])
    elsewhere = make_user(Role.MANAGER, UnitFactory(organisation=team["unit"].organisation))
    caplog.set_level(logging.INFO, logger="polku.security")
    login(client, requester)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/clients/access-request/",
            {"identity_code": code, "reason": "Asiakas asioi luonani tänään."},
            follow=True,
        )

    assert [str(message) for message in response.context["messages"]] == [NO_ONE_TO_DECIDE]
    assert not _requests(client_of).exists()
    assert not Task.objects.filter(assignee=elsewhere).exists()
    row = AccessLogEntry.objects.get(action="clients.access.requested")
    assert (row.actor, row.client_id, row.detail) == (
        requester,
        client_of.uuid,
        "Asiakas asioi luonani tänään.",
    )
    (warning,) = [
        record
        for record in caplog.records
        if record.name == "polku.security"
        and record.getMessage() == "clients.access_request_undecidable"
    ]
    assert warning.levelno == logging.WARNING
    assert (warning.user_id, warning.unit_id, warning.organisation_id) == (
        requester.pk,
        team["unit"].pk,
        team["unit"].organisation_id,
    )


def test_every_decider_opens_the_request_from_its_task(client, team, requester):
    """Whoever gets the request reaches the client and its team page, acting in the role the
    request came to them for: the responsible worker, or each manager of the responsible unit
    (not a manager of another unit of the organisation)."""
    second = make_user(Role.MANAGER, team["unit"])
    make_user(Role.MANAGER, UnitFactory(organisation=team["unit"].organisation))
    for unreachable in (False, True):
        if unreachable:
            close_account(team["worker"])
        actions.request_access(
            client=team["client"], requested_by=requester, reason="Asiakas asioi luonani tänään."
        )
        tasks = list(_requests(team["client"]).open().select_related("assignee"))
        expected = [team["manager"], second] if unreachable else [team["worker"]]
        assert sorted(each.assignee.pk for each in tasks) == sorted(u.pk for u in expected)
        for task in tasks:
            login(client, task.assignee)
            assert client.get(task.link).status_code == 200


def close_account(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


def end_roles(user):
    today = timezone.localdate()
    RoleAssignment.objects.filter(user=user).update(
        valid_from=today - datetime.timedelta(days=30), valid_to=today - datetime.timedelta(days=1)
    )


@pytest.mark.parametrize("unreachable", [close_account, end_roles], ids=["closed", "role_ended"])
def test_a_request_whose_responsible_worker_cannot_act_goes_to_every_manager_of_the_unit(
    team, requester, unreachable
):
    """The responsible worker's account closed or their role ended (they left the unit): each
    manager of the client's responsible unit who can act gets the request, as they are told
    to hand the caseload over (clients.responsible_worker_unreachable); no one else's."""
    worker, client_of, manager = team["worker"], team["client"], team["manager"]
    second = make_user(Role.MANAGER, team["unit"])
    make_user(Role.MANAGER, UnitFactory(organisation=team["unit"].organisation))
    former = make_user(Role.MANAGER, team["unit"])
    end_roles(former)
    unreachable(worker)

    task = actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )

    assert task.assignee == manager
    requests = _requests(client_of).open().order_by("assignee_id")
    assert [each.assignee for each in requests] == [manager, second]
    assert {each.description for each in requests} == {"Asiakas asioi luonani tänään."}
    # A repeat while they are open: still one task each, with the latest reason.
    again = actions.request_access(
        client=client_of, requested_by=requester, reason="Tarvitsen pääsyn huomiseen palaveriin."
    )
    assert again.pk == task.pk
    assert list(requests.values_list("assignee", "description")) == [
        (manager.pk, "Tarvitsen pääsyn huomiseen palaveriin."),
        (second.pk, "Tarvitsen pääsyn huomiseen palaveriin."),
    ]
    assert (
        AccessLogEntry.objects.filter(action="clients.access.requested", actor=requester).count()
        == 2
    )


def test_a_responsible_worker_who_can_act_again_takes_the_managers_open_request_over(
    team, requester
):
    """Asked again once the responsible worker can act again: the newest open task is theirs,
    and the managers' other one is checked off, so one person decides."""
    worker, client_of = team["worker"], team["client"]
    make_user(Role.MANAGER, team["unit"])
    close_account(worker)
    actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    assert _requests(client_of).open().count() == 2
    worker.is_active = True
    worker.save(update_fields=["is_active"])

    again = actions.request_access(
        client=client_of, requested_by=requester, reason="Tarvitsen pääsyn huomiseen palaveriin."
    )

    (still_open,) = _requests(client_of).open()
    assert still_open == again and still_open.assignee == worker
    assert still_open.description == "Tarvitsen pääsyn huomiseen palaveriin."


NO_ONE_TO_DECIDE = (
    "Pyyntöä ei voitu välittää: kukaan ei voi nyt päättää pääsystä asiakkaan tietoihin. "
    "Tilanne on kirjattu Polun ylläpidolle. Kysy asiasta omalta esihenkilöltäsi."
)
ANSWER = (
    "Pyyntö on välitetty asiakkaan vastuutyöntekijälle tai, jos hän ei voi hoitaa asiaa, "
    "vastuuyksikön esihenkilöille. He päättävät pääsystä."
)


def test_the_answer_says_the_managers_may_decide_and_is_the_same_whoever_does(
    client, team, requester
):
    """The requester learns nothing of the client: the answer names both who may decide,
    the same whether the responsible worker or the managers get the request, or the code is
    no client's."""
    codes = [unused_demo_identity_code(random_birth_date())]
    reachable = ClientFactory(code=codes[0], created_by=team["worker"])
    codes.append(unused_demo_identity_code(random_birth_date()))
    unreachable_worker = make_user(Role.SOCIAL_WORKER, team["unit"])
    unreachable = ClientFactory(code=codes[1], created_by=unreachable_worker)
    codes.append(unused_demo_identity_code(random_birth_date()))
    close_account(unreachable_worker)
    login(client, requester)
    # The third code is no client's.
    for code in codes:
        response = client.post(
            "/clients/access-request/",
            {"identity_code": code, "reason": "Asiakas asioi luonani tänään."},
            follow=True,
        )
        assert [str(message) for message in response.context["messages"]] == [ANSWER]
    assert _requests(reachable).get().assignee == team["worker"]
    assert _requests(unreachable).get().assignee == team["manager"]


@pytest.mark.django_db(transaction=True)
def test_one_request_sent_twice_at_once_makes_one_task(team, requester):
    """Two sends of the same request at the same moment: the client's lock makes the second
    wait and find the first's task (and the unique key would refuse a second row)."""
    client_of = team["client"]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(
                actions.request_access(
                    client=client_of, requested_by=requester, reason="Asiakas asioi luonani."
                ).pk
            )
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (task,) = _requests(client_of)
    assert results == [task.pk] * 2


def test_a_bad_identity_code_in_the_hidden_field_is_listed_in_the_error_summary(client, requester):
    """The identity code travels in a hidden field: its error has no field to mark nor to
    link to, so the summary lists it as it is rather than an empty list under "errors"."""
    login(client, requester)
    response = client.post(
        "/clients/access-request/",
        {"identity_code": "010101-123X", "reason": "Asiakas asioi luonani."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    summary = re.search(r'class="polku-error-summary__list">(.*?)</ul>', page, re.S).group(1)
    items = [item.strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    errors = response.context["form"].errors["identity_code"]
    assert items == [html.escape(str(error)) for error in errors] and items
    assert "<a " not in summary
    assert not Task.objects.exists()


def test_an_identity_code_in_the_reason_is_refused_next_to_it_whether_or_not_a_client(
    client, team, requester
):
    """The reason goes into the access log and the decider's task: an identity code in it is
    refused next to the field, before the client is looked up (the same answer for a code
    that is no client's), and nothing is logged or asked."""
    clients_code = unused_demo_identity_code(random_birth_date())
    client_of = ClientFactory(code=clients_code, created_by=team["worker"])
    no_ones = unused_demo_identity_code(random_birth_date())
    login(client, requester)
    for code in (clients_code, no_ones):
        response = client.post(
            "/clients/access-request/",
            {"identity_code": code, "reason": f"Asiakas {no_ones} asioi luonani tänään."},
        )
        assert response.status_code == 200
        assert field_errors(response.text, "reason") == (
            "Älä kirjoita perusteeseen henkilötunnusta: peruste kirjataan lokiin."
        )
    assert not _requests(client_of).exists()
    assert not AccessLogEntry.objects.filter(action="clients.access.requested").exists()
    with pytest.raises(ValidationError) as refused:
        actions.request_access(
            client=client_of, requested_by=requester, reason=f"Hetu {no_ones}, kiireellinen."
        )
    assert list(refused.value.message_dict) == ["reason"]


def test_one_decider_adding_the_requester_settles_the_request_for_every_decider(team, requester):
    """Two managers got the request (the responsible worker cannot act); one adds the
    requester to the team: the request is decided, and neither inbox keeps asking for it."""
    client_of, manager = team["client"], team["manager"]
    second = make_user(Role.MANAGER, team["unit"])
    close_account(team["worker"])
    actions.request_access(
        client=client_of, requested_by=requester, reason="Asiakas asioi luonani tänään."
    )
    other = make_user(Role.SOCIAL_WORKER, team["unit"])
    actions.request_access(
        client=client_of, requested_by=other, reason="Asiakas asioi myös luonani."
    )
    assert _requests(client_of).open().count() == 4

    actions.add_team_member(
        client=client_of, user=requester, role=TeamRole.OTHER, added_by=acting(manager)
    )

    mine = _requests(client_of).filter(
        key__startswith=f"access-request:{client_of.pk}:{requester.pk}"
    )
    assert sorted(mine.values_list("assignee_id", flat=True)) == sorted([manager.pk, second.pk])
    assert all(not task.is_open and task.done_by == manager for task in mine)
    # Another requester's request to the same client is still theirs to decide.
    assert _requests(client_of).open().count() == 2
    assert {task.description for task in _requests(client_of).open()} == {
        "Asiakas asioi myös luonani."
    }
