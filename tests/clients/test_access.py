"""Need to know: who finds and opens a client, break-the-glass, and 404 for the rest."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry, Basis
from clients import actions
from clients.factories import (
    ClientFactory,
    demo_identity_code,
    member_organisation,
    random_birth_date,
)
from clients.identity import search_hash
from clients.models import BreakTheGlass, CareTeamMembership, Client, TeamRole
from services.factories import UnitFactory
from tests.conftest import acting, field_errors, login


def url(client):
    return f"/clients/{client.uuid}/"


def test_lists_hold_only_the_users_clients(team):
    other = ClientFactory(created_by=make_user(Role.SOCIAL_WORKER, UnitFactory()))
    assert list(Client.objects.for_user(acting(team["worker"]))) == [team["client"]]
    assert list(Client.objects.for_user(acting(team["coach"]))) == [team["client"]]
    assert list(Client.objects.for_user(acting(team["counsellor"]))) == []
    assert list(Client.objects.for_user(acting(team["manager"]))) == [team["client"]]
    for role in (Role.ADMIN, Role.DPO):
        assert not Client.objects.for_user(acting(make_user(role, team["unit"]))).exists()
    assert other not in Client.objects.for_user(team["manager"])


def test_the_manager_sees_the_unit_only_while_acting_as_manager(client, team):
    from accounts.models import RoleAssignment

    manager = team["manager"]
    second = RoleAssignment.objects.create(user=manager, role=Role.WORK_COACH, unit=team["unit"])
    login(client, manager)
    assert client.get(url(team["client"])).status_code == 200
    client.post("/role/", {"assignment": second.pk})
    assert client.get(url(team["client"])).status_code == 404


def test_the_manager_sees_the_client_but_not_plans_assessments_or_notes(client, team):
    """PERMISSIONS.md: the team reads plans, assessments and notes; a break-the-glass
    access reads them too (that is what it is for, and it is reviewed)."""
    from clients.factories import make_plan
    from clients.models import CaseNote

    target = team["client"]
    plan = make_plan(target, team["worker"], goals=["Haluan kokin koulutukseen."])
    CaseNote.objects.create(
        client=target, author=team["worker"], text="Soitin asiakkaalle aamulla."
    )
    login(client, team["manager"])
    page = client.get(url(target)).content.decode()
    assert "Haluan kokin koulutukseen." not in page and "Soitin asiakkaalle" not in page
    assert 'id="panel-clients-notes"' not in page and 'id="panel-clients-plans"' not in page
    assert 'id="panel-clients-team"' in page
    assert client.get(f"/clients/{target.uuid}/plans/{plan.pk}/").status_code == 403
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 403

    actions.break_the_glass(
        client=target, user=acting(team["counsellor"]), reason="Kiireellinen soitto asiakkaalta."
    )
    login(client, team["counsellor"])
    page = client.get(url(target)).content.decode()
    assert "Haluan kokin koulutukseen." in page and "Soitin asiakkaalle" in page
    # The anchor a saved note returns to (clients:note_create redirects to #panel-clients-notes).
    assert 'id="panel-clients-notes"' in page
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 200


def test_a_colleague_outside_the_team_gets_404_and_no_hint(client, team):
    login(client, team["counsellor"])
    response = client.get(url(team["client"]))
    assert response.status_code == 404
    assert "Suunnistaja" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.SOCIAL_COUNSELLOR, Role.SOCIAL_WORKER])
def test_break_the_glass_with_a_reason_opens_the_page_for_a_limited_time(
    client, team, settings, role
):
    """A social counsellor or social worker of the client's responsible unit who is not on
    the care team."""
    settings.POLKU_BREAK_THE_GLASS_MINUTES = 120
    colleague, target = make_user(role, team["unit"]), team["client"]
    assert not target.memberships.filter(user=colleague).exists()
    login(client, colleague)
    assert client.get(url(target)).status_code == 404
    form_url = f"/clients/{target.uuid}/break-the-glass/"
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"reason": "lyhyt"})
    assert response.status_code == 200
    assert "vähintään 10 merkkiä" in response.content.decode()
    assert not BreakTheGlass.objects.exists()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        login(client, colleague)
        response = client.post(form_url, {"reason": "Asiakas soitti, vastuutyöntekijä lomalla."})
        assert response.status_code == 302
        assert client.get(url(target)).status_code == 200
        event = BreakTheGlass.objects.get()
        assert (event.user, event.role, event.unit) == (colleague, role, team["unit"])
        entry = AccessLogEntry.objects.get(action="clients.client.break_the_glass")
        assert (entry.actor, entry.client_id, entry.basis) == (
            colleague,
            target.uuid,
            "break_the_glass",
        )
        assert (
            AccessLogEntry.objects.filter(
                action="clients.client.viewed", basis="break_the_glass"
            ).count()
            == 1
        )
        traveller.shift(datetime.timedelta(minutes=121))
        client.logout()  # a fresh session: the old one has been idle for two hours
        login(client, colleague)
        assert client.get(url(target)).status_code == 404


def test_finding_a_client_outside_ones_reach_by_identity_code_is_logged(client, team):
    """The search tells the user that the organisation's register holds the person: that
    alone is processing of client data, logged before the break-the-glass page is offered."""
    counsellor = team["counsellor"]
    code = demo_identity_code(random_birth_date())
    ClientFactory(code=code, created_by=team["worker"])
    found = Client.objects.get(identity_code_hash=search_hash(code))
    login(client, counsellor)
    response = client.post("/clients/find/", {"identity_code": code})
    assert response["Location"] == f"/clients/{found.uuid}/break-the-glass/"
    entry = AccessLogEntry.objects.get(action="clients.client.found_by_identity_code")
    assert (entry.actor, entry.client_id) == (counsellor, found.uuid)
    # On the search, not on a break-the-glass that has not happened.
    assert entry.basis == Basis.IDENTITY_CODE_SEARCH
    assert AccessLogEntry.objects.filter(client_id=found.uuid).count() == 1


def test_an_identity_code_not_found_says_so_next_to_the_field_and_not_that_the_list_is_empty(
    client, team
):
    """A miss answers next to the code; the list below does not claim the user has no
    clients (they may have many), it links back to their list."""
    login(client, team["counsellor"])
    response = client.post(
        "/clients/find/", {"identity_code": demo_identity_code(random_birth_date())}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Henkilötunnuksella ei löytynyt asiakasta, jonka tietoihin sinulla on pääsy." in page
    assert "Sinulla ei ole asiakkaita tässä roolissa." not in page
    assert '<a href="/clients/">Näytä asiakaslistasi</a>' in page


def test_break_the_glass_is_read_only(client, team):
    actions.break_the_glass(
        client=team["client"],
        user=acting(team["counsellor"]),
        reason="Kiireellinen soitto asiakkaalta.",
    )
    login(client, team["counsellor"])
    assert client.get(url(team["client"])).status_code == 200
    assert client.get(f"/clients/{team['client'].uuid}/edit/").status_code == 403
    assert client.get(f"/clients/{team['client'].uuid}/notes/new/").status_code == 403


def test_coaches_and_other_units_cannot_break_the_glass(client, team):
    outsider_coach = make_user(Role.WORK_COACH, team["unit"])
    other_unit_worker = make_user(
        Role.SOCIAL_WORKER, UnitFactory(organisation=team["unit"].organisation)
    )
    for user in (outsider_coach, other_unit_worker):
        login(client, user)
        assert client.get(f"/clients/{team['client'].uuid}/break-the-glass/").status_code == 404
        assert (
            client.post(
                f"/clients/{team['client'].uuid}/break-the-glass/", {"reason": "x" * 20}
            ).status_code
            == 404
        )
    assert not BreakTheGlass.objects.exists()


def test_a_break_the_glass_access_holds_only_in_the_role_and_unit_it_was_opened_in(client, team):
    """Every rule reads the active role: the counsellor who broke the glass and then acts as
    a work coach of another unit does not carry the access along."""
    from accounts.models import RoleAssignment

    counsellor = team["counsellor"]
    target = team["client"]
    counselling = RoleAssignment.objects.get(user=counsellor)
    coaching = RoleAssignment.objects.create(
        user=counsellor,
        role=Role.WORK_COACH,
        unit=UnitFactory(organisation=team["unit"].organisation),
    )
    actions.break_the_glass(
        client=target, user=acting(counsellor), reason="Kiireellinen soitto asiakkaalta."
    )
    login(client, counsellor)
    assert client.get(url(target)).status_code == 200
    client.post("/role/", {"assignment": coaching.pk})
    assert client.get(url(target)).status_code == 404
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 404
    client.post("/role/", {"assignment": counselling.pk})
    assert client.get(url(target)).status_code == 200
    assert not AccessLogEntry.objects.filter(
        client_id=target.uuid, actor_role=Role.WORK_COACH
    ).exists()


def test_a_break_the_glass_access_stays_in_its_unit_when_the_client_moves(client, team):
    """A counsellor in two units opens a client of one; the client is then moved to the
    other unit. The access does not follow the client there: it was opened in the first."""
    from accounts.models import RoleAssignment

    counsellor, target = team["counsellor"], team["client"]
    first_unit = RoleAssignment.objects.get(user=counsellor)
    other_unit = UnitFactory(organisation=team["unit"].organisation)
    second_unit = RoleAssignment.objects.create(
        user=counsellor, role=Role.SOCIAL_COUNSELLOR, unit=other_unit
    )
    event = actions.break_the_glass(
        client=target, user=acting(counsellor), reason="Kiireellinen soitto asiakkaalta."
    )
    assert event.unit == first_unit.unit
    receiver = make_user(Role.SOCIAL_WORKER, other_unit)
    actions.transfer_responsibility(
        client=target,
        to_user=receiver,
        to_unit=other_unit,
        transferred_by=acting(team["worker"]),
        handover_note="Asiakas muuttaa toisen yksikön alueelle.",
    )
    login(client, counsellor)
    client.post("/role/", {"assignment": second_unit.pk})
    assert client.get(url(target)).status_code == 404
    assert client.get(f"/clients/{target.uuid}/notes/").status_code == 404
    client.post("/role/", {"assignment": first_unit.pk})
    assert client.get(url(target)).status_code == 404


def test_the_manager_reviews_break_the_glass_events(client, team):
    actions.break_the_glass(
        client=team["client"],
        user=acting(team["counsellor"]),
        reason="Kiireellinen soitto asiakkaalta.",
    )
    login(client, team["manager"])
    dashboard = client.get("/").content.decode()
    assert "1 tarkastamaton murtautuminen" in dashboard
    page = client.get("/clients/break-the-glass/").content.decode()
    assert "Kiireellinen soitto asiakkaalta." in page
    event = BreakTheGlass.objects.get()
    # A note no text field takes (a NUL) is refused with a message, not a server error.
    response = client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "a\x00b"})
    assert response.status_code == 200  # the list again, the error beside the note
    assert f'id="note-{event.pk}-error"' in response.content.decode()
    event.refresh_from_db()
    assert event.reviewed_at is None
    client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "Asiallinen"})
    event.refresh_from_db()
    assert event.reviewed_by == team["manager"] and event.review_note == "Asiallinen"
    review = AccessLogEntry.objects.get(action="clients.break_the_glass.reviewed")
    assert (review.actor_id, review.client_id, review.basis) == (
        team["manager"].pk,
        team["client"].uuid,
        "manager",
    )
    # A second review of the same event changes and logs nothing.
    client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "Toinen"})
    event.refresh_from_db()
    assert event.review_note == "Asiallinen"
    assert AccessLogEntry.objects.filter(action="clients.break_the_glass.reviewed").count() == 1


def test_one_managers_review_settles_every_managers_reminder_of_the_event(client, team):
    """The sweep reminds every manager of the unit; once one has reviewed the event, the
    others' reminders (already past their day) are marked read too, and other events'
    reminders stay unread."""
    import dataclasses

    from clients import reminders
    from notifications.actions import remind_many
    from notifications.models import Reminder

    second_manager = make_user(Role.MANAGER, team["unit"])
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        for reason in ("Kiireellinen soitto asiakkaalta.", "Toinen murtautuminen."):
            actions.break_the_glass(
                client=team["client"], user=acting(team["counsellor"]), reason=reason
            )
    event, other = BreakTheGlass.objects.order_by("pk")
    specs = reminders.break_the_glass_reviews(timezone.localdate(), 100)
    remind_many([dataclasses.replace(s, rule=reminders.BREAK_THE_GLASS_REVIEW) for s in specs])
    about = Reminder.objects.filter(rule=reminders.BREAK_THE_GLASS_REVIEW, object_id=str(event.pk))
    assert set(about.unread().values_list("recipient", flat=True)) == {
        team["manager"].pk,
        second_manager.pk,
    }
    assert all(r.due_date < timezone.localdate() for r in about)

    login(client, team["manager"])
    client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "Asiallinen"})

    assert about.count() == 2 and not about.unread().exists()
    assert Reminder.objects.filter(object_id=str(other.pk)).unread().count() == 2


def test_an_event_awaiting_review_is_listed_first_however_many_were_reviewed(client, team):
    """An old event awaiting review is on the first page, not hidden behind newer reviewed
    ones; the reviewed ones follow a page at a time."""
    now = timezone.now()
    counsellor, manager = team["counsellor"], team["manager"]

    def event(reason, started_at, reviewed):
        return BreakTheGlass(
            client=team["client"],
            user=counsellor,
            role=Role.SOCIAL_COUNSELLOR,
            unit=team["client"].responsible_unit,
            reason=reason,
            started_at=started_at,
            expires_at=started_at + datetime.timedelta(hours=2),
            reviewed_at=started_at + datetime.timedelta(hours=3) if reviewed else None,
            reviewed_by=manager if reviewed else None,
        )

    BreakTheGlass.objects.bulk_create(
        [event("Vanha tarkastamaton avaus.", now - datetime.timedelta(days=200), False)]
        + [
            event(f"Tarkastettu avaus {n}.", now - datetime.timedelta(days=n), True)
            for n in range(1, 101)
        ]
    )
    login(client, manager)
    first = client.get("/clients/break-the-glass/").content.decode()
    assert "Vanha tarkastamaton avaus." in first
    assert first.count("Merkitse tarkastetuksi") == 1
    assert "Tarkastettu avaus 1." in first and "Tarkastettu avaus 100." not in first
    last = client.get("/clients/break-the-glass/?page=3").content.decode()
    assert "Tarkastettu avaus 100." in last and "Vanha tarkastamaton" not in last


def test_the_review_list_query_count_does_not_grow_with_its_events(client, team):
    """One event or a full page of them over many clients (each one logged): same queries."""
    counsellor, manager = team["counsellor"], team["manager"]
    now = timezone.now()

    def add_events(count):
        BreakTheGlass.objects.bulk_create(
            BreakTheGlass(
                client=(opened := ClientFactory(created_by=team["worker"])),
                user=counsellor,
                role=Role.SOCIAL_COUNSELLOR,
                unit=opened.responsible_unit,
                reason=f"Kiireellinen avaus {n}.",
                started_at=now - datetime.timedelta(hours=n + 1),
                expires_at=now - datetime.timedelta(hours=n),
                reviewed_at=now if n % 2 else None,
                reviewed_by=manager if n % 2 else None,
            )
            for n in range(count)
        )

    login(client, manager)
    client.get("/")
    counts = []
    for count in (1, 24):
        BreakTheGlass.objects.all().delete()
        add_events(count)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/clients/break-the-glass/").content.decode()
        assert page.count("Kiireellinen avaus") == count
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_a_user_does_not_review_their_own_break_the_glass(client, team):
    """A user holding both a counsellor's and the manager's role breaks the glass as a
    counsellor: as manager they neither see nor count nor review their own event."""
    from accounts.models import RoleAssignment

    both = team["counsellor"]
    as_manager = RoleAssignment.objects.create(user=both, role=Role.MANAGER, unit=team["unit"])
    target = ClientFactory(created_by=team["worker"], last_name="Toinen")
    own = actions.break_the_glass(
        client=target, user=acting(both), reason="Oma murtautuminen, soitto asiakkaalta."
    )
    colleague = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    actions.break_the_glass(
        client=team["client"], user=acting(colleague), reason="Kollegan murtautuminen, kiire."
    )
    # The other manager of the unit sees and counts both.
    login(client, team["manager"])
    assert "2 tarkastamatonta murtautumista" in client.get("/").content.decode()
    assert "Oma murtautuminen" in client.get("/clients/break-the-glass/").content.decode()
    client.logout()

    login(client, both)
    client.post("/role/", {"assignment": as_manager.pk})
    assert "1 tarkastamaton murtautuminen" in client.get("/").content.decode()
    page = client.get("/clients/break-the-glass/").content.decode()
    assert "Kollegan murtautuminen" in page and "Oma murtautuminen" not in page
    logged = set(
        AccessLogEntry.objects.filter(
            actor=both, action="clients.client.listed", detail="break_the_glass_review"
        ).values_list("client_id", flat=True)
    )
    assert logged == {team["client"].uuid}
    response = client.post(f"/clients/break-the-glass/{own.pk}/review/", {"note": "Oma"})
    assert response.status_code == 404
    own.refresh_from_db()
    assert own.reviewed_at is None
    assert not AccessLogEntry.objects.filter(action="clients.break_the_glass.reviewed").exists()

    # The action refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as error:
        actions.review_break_the_glass(event=own, reviewed_by=acting(both, as_manager))
    assert "omaa murtautumistasi" in error.value.messages[0]
    own.refresh_from_db()
    assert own.reviewed_at is None


def test_a_manager_of_another_unit_gets_404_on_the_review(client, team):
    event = actions.break_the_glass(
        client=team["client"],
        user=acting(team["counsellor"]),
        reason="Kiireellinen soitto asiakkaalta.",
    )
    elsewhere = make_user(Role.MANAGER, UnitFactory(organisation=team["unit"].organisation))
    login(client, elsewhere)
    assert "Kiireellinen soitto" not in client.get("/clients/break-the-glass/").content.decode()
    response = client.post(f"/clients/break-the-glass/{event.pk}/review/", {"note": "Vieras"})
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.reviewed_at is None
    assert not AccessLogEntry.objects.filter(action="clients.break_the_glass.reviewed").exists()
    # The same request from the unit's own manager is allowed, so the 404 is the other unit.
    login(client, team["manager"])
    assert client.post(f"/clients/break-the-glass/{event.pk}/review/").status_code == 302
    event.refresh_from_db()
    assert event.reviewed_by == team["manager"]


def test_the_review_stays_with_the_unit_the_glass_was_broken_in(client, team):
    """Broken in unit A, the client then transferred to unit B: A's manager still reviews
    it (their worker acted), B's manager does not see it."""
    event = actions.break_the_glass(
        client=team["client"],
        user=acting(team["counsellor"]),
        reason="Kiireellinen soitto asiakkaalta.",
    )
    unit_b = UnitFactory(organisation=team["unit"].organisation)
    actions.transfer_responsibility(
        client=team["client"],
        to_user=make_user(Role.SOCIAL_WORKER, unit_b),
        to_unit=unit_b,
        transferred_by=acting(team["worker"]),
        handover_note="Muutti toiselle alueelle.",
    )
    manager_b = make_user(Role.MANAGER, unit_b)
    login(client, manager_b)
    assert "Kiireellinen soitto" not in client.get("/clients/break-the-glass/").content.decode()
    assert client.post(f"/clients/break-the-glass/{event.pk}/review/").status_code == 404
    client.logout()
    login(client, team["manager"])
    assert "Kiireellinen soitto" in client.get("/clients/break-the-glass/").content.decode()
    assert client.post(f"/clients/break-the-glass/{event.pk}/review/").status_code == 302


def test_one_current_responsible_worker_is_a_database_invariant(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMembership.objects.create(
            client=team["client"],
            user=team["counsellor"],
            role=TeamRole.RESPONSIBLE_WORKER,
            organisation_id=member_organisation(team["client"], team["counsellor"]),
            created_by=team["worker"],
        )


def test_closure_needs_a_reason_in_the_database(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        Client.objects.filter(pk=team["client"].pk).update(
            closed_on=datetime.date(2026, 1, 1), closure_reason=""
        )


def test_membership_cannot_end_before_it_starts(team):
    membership = CareTeamMembership.objects.get(user=team["coach"])
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMembership.objects.filter(pk=membership.pk).update(
            ended_on=membership.started_on - datetime.timedelta(days=1)
        )


def test_transfer_moves_responsibility_and_the_responsible_unit(client, team):
    new_unit = UnitFactory(organisation=team["unit"].organisation)
    colleague = make_user(Role.SOCIAL_COUNSELLOR, new_unit)
    login(client, team["worker"])
    assignment = colleague.role_assignments.get()
    response = client.post(
        f"/clients/{team['client'].uuid}/transfer/",
        {"assignment": assignment.pk, "handover_note": "Seuraava tapaaminen sovittu joulukuulle."},
    )
    assert response.status_code == 302
    target = Client.objects.get(pk=team["client"].pk)
    assert target.responsible_unit == new_unit
    current = CareTeamMembership.objects.current().get(
        client=target, role=TeamRole.RESPONSIBLE_WORKER
    )
    assert current.user == colleague
    assert CareTeamMembership.objects.get(user=team["worker"], client=target).ended_on is not None
    assert client.get(url(target)).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            action="clients.responsibility.transferred", client_id=target.uuid
        ).count()
        == 1
    )


def test_caseload_handover_is_all_or_nothing_and_audited(team):
    second = ClientFactory(created_by=team["worker"])
    colleague_a = make_user(Role.SOCIAL_WORKER, team["unit"])
    colleague_b = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    manager = acting(team["manager"])
    with pytest.raises(Exception, match="Jokaiselle"):
        actions.hand_over_caseload(
            from_user=team["worker"],
            assignments={team["client"].pk: (colleague_a, team["unit"])},
            handed_over_by=manager,
            handover_note="Työntekijä lähtee.",
        )
    assert CareTeamMembership.objects.current().filter(user=team["worker"]).count() == 2
    # The action takes only those who could be the responsible worker: not a work coach.
    with pytest.raises(ValidationError, match="Vastuutyöntekijäksi voi siirtää vain"):
        actions.hand_over_caseload(
            from_user=team["worker"],
            assignments={
                team["client"].pk: (colleague_a, team["unit"]),
                second.pk: (team["coach"], team["unit"]),
            },
            handed_over_by=manager,
            handover_note="Työntekijä lähtee.",
        )
    assert CareTeamMembership.objects.current().filter(user=team["worker"]).count() == 2
    count = actions.hand_over_caseload(
        from_user=team["worker"],
        assignments={
            team["client"].pk: (colleague_a, team["unit"]),
            second.pk: (colleague_b, team["unit"]),
        },
        handed_over_by=manager,
        handover_note="Työntekijä lähtee.",
    )
    assert count == 2
    assert not CareTeamMembership.objects.current().filter(user=team["worker"]).exists()
    assert (
        AccessLogEntry.objects.filter(
            action="clients.responsibility.transferred", actor=team["manager"]
        ).count()
        == 2
    )


def test_closing_takes_the_client_out_of_active_lists_and_keeps_the_data(client, team):
    login(client, team["worker"])
    response = client.post(
        f"/clients/{team['client'].uuid}/close/",
        {"closed_on": timezone.localdate().isoformat(), "reason": "Siirtyi opiskelemaan."},
    )
    assert response.status_code == 302
    assert team["client"] not in Client.objects.for_user(acting(team["worker"])).active()
    assert "Suunnistaja" not in client.get("/clients/").content.decode()
    assert "Suunnistaja" in client.get("/clients/?closed=1").content.decode()
    assert client.get(url(team["client"])).status_code == 200


def test_health_related_notes_are_read_only_by_the_roles_allowed(client, team):
    from clients.factories import make_note

    make_note(
        team["client"], team["worker"], text="Lääkärin lausunto saapunut.", health_related=True
    )
    make_note(team["client"], team["worker"], text="Tavattiin toimistolla.")
    login(client, team["coach"])
    page = client.get(url(team["client"])).content.decode()
    assert "Tavattiin toimistolla." in page and "Lääkärin lausunto" not in page
    login(client, team["worker"])
    assert "Lääkärin lausunto saapunut." in client.get(url(team["client"])).content.decode()


def test_the_manager_hands_over_a_caseload_through_the_page(client, team):
    colleague = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    login(client, team["manager"])
    page = client.get("/clients/handover/", {"from": team["worker"].pk}).content.decode()
    assert "Silmu Aurora Suunnistaja" in page
    field = f"client_{team['client'].pk}"
    response = client.post(
        "/clients/handover/",
        {
            "from": team["worker"].pk,
            field: colleague.role_assignments.get().pk,
            "handover_note": "Lähtee talosta.",
        },
    )
    assert response.status_code == 302
    responsible = CareTeamMembership.objects.current().get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER
    )
    assert responsible.user == colleague


def test_each_review_form_names_its_event_for_screen_readers(client, team):
    """The note field and the button of each row say whose event they review: a screen
    reader's list of form fields shows them without the table around them."""
    import re

    colleague = make_user(
        Role.SOCIAL_COUNSELLOR, team["unit"], first_name="Toivo", last_name="Toinenkollega"
    )
    for user in (team["counsellor"], colleague):
        actions.break_the_glass(
            client=team["client"], user=acting(user), reason="Asiakas soitti kiireellisesti."
        )
    login(client, team["manager"])
    page = client.get("/clients/break-the-glass/").content.decode()
    labels = re.findall(r'<label for="note-\d+">(.*?)</label>', page, re.S)
    buttons = re.findall(r'<span class="hds-button__label">(Merkitse.*?</span>)</span>', page)
    assert len(labels) == len(buttons) == 2
    assert len(set(labels)) == len(set(buttons)) == 2
    assert "Toivo Toinenkollega" in labels[0] + labels[1]


def test_an_identity_code_in_the_break_the_glass_reason_is_refused_next_to_it(client, team):
    """The reason goes into the append-only access log, where no identity code is written:
    refused next to the field, nothing opened or logged."""
    counsellor, target = team["counsellor"], team["client"]
    login(client, counsellor)
    code = demo_identity_code(random_birth_date())
    response = client.post(
        f"/clients/{target.uuid}/break-the-glass/",
        {"reason": f"Asiakas {code} soitti, vastuutyöntekijä lomalla."},
    )
    assert response.status_code == 200
    assert field_errors(response.text, "reason") == (
        "Älä kirjoita perusteeseen henkilötunnusta: peruste kirjataan lokiin."
    )
    assert not BreakTheGlass.objects.exists()
    assert not AccessLogEntry.objects.filter(action="clients.client.break_the_glass").exists()
    with pytest.raises(ValidationError) as refused:
        actions.break_the_glass(client=target, user=counsellor, reason=f"Asiakas {code} soitti.")
    assert list(refused.value.message_dict) == ["reason"]
