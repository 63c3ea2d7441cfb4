"""Transfer of responsibility goes only to an eligible worker of the client's organisation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions
from clients.factories import ClientFactory, member_organisation
from clients.forms import TransferForm
from clients.models import CareTeamMembership, Client, TeamRole
from clients.querysets import responsible_worker_of
from services.factories import UnitFactory
from tests.conftest import acting, login


@pytest.fixture
def people(team):
    """Workers of the client's organisation (two units), of another organisation, and others."""
    own_org = team["unit"].organisation
    second_unit = UnitFactory(organisation=own_org)
    stranger_unit = UnitFactory()
    retired = make_user(Role.SOCIAL_WORKER, team["unit"], is_active=False)
    ended = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    RoleAssignment.objects.filter(user=ended).update(
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )
    return {
        "eligible": {
            team["counsellor"],
            make_user(Role.SOCIAL_WORKER, team["unit"]),
            make_user(Role.SOCIAL_WORKER, second_unit),
            make_user(Role.SOCIAL_COUNSELLOR, second_unit),
        },
        "expert": make_user(Role.EMPLOYMENT_EXPERT, team["unit"]),
        "stranger": make_user(Role.SOCIAL_WORKER, stranger_unit),
        "others": {
            team["coach"],
            team["manager"],
            make_user(Role.HEALTH_PROFESSIONAL, team["unit"]),
            retired,
            ended,
        },
    }


def _offered(client):
    """Offered to the responsible worker choosing (a manager's own roles are not offered to
    them: test_manager_not_own_member)."""
    actor = acting(responsible_worker_of(client))
    return {a.user for a in TransferForm(client=client, actor=actor).fields["assignment"].queryset}


def _post_handover(browser, manager, from_user, note, to=()):
    """`manager` signs in and posts the caseload handover of `from_user`, giving each client
    of `to` (client, colleague) to the colleague's one role assignment; returns the response."""
    login(browser, manager)
    return browser.post(
        "/clients/handover/",
        {
            "from": from_user.pk,
            **{f"client_{c.pk}": colleague.role_assignments.get().pk for c, colleague in to},
            "handover_note": note,
        },
    )


def _kela_to_be_told_of_a_revocation(worker, client_of):
    """The worker records the client's consent to disclose to Kela and its revocation today;
    returns the open task to tell Kela, which is the responsible worker's."""
    from consents import actions as consent_actions
    from consents.factories import ConsentFactory, kela
    from notifications.models import Task

    consent = ConsentFactory(client=client_of, parties=[kela()], recorded_by=worker)
    consent_actions.revoke_consent(
        consent=consent,
        revoked_by=worker,
        revoked_on=timezone.localdate(),
        method="phone",
        through="Asiakas",
    )
    (to_kela,) = Task.objects.filter(kind=consent_actions.SEND_REVOCATION_TO_KELA)
    return to_kela


def test_the_form_offers_social_workers_and_counsellors_of_the_clients_organisation(team, people):
    offered = _offered(team["client"])
    assert offered == people["eligible"]
    assert team["worker"] not in offered  # already the responsible worker
    assert people["stranger"] not in offered
    assert people["expert"] not in offered
    assert not offered & people["others"]


def test_a_colleague_with_a_caseload_of_their_own_is_offered_and_takes_the_client(team, people):
    """Being on this client's team and the responsible worker of other clients does not make
    a colleague 'already the responsible worker' here: only that very membership does."""
    colleague = team["counsellor"]
    CareTeamMembership.objects.create(
        client=team["client"],
        user=colleague,
        role=TeamRole.SOTE_CONTACT,
        organisation_id=member_organisation(team["client"], colleague),
        created_by=team["worker"],
    )
    ClientFactory(responsible_worker=colleague, created_by=colleague)
    ClientFactory(responsible_worker=team["worker"], created_by=team["worker"])
    assert colleague in _offered(team["client"])
    actions.transfer_responsibility(
        client=team["client"],
        to_user=colleague,
        to_unit=team["unit"],
        transferred_by=acting(team["worker"]),
        handover_note="Sote-yhteyshenkilö jatkaa vastuutyöntekijänä.",
    )
    # The former responsible worker, with clients of their own, may be given it back.
    assert team["worker"] in _offered(team["client"])


def test_an_employment_services_client_may_go_to_an_employment_expert(team, people):
    Client.objects.filter(pk=team["client"].pk).update(relationship_home="employment_services")
    target = Client.objects.get(pk=team["client"].pk)
    assert _offered(target) == people["eligible"] | {people["expert"]}


def test_posting_a_worker_of_another_organisation_is_refused(client, team, people):
    login(client, team["worker"])
    assignment = people["stranger"].role_assignments.get()
    response = client.post(
        f"/clients/{team['client'].uuid}/transfer/",
        {"assignment": assignment.pk, "handover_note": "Seuraava tapaaminen sovittu."},
    )
    assert response.status_code == 200
    assert 'id="id_assignment_error"' in response.content.decode()
    current = CareTeamMembership.objects.current().get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER
    )
    assert current.user == team["worker"]
    assert not AccessLogEntry.objects.filter(action="clients.responsibility.transferred").exists()


@pytest.mark.parametrize("who", ["stranger", "expert"])
def test_the_action_refuses_an_ineligible_worker(team, people, who):
    worker = acting(team["worker"])
    user = people[who]
    for language, expected in [
        (
            "fi",
            "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation "
            "sosiaalityöntekijän tai sosiaaliohjaajan.",
        ),
        (
            "sv",
            "Ansvaret kan överföras endast till en socialarbetare eller socialhandledare "
            "i klientens organisation.",
        ),
    ]:
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                actions.transfer_responsibility(
                    client=team["client"],
                    to_user=user,
                    to_unit=user.role_assignments.get().unit,
                    transferred_by=worker,
                    handover_note="Siirto.",
                )
            assert error.value.messages == [expected]
    team["client"].refresh_from_db()
    assert team["client"].responsible_unit == team["unit"]
    assert not CareTeamMembership.objects.filter(client=team["client"], user=user).exists()


EMPLOYMENT_REFUSAL = (
    "Vastuutyöntekijäksi voi siirtää vain asiakkaan organisaation sosiaalityöntekijän, "
    "sosiaaliohjaajan tai työllisyyspalvelujen asiantuntijan."
)


def test_an_employment_services_clients_refusal_names_the_employment_expert_too(team, people):
    """For such a client an employment expert may take the responsibility
    (responsible_worker_roles): the refusal of a transfer and of a caseload handover says so."""
    worker = acting(team["worker"])
    target = team["client"]
    Client.objects.filter(pk=target.pk).update(relationship_home="employment_services")
    target.refresh_from_db()
    stranger = people["stranger"]
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        actions.transfer_responsibility(
            client=target,
            to_user=stranger,
            to_unit=stranger.role_assignments.get().unit,
            transferred_by=worker,
            handover_note="Siirto.",
        )
    assert refused.value.messages == [EMPLOYMENT_REFUSAL]
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        actions.hand_over_caseload(
            from_user=team["worker"],
            assignments={target.pk: (stranger, stranger.role_assignments.get().unit)},
            handed_over_by=acting(team["manager"]),
            handover_note="Työntekijä lähtee.",
        )
    assert refused.value.messages == [EMPLOYMENT_REFUSAL]
    # And one of them takes it.
    actions.transfer_responsibility(
        client=target,
        to_user=people["expert"],
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Siirto.",
    )
    assert responsible_worker_of(target) == people["expert"]


def test_the_handover_note_is_shown_to_the_team_under_the_new_responsible_worker(
    client, team, people
):
    worker = acting(team["worker"])
    counsellor = team["counsellor"]
    actions.transfer_responsibility(
        client=team["client"],
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Asiakas aloittaa työtoiminnan maanantaina; soita hänelle ennen sitä.",
    )
    page = login(client, counsellor).get(f"/clients/{team['client'].uuid}/").content.decode()
    today = timezone.localdate()
    assert (
        f"Luovutusmuistio ({worker.get_full_name()}, {today.day}.{today.month}.{today.year}):"
        in page
    )
    assert "Asiakas aloittaa työtoiminnan maanantaina; soita hänelle ennen sitä." in page


def test_the_handover_note_stays_out_of_the_access_log(team):
    """The note is free text about the client, kept on the membership; the transfer's row in
    the append-only access log names who the client went to, not the note."""
    note = "Asiakas aloittaa päihdekuntoutuksen maanantaina; soita ennen sitä."
    counsellor = team["counsellor"]
    membership = actions.transfer_responsibility(
        client=team["client"],
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=acting(team["worker"]),
        handover_note=note,
    )
    assert membership.note == note
    entry = AccessLogEntry.objects.get(action="clients.responsibility.transferred")
    assert entry.detail == f"to user={counsellor.pk} unit={team['unit'].pk}"
    assert entry.object_id == str(membership.pk)
    assert not AccessLogEntry.objects.filter(detail__icontains="päihdekuntoutuksen").exists()


def test_a_caseload_handovers_note_stays_out_of_the_access_log(client, team):
    note = "Työntekijä lähtee; asiakkaan päihdekuntoutus jatkuu."
    second = ClientFactory(created_by=team["worker"], first_names="Tuisku", last_name="Tietävä")
    colleague = make_user(Role.SOCIAL_WORKER, team["unit"])
    response = _post_handover(
        client,
        team["manager"],
        team["worker"],
        note,
        to=[(team["client"], colleague), (second, team["counsellor"])],
    )
    assert response.status_code == 302
    entries = AccessLogEntry.objects.filter(action="clients.responsibility.transferred")
    assert sorted(entries.values_list("client_id", "detail")) == sorted(
        [
            (team["client"].uuid, f"to user={colleague.pk} unit={team['unit'].pk}"),
            (second.uuid, f"to user={team['counsellor'].pk} unit={team['unit'].pk}"),
        ]
    )
    assert not AccessLogEntry.objects.filter(detail__icontains="päihdekuntoutus").exists()
    assert set(
        CareTeamMembership.objects.current()
        .filter(role=TeamRole.RESPONSIBLE_WORKER, client__in=[team["client"], second])
        .values_list("note", flat=True)
    ) == {note}


def test_a_handover_note_over_300_characters_is_refused_not_cut(client, team, people):
    worker = acting(team["worker"])
    counsellor = team["counsellor"]
    with pytest.raises(ValidationError) as error:
        actions.transfer_responsibility(
            client=team["client"],
            to_user=counsellor,
            to_unit=team["unit"],
            transferred_by=worker,
            handover_note="x" * 301,
        )
    assert list(error.value.error_dict) == ["handover_note"]
    assert "enintään 300 merkkiä" in error.value.messages[0]
    # The form says it next to the field, before the action is reached.
    response = login(client, worker).post(
        f"/clients/{team['client'].uuid}/transfer/",
        {
            "assignment": counsellor.role_assignments.get().pk,
            "handover_note": "x" * 301,
        },
    )
    assert response.status_code == 200
    assert "enintään 300 merkkiä" in response.content.decode()
    assert (
        CareTeamMembership.objects.current()
        .get(client=team["client"], role=TeamRole.RESPONSIBLE_WORKER)
        .user
        == worker
    )


def test_the_responsible_workers_open_duties_move_to_the_new_responsible_worker(team):
    """Telling Kela of a revoked consent or answering an access request is the responsible
    worker's duty: an open task of that kind moves with the transfer, and the former
    worker's reminder about it is taken back. Tasks that are not such duties, done tasks
    and other clients' tasks stay."""
    from consents.reminders import CODE as REVOCATION_REMINDER
    from notifications.actions import complete_task, create_task, remind
    from notifications.models import Reminder, Task

    worker, counsellor, client_of = acting(team["worker"]), team["counsellor"], team["client"]
    today = timezone.localdate()
    to_kela = _kela_to_be_told_of_a_revocation(worker, client_of)
    asked = actions.request_access(
        client=client_of, requested_by=team["coach"], reason="Valmennuksen jatko"
    )
    own = create_task(
        assignee=worker, kind="tests.own", title="Oma tehtävä", client_id=client_of.uuid
    )
    done = create_task(
        assignee=worker,
        kind="clients.access_request",
        title="Käsitelty pääsypyyntö",
        client_id=client_of.uuid,
    )
    Task.objects.filter(pk=done.pk).update(done_at=timezone.now(), done_on=today, done_by=worker)
    other_client = ClientFactory(created_by=worker)
    elsewhere = create_task(
        assignee=worker,
        kind="clients.access_request",
        title="Toisen asiakkaan pääsypyyntö",
        client_id=other_client.uuid,
    )
    soon, past = today + datetime.timedelta(days=2), today - datetime.timedelta(days=1)
    for due_date in (soon, past):
        remind(
            recipient=worker,
            rule=REVOCATION_REMINDER,
            concerning=to_kela,
            due_date=due_date,
            title="Peruutuksesta ei ole ilmoitettu",
        )

    actions.transfer_responsibility(
        client=client_of,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Kelalle lähtee peruutus vielä tällä viikolla.",
    )
    assignees = dict(Task.objects.values_list("pk", "assignee_id"))
    assert assignees[to_kela.pk] == counsellor.pk
    assert assignees[asked.pk] == counsellor.pk
    assert {assignees[t.pk] for t in (own, done, elsewhere)} == {worker.pk}
    # The move is in the task's change history under its own action; the transfer's
    # membership history keeps the transfer's.
    event = to_kela.events.order_by("-pgh_id").first()
    assert event.assignee_id == counsellor.pk
    assert event.pgh_context.metadata["action"] == "notifications.task.handed_over"
    membership = CareTeamMembership.objects.get(client=client_of, user=counsellor)
    assert (
        membership.events.get().pgh_context.metadata["action"]
        == "clients.responsibility.transferred"
    )
    # The reminder still to come is taken back; one already past stays, as it was right then,
    # but marked read: the duty is the new worker's now (the next sweep reminds them), and
    # left unread it asked the former worker for it until the new one checked it off.
    assert [
        (due_date, read_at is not None)
        for due_date, read_at in Reminder.objects.filter(recipient=worker).values_list(
            "due_date", "read_at"
        )
    ] == [(past, True)]
    # The new responsible worker may check the task off.
    complete_task(task=Task.objects.get(pk=to_kela.pk), by=counsellor)


def test_a_duty_that_comes_back_to_the_former_worker_is_reminded_to_them_again(team):
    """The task to tell Kela of a revoked consent moves to the colleague and back: the
    worker's past reminder about it, put away by the first transfer (settled, not read by
    them), does not stop the rule reminding them again; the colleague's is put away in
    turn."""
    from consents.reminders import CODE as REVOCATION_REMINDER
    from notifications.actions import remind
    from notifications.models import Reminder, Task

    worker, counsellor, client_of = acting(team["worker"]), team["counsellor"], team["client"]
    to_kela = _kela_to_be_told_of_a_revocation(worker, client_of)
    past = timezone.localdate() - datetime.timedelta(days=1)

    def remind_of_it(user):
        return remind(
            recipient=user,
            rule=REVOCATION_REMINDER,
            concerning=to_kela,
            due_date=past,
            title="Peruutuksesta ei ole ilmoitettu",
        )[1]

    def unread(user):
        return Reminder.objects.unread().filter(recipient=user).concerning(to_kela).count()

    assert remind_of_it(worker)
    actions.transfer_responsibility(
        client=client_of,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Kelalle lähtee peruutus.",
    )
    assert remind_of_it(counsellor)
    assert (unread(worker), unread(counsellor)) == (0, 1)
    actions.transfer_responsibility(
        client=client_of,
        to_user=worker,
        to_unit=team["unit"],
        transferred_by=acting(counsellor),
        handover_note="Takaisin sinulle.",
    )
    assert Task.objects.get(pk=to_kela.pk).assignee_id == worker.pk
    assert remind_of_it(worker)
    assert not remind_of_it(worker)
    assert (unread(worker), unread(counsellor)) == (1, 0)


def test_the_new_responsible_worker_gets_a_task_with_the_handover_note(client, team):
    """A transfer through the page gives the colleague a task naming the client, with the
    handover note as its description and a link to the client: in the inbox, on the bell
    and on the dashboard."""
    from django.urls import reverse

    from notifications.models import Task

    worker, counsellor, target = team["worker"], team["counsellor"], team["client"]
    note = "Asiakas aloittaa työtoiminnan maanantaina; soita hänelle ennen sitä."
    login(client, worker)
    response = client.post(
        f"/clients/{target.uuid}/transfer/",
        {"assignment": counsellor.role_assignments.get().pk, "handover_note": note},
    )
    assert response.status_code == 302
    task = Task.objects.get(assignee=counsellor)
    membership = CareTeamMembership.objects.current().get(
        client=target, role=TeamRole.RESPONSIBLE_WORKER
    )
    assert (task.kind, task.title, task.description, task.link, task.client_id) == (
        actions.RESPONSIBILITY_RECEIVED_TASK,
        f"Asiakkaan vastuu siirtyi sinulle: {target.display_name}",
        note,
        f"/clients/{target.uuid}/",
        target.uuid,
    )
    assert (task.created_by, task.done_at, task.due_date) == (worker, None, None)
    assert task.key == f"{actions.RESPONSIBILITY_RECEIVED_TASK}:{membership.pk}"
    assert not Task.objects.filter(assignee=worker).exists()

    login(client, counsellor)
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert f"Asiakkaan vastuu siirtyi sinulle: {target.display_name}" in inbox
    assert note in inbox and f'href="/clients/{target.uuid}/"' in inbox
    assert "Uusi vastuuasiakas" in inbox  # the kind's label
    assert ">1<" in client.get(reverse("notifications:bell")).content.decode()
    assert "Asiakkaan vastuu siirtyi sinulle" in client.get("/").content.decode()


def test_a_refused_transfer_gives_no_task(team):
    """A second transfer to the same worker (a double submit) is refused: still one task."""
    from notifications.models import Task

    def transfer():
        actions.transfer_responsibility(
            client=team["client"],
            to_user=team["counsellor"],
            to_unit=team["unit"],
            transferred_by=acting(team["worker"]),
            handover_note="Soita asiakkaalle.",
        )

    transfer()
    with pytest.raises(ValidationError, match="jo asiakkaan vastuutyöntekijä"):
        transfer()
    assert Task.objects.filter(assignee=team["counsellor"]).count() == 1


def test_a_caseload_handover_gives_each_new_worker_one_task_per_client(client, team):
    """Each client is taken up on its own (read the plan, call the client), so each is a task
    of its own that links to the client and is checked off when done; the note is the
    manager's handover note."""
    from notifications.models import Task

    second = ClientFactory(created_by=team["worker"], first_names="Tuisku", last_name="Tietävä")
    third = ClientFactory(created_by=team["worker"], first_names="Aino", last_name="Kolmas")
    colleague_a = make_user(Role.SOCIAL_WORKER, team["unit"])
    colleague_b = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    response = _post_handover(
        client,
        team["manager"],
        team["worker"],
        "Työntekijä lähtee; asiakkaiden suunnitelmat ovat ajan tasalla.",
        to=[(team["client"], colleague_a), (second, colleague_a), (third, colleague_b)],
    )
    assert response.status_code == 302
    tasks = Task.objects.filter(kind=actions.RESPONSIBILITY_RECEIVED_TASK)
    assert sorted((t.assignee_id, t.client_id, t.title) for t in tasks) == sorted(
        [
            (colleague_a.pk, c.uuid, f"Asiakkaan vastuu siirtyi sinulle: {c.display_name}")
            for c in (team["client"], second)
        ]
        + [
            (
                colleague_b.pk,
                third.uuid,
                f"Asiakkaan vastuu siirtyi sinulle: {third.display_name}",
            )
        ]
    )
    assert {t.description for t in tasks} == {
        "Työntekijä lähtee; asiakkaiden suunnitelmat ovat ajan tasalla."
    }
    assert {t.created_by_id for t in tasks} == {team["manager"].pk}


def test_a_worker_handed_over_meanwhile_is_said_so_next_to_the_choice(client, team):
    """A second manager sending the same worker's caseload after it was handed over (or an
    old link) gets the page with the reason next to the choice, not a bare 404; a unit where
    no one holds clients says so instead of offering an empty choice."""
    colleague = make_user(Role.SOCIAL_WORKER, team["unit"])

    def send():
        return _post_handover(
            client,
            team["manager"],
            team["worker"],
            "Työntekijä lähtee.",
            to=[(team["client"], colleague)],
        )

    assert send().status_code == 302
    response = send()
    assert response.status_code == 200
    page = response.content.decode()
    assert 'aria-describedby="from-user_error"' in page
    assert "Valitulla työntekijällä ei ole yksikön asiakkaita vastuullaan." in page
    assert responsible_worker_of(team["client"]) == colleague

    other_manager = make_user(Role.MANAGER, UnitFactory())
    login(client, other_manager)
    page = client.get("/clients/handover/").content.decode()
    assert "Yksikön työntekijöillä ei ole asiakkaita vastuullaan." in page
    assert 'id="from-user"' not in page


def test_a_caseload_handover_shown_again_with_errors_logs_the_clients_it_lists(client, team):
    """The page refused for a missing choice lists the caseload's clients by name again, as its
    first showing does: each is a list hit on that client's log, not a page unlogged."""
    second = ClientFactory(created_by=team["worker"], first_names="Tuisku", last_name="Tietävä")
    response = _post_handover(client, team["manager"], team["worker"], "Työntekijä lähtee.")
    assert response.status_code == 200
    assert "Tietävä" in response.content.decode()
    listed = AccessLogEntry.objects.filter(
        actor=team["manager"], action="clients.client.listed", detail="handover"
    )
    assert set(listed.values_list("client_id", flat=True)) == {team["client"].uuid, second.uuid}
    assert (
        Client.objects.get(pk=second.pk).responsible_unit_id == team["client"].responsible_unit_id
    )


def test_a_caseload_handover_offers_each_client_the_colleagues_a_transfer_would(client, team):
    """An employment expert's caseload (clients whose relationship is in employment services,
    the only ones they register) is handed over to a fellow employment expert of the unit, as
    each client's own transfer may (querysets.responsible_worker_candidates); a social
    services client is offered no employment expert, whom the transfer would refuse."""
    from clients.forms import HandoverForm

    unit = team["unit"]
    leaving = make_user(Role.EMPLOYMENT_EXPERT, unit)
    colleague = make_user(Role.EMPLOYMENT_EXPERT, unit)
    employment = ClientFactory(
        responsible_worker=leaving,
        relationship_home="employment_services",
        first_names="Tuisku",
        last_name="Työnhakija",
    )
    social = ClientFactory(responsible_worker=leaving, first_names="Aino", last_name="Sosiaali")
    form = HandoverForm(from_user=leaving, unit=unit, actor=acting(team["manager"]))

    def offered(target):
        return {a.user for a in form.fields[f"client_{target.pk}"].offered}

    assert offered(employment) == {colleague, team["worker"], team["counsellor"]}
    assert offered(social) == {team["worker"], team["counsellor"]}

    response = _post_handover(
        client,
        team["manager"],
        leaving,
        "Työntekijä siirtyy toiseen yksikköön.",
        to=[(employment, colleague), (social, team["counsellor"])],
    )
    assert response.status_code == 302
    current = CareTeamMembership.objects.current().filter(role=TeamRole.RESPONSIBLE_WORKER)
    assert current.get(client=employment).user == colleague
    assert current.get(client=social).user == team["counsellor"]
    assert set(
        AccessLogEntry.objects.filter(
            actor=team["manager"], action="clients.responsibility.transferred"
        ).values_list("client_id", flat=True)
    ) == {employment.uuid, social.uuid}


def test_the_former_workers_reminders_about_the_client_are_marked_read(team, monkeypatch):
    """The responsible-worker rules' reminders (a plan review coming, a warning month) asked the
    former worker for what is the new one's now, naming a client hidden from them: marked
    read, the rows stay, and the next sweep reminds the new worker. Their other clients'
    reminders, a break-the-glass review asked of them as a manager, and the coach's
    reminders about the client stay unread."""
    from clients import reminders as client_rules
    from clients.factories import make_plan
    from clients.models import BreakTheGlass
    from notifications import rules_registry
    from notifications.actions import remind_many, sweep_reminders
    from notifications.models import Reminder
    from notifications.rules_registry import ReminderSpec

    monkeypatch.setattr(rules_registry, "_rules", {})
    client_rules.register()
    worker, counsellor, client_of = acting(team["worker"]), team["counsellor"], team["client"]
    today = timezone.localdate()
    plan = make_plan(client_of, worker, next_review_on=today + datetime.timedelta(days=3))
    other_client = ClientFactory(created_by=worker)
    other_plan = make_plan(other_client, worker, next_review_on=today + datetime.timedelta(days=3))
    glass = BreakTheGlass.objects.create(
        client=client_of,
        user=team["coach"],
        role=Role.WORK_COACH,
        unit=team["unit"],
        reason="Kiireellinen asia",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )

    def spec(recipient, rule, obj, due_date, client):
        return ReminderSpec(
            recipient_id=recipient.pk,
            model=type(obj),
            object_id=obj.pk,
            due_date=due_date,
            title="Muistutus",
            rule=rule,
            client_id=client.uuid,
        )

    sweep_reminders(today=today)
    # Past ones too (a warning month that has begun: its due date is its first day), and
    # those of the unit's manager and the client's coach.
    month_21 = "pathways.rehab_month_21"
    remind_many(
        [
            spec(worker, month_21, plan, today - datetime.timedelta(days=1), client_of),
            spec(worker, client_rules.BREAK_THE_GLASS_REVIEW, glass, today, client_of),
            spec(team["coach"], "pathways.step_review_due", plan, today, client_of),
        ]
    )
    assert Reminder.objects.filter(recipient=worker, rule=client_rules.PLAN_REVIEW_DUE).count() == 2

    actions.transfer_responsibility(
        client=client_of,
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Suunnitelman tarkistus on tulossa.",
    )
    unread = {
        (recipient, rule, object_id)
        for recipient, rule, object_id in Reminder.objects.unread()
        .filter(recipient__in=[worker, team["coach"]])
        .values_list("recipient_id", "rule", "object_id")
    }
    assert unread == {
        (worker.pk, client_rules.PLAN_REVIEW_DUE, str(other_plan.pk)),
        (worker.pk, client_rules.BREAK_THE_GLASS_REVIEW, str(glass.pk)),
        (team["coach"].pk, "pathways.step_review_due", str(plan.pk)),
    }
    # The rows stay: the former worker's inbox keeps what it was told.
    assert set(
        Reminder.objects.filter(recipient=worker, client_id=client_of.uuid).values_list(
            "rule", flat=True
        )
    ) == {client_rules.PLAN_REVIEW_DUE, month_21, client_rules.BREAK_THE_GLASS_REVIEW}
    sweep_reminders(today=today)
    assert set(
        Reminder.objects.unread()
        .filter(recipient=counsellor)
        .values_list("rule", "object_id", "due_date")
    ) == {(client_rules.PLAN_REVIEW_DUE, str(plan.pk), plan.next_review_on)}


@pytest.mark.parametrize("path", ["transfer", "caseload_handover"])
def test_the_managers_reminders_to_hand_the_client_over_are_settled_by_the_handover(
    team, monkeypatch, path
):
    """The responsible worker left (their role ended): every manager of the unit is asked to
    hand the client over. Once one does it, by a transfer or by the caseload handover, the
    request is marked read for all of them at once, not at the next sweep; the same request
    about another worker's client stays."""
    from clients import reminders as client_rules
    from notifications import rules_registry
    from notifications.actions import sweep_reminders
    from notifications.models import Reminder

    monkeypatch.setattr(rules_registry, "_rules", {})
    client_rules.register()
    worker, unit = team["worker"], team["unit"]
    managers = [team["manager"], make_user(Role.MANAGER, unit)]
    still_away = make_user(Role.SOCIAL_WORKER, unit)
    elsewhere = ClientFactory(created_by=still_away)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user__in=[worker, still_away]).update(
        valid_from=yesterday - datetime.timedelta(days=30), valid_to=yesterday
    )
    sweep_reminders(today=timezone.localdate())
    unreachable = Reminder.objects.filter(rule=client_rules.RESPONSIBLE_WORKER_UNREACHABLE)
    assert set(unreachable.unread().values_list("recipient_id", "client_id")) == {
        (manager.pk, client_of.uuid)
        for manager in managers
        for client_of in (team["client"], elsewhere)
    }

    manager = acting(managers[0])
    if path == "transfer":
        actions.transfer_responsibility(
            client=team["client"],
            to_user=team["counsellor"],
            to_unit=unit,
            transferred_by=manager,
            handover_note="Työntekijä lähti.",
        )
    else:
        actions.hand_over_caseload(
            from_user=worker,
            assignments={team["client"].pk: (team["counsellor"], unit)},
            handed_over_by=manager,
            handover_note="Työntekijä lähti.",
        )

    assert set(unreachable.unread().values_list("recipient_id", "client_id")) == {
        (manager.pk, elsewhere.uuid) for manager in managers
    }
    assert unreachable.filter(client_id=team["client"].uuid).count() == 2  # the rows stay


MOVED = "Vastuu on siirtynyt sillä välin. Tarkista asiakkaan tilanne ennen kuin siirrät vastuun."
NO_LONGER = "Et voi enää siirtää asiakkaan vastuuta: vastuu on siirtynyt sillä välin."


def test_a_transfer_sent_after_the_caseload_was_handed_over_is_refused(team):
    """The reviewer's probe: the worker opened the transfer form while responsible, a manager
    handed their caseload over meanwhile, and their transfer then ended the new worker's
    responsibility. Their standing is read again under the client's lock."""
    from clients.access import relation_to

    worker, manager = acting(team["worker"]), acting(team["manager"])
    taker = make_user(Role.SOCIAL_WORKER, team["unit"])
    third = make_user(Role.SOCIAL_WORKER, team["unit"])
    seen = Client.objects.get(pk=team["client"].pk)
    assert relation_to(worker, seen).is_responsible_worker  # as the form's page read it
    actions.hand_over_caseload(
        from_user=worker,
        assignments={seen.pk: (taker, team["unit"])},
        handed_over_by=manager,
        handover_note="Työntekijä lähtee.",
    )

    with pytest.raises(ValidationError) as error:
        actions.transfer_responsibility(
            client=seen,
            to_user=third,
            to_unit=team["unit"],
            transferred_by=worker,
            handover_note="Siirrän asiakkaan.",
        )
    assert error.value.messages == [NO_LONGER]
    assert responsible_worker_of(team["client"]) == taker
    assert not CareTeamMembership.objects.filter(user=third).exists()


def _shown_responsible(page: str) -> str:
    import re

    return re.search(r'name="responsible" value="(\d*)"', page).group(1)


def test_a_transfer_form_shown_before_another_transfer_is_refused_next_to_it(client, team):
    """A manager's form showed the worker responsible; the worker transferred the client
    meanwhile. The manager's submit does not override it: the form says so, and carries the
    responsibility of now, so a second submit, having seen it, goes through."""
    worker, manager = acting(team["worker"]), team["manager"]
    taker, third = team["counsellor"], make_user(Role.SOCIAL_WORKER, team["unit"])
    url = f"/clients/{team['client'].uuid}/transfer/"
    login(client, manager)
    shown = _shown_responsible(client.get(url).content.decode())
    assert shown == str(
        CareTeamMembership.objects.get(client=team["client"], user=worker, ended_on=None).pk
    )
    actions.transfer_responsibility(
        client=team["client"],
        to_user=taker,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Siirrän asiakkaan kollegalle.",
    )

    data = {
        "assignment": third.role_assignments.get().pk,
        "handover_note": "Esihenkilö siirtää.",
        "responsible": shown,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert MOVED in page
    assert responsible_worker_of(team["client"]) == taker
    now = CareTeamMembership.objects.get(client=team["client"], user=taker, ended_on=None)
    assert _shown_responsible(page) == str(now.pk)

    response = client.post(url, {**data, "responsible": _shown_responsible(page)})
    assert response.status_code == 302
    assert responsible_worker_of(team["client"]) == third


@pytest.mark.parametrize("moved_by", ["transfer", "handover"])
def test_the_former_workers_task_to_take_the_client_up_is_settled_as_it_moves_on(team, moved_by):
    """The reviewer's probe: responsibility went to a colleague, who passed it on before
    taking the client up; their task named a client they no longer reach and linked to a
    page that answered 404."""
    from notifications.models import Task

    worker, taker, manager = acting(team["worker"]), acting(team["counsellor"]), team["manager"]
    third = make_user(Role.SOCIAL_WORKER, team["unit"])
    actions.transfer_responsibility(
        client=team["client"],
        to_user=taker,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Soita asiakkaalle.",
    )
    (received,) = Task.objects.filter(assignee=taker, kind=actions.RESPONSIBILITY_RECEIVED_TASK)
    if moved_by == "transfer":
        by = taker
        actions.transfer_responsibility(
            client=team["client"],
            to_user=third,
            to_unit=team["unit"],
            transferred_by=taker,
            handover_note="En ehdi ottaa asiakasta.",
        )
    else:
        by = acting(manager)
        actions.hand_over_caseload(
            from_user=taker,
            assignments={team["client"].pk: (third, team["unit"])},
            handed_over_by=by,
            handover_note="Työntekijä lähtee.",
        )

    received.refresh_from_db()
    assert received.done_at is not None and received.done_by == by
    (new,) = Task.objects.filter(assignee=third, kind=actions.RESPONSIBILITY_RECEIVED_TASK)
    assert new.done_at is None


@pytest.mark.django_db(transaction=True)
def test_a_transfer_waiting_for_a_handover_s_lock_reads_the_team_after_it(team):
    """The worker's transfer, sent while a manager's handover of their caseload is written,
    waits for the client's lock and is then refused: it does not end the new worker's
    responsibility."""
    from clients.access import relation_to
    from tests.transfers import while_holding

    worker, manager = acting(team["worker"]), acting(team["manager"])
    taker = make_user(Role.SOCIAL_WORKER, team["unit"])
    third = make_user(Role.SOCIAL_WORKER, team["unit"])
    seen = Client.objects.get(pk=team["client"].pk)
    assert relation_to(worker, seen).is_responsible_worker

    refusal, waited = while_holding(
        lambda: actions.hand_over_caseload(
            from_user=worker,
            assignments={seen.pk: (taker, team["unit"])},
            handed_over_by=manager,
            handover_note="Työntekijä lähtee.",
        ),
        lambda: actions.transfer_responsibility(
            client=seen,
            to_user=third,
            to_unit=team["unit"],
            transferred_by=worker,
            handover_note="Siirrän asiakkaan.",
        ),
        expected=ValidationError,
    )
    assert waited > 0
    assert isinstance(refusal, ValidationError) and refusal.messages == [NO_LONGER]
    assert responsible_worker_of(team["client"]) == taker
