"""The care team panel: its order, the roles one person may hold together, and ending a
membership with a confirmation step."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from audit.models import AccessLogEntry
from clients import actions
from clients.factories import add_member, member_organisation
from clients.models import CareTeamMembership, TeamRole
from tests.conftest import acting, field_errors, login

pytestmark = pytest.mark.django_db


def _panel(page: str) -> str:
    return re.search(r'id="panel-clients-team".*?</section>', page, re.S).group(0)


def test_the_panel_lists_the_responsible_worker_first_then_by_role(client, team):
    """Added in the reverse order (and the coach by the fixture first of all): shown
    responsible worker, sote contact person, work pair, coaches, others."""
    target, unit = team["client"], team["unit"]
    other = make_user(Role.SOCIAL_COUNSELLOR, unit, first_name="Olli", last_name="Muujäsen")
    pair = make_user(Role.COORDINATOR, unit, first_name="Pirjo", last_name="Työpari")
    sote = make_user(Role.HEALTH_PROFESSIONAL, unit, first_name="Sanna", last_name="Sote")
    for user, role in ((other, TeamRole.OTHER), (pair, TeamRole.WORK_PAIR)):
        add_member(target, user, role)
    add_member(target, sote, TeamRole.SOTE_CONTACT)
    login(client, team["worker"])
    panel = _panel(client.get(f"/clients/{target.uuid}/").content.decode())
    roles = re.findall(r"<li>\s*<strong>(.*?)</strong>", panel)
    assert roles == [
        "Vastuutyöntekijä",
        "Sote-yhteyshenkilö",
        "Työpari",
        "Valmentaja",
        "Muu tiimin jäsen",
    ]
    names = [team["worker"], sote, pair, team["coach"], other]
    positions = [panel.index(user.get_full_name()) for user in names]
    assert positions == sorted(positions)


def test_a_members_links_stand_apart_from_the_members_line(client, team):
    """The links to change or end a membership are a block of their own under the member's line:
    run on after the organisation's name, they read as part of it."""
    login(client, team["worker"])
    panel = _panel(client.get(f"/clients/{team['client'].uuid}/").content.decode())
    coach = team["coach"]
    line = re.search(
        rf"<li>\s*<strong>Valmentaja</strong>: {coach.get_full_name()}, (.*?)</li>", panel, re.S
    ).group(1)
    actions = re.search(r'<span class="polku-member-actions">(.*?)</span>\s*$', line.strip(), re.S)
    assert actions, line
    links = re.findall(r"<a [^>]*>([^<]*)<", actions.group(1))
    assert links == ["Muuta voimassaoloa", "Päätä jäsenyys"]
    # The organisation's name is the text before them, with no link in it.
    assert "<a " not in line[: line.index('<span class="polku-member-actions">')]
    # The responsible worker's line has no such links (the role moves by a transfer).
    worker_line = re.search(r"<li>\s*<strong>Vastuutyöntekijä</strong>.*?</li>", panel, re.S)
    assert "polku-member-actions" not in worker_line.group(0)


# The roles one person may hold together


def _add(client, team, user, role):
    """Posts the team page's form as the responsible worker; the response."""
    login(client, team["worker"])
    return client.post(
        f"/clients/{team['client'].uuid}/team/add/",
        {"assignment": user.role_assignments.order_by("pk").first().pk, "role": role},
    )


def _open_roles(team, user):
    return set(
        CareTeamMembership.objects.filter(client=team["client"], user=user)
        .open()
        .values_list("role", flat=True)
    )


def test_the_responsible_worker_is_not_added_again_as_other_member(client, team):
    response = _add(client, team, team["worker"], TeamRole.OTHER)
    assert response.status_code == 200
    error = field_errors(response.content.decode(), "role")
    assert "Henkilö on jo tiimissä roolissa Vastuutyöntekijä." in error
    assert "vain henkilö, jolla ei ole tiimissä muuta roolia" in error
    assert _open_roles(team, team["worker"]) == {TeamRole.RESPONSIBLE_WORKER}
    # The action refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as refused:
        actions.add_team_member(
            client=team["client"],
            user=team["worker"],
            role=TeamRole.OTHER,
            added_by=acting(team["manager"]),
        )
    assert list(refused.value.error_dict) == ["role"]


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        (TeamRole.SOTE_CONTACT, TeamRole.OTHER, "jo tiimissä roolissa Sote-yhteyshenkilö"),
        (TeamRole.OTHER, TeamRole.SOTE_CONTACT, "Päätä se jäsenyys ensin"),
    ],
)
def test_the_same_person_is_not_both_sote_contact_and_other_member(
    client, team, first, second, message
):
    nurse = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    assert _add(client, team, nurse, first).status_code == 302
    response = _add(client, team, nurse, second)
    assert response.status_code == 200
    assert message in field_errors(response.content.decode(), "role")
    assert _open_roles(team, nurse) == {first}


def test_a_coach_is_not_also_other_member_and_other_is_ended_before_coaching(client, team):
    response = _add(client, team, team["coach"], TeamRole.OTHER)
    assert "jo tiimissä roolissa Valmentaja" in field_errors(response.content.decode(), "role")
    counsellor = team["counsellor"]
    assert _add(client, team, counsellor, TeamRole.OTHER).status_code == 302
    coach = make_user(Role.WORK_COACH, team["unit"])
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=counsellor, role=Role.WORK_COACH, unit=team["unit"])
    with pytest.raises(ValidationError, match="hänestä tulee valmentaja"):
        actions.add_team_member(
            client=team["client"],
            user=counsellor,
            role=TeamRole.COACH,
            added_by=acting(team["worker"]),
        )
    # Someone else is added as a coach as before.
    actions.add_team_member(
        client=team["client"], user=coach, role=TeamRole.COACH, added_by=acting(team["worker"])
    )
    assert _open_roles(team, counsellor) == {TeamRole.OTHER}


def test_the_responsible_worker_is_not_their_own_clients_work_pair(team):
    from accounts.models import RoleAssignment

    worker = team["worker"]
    RoleAssignment.objects.create(user=worker, role=Role.COORDINATOR, unit=team["unit"])
    with pytest.raises(ValidationError) as error:
        actions.add_team_member(
            client=team["client"], user=worker, role=TeamRole.WORK_PAIR, added_by=acting(worker)
        )
    assert error.value.message_dict == {
        "role": ["Asiakkaan vastuutyöntekijä ei voi olla oman asiakkaansa työpari."]
    }


def test_the_responsible_worker_is_not_their_own_clients_sote_contact(client, team):
    """Offered on the team page (a social worker may be someone's sote contact person), the
    responsible worker is refused as their own client's, next to the role."""
    response = _add(client, team, team["worker"], TeamRole.SOTE_CONTACT)
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "role") == (
        "Asiakkaan vastuutyöntekijä ei voi olla oman asiakkaansa sote-yhteyshenkilö."
    )
    assert _open_roles(team, team["worker"]) == {TeamRole.RESPONSIBLE_WORKER}
    worker = acting(team["worker"])
    with pytest.raises(ValidationError) as error:
        actions.add_team_member(
            client=team["client"], user=worker, role=TeamRole.SOTE_CONTACT, added_by=worker
        )
    assert list(error.value.message_dict) == ["role"]


def test_an_ended_membership_does_not_stand_in_the_way(team):
    nurse = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    worker = acting(team["worker"])
    other = actions.add_team_member(
        client=team["client"], user=nurse, role=TeamRole.OTHER, added_by=worker
    )
    actions.end_membership(membership=other, ended_by=worker)
    actions.add_team_member(
        client=team["client"], user=nurse, role=TeamRole.SOTE_CONTACT, added_by=worker
    )
    assert _open_roles(team, nurse) == {TeamRole.SOTE_CONTACT}


@pytest.mark.parametrize(
    ("lead", "constraint"),
    [
        (TeamRole.RESPONSIBLE_WORKER, "responsible_worker_not_also_other"),
        (TeamRole.SOTE_CONTACT, "sote_contact_not_also_other"),
    ],
)
def test_the_database_refuses_other_member_beside_a_lead_role(team, lead, constraint):
    nurse = make_user(Role.SOCIAL_WORKER, team["unit"])
    target = team["client"]
    if lead == TeamRole.RESPONSIBLE_WORKER:
        CareTeamMembership.objects.filter(client=target, role=lead).update(
            ended_on=timezone.localdate()
        )
    add_member(target, nurse, lead)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        add_member(target, nurse, TeamRole.OTHER)
    # Beside a coach's or a work pair's role the database takes it (the action does not).
    add_member(target, nurse, TeamRole.COACH)
    # An ended "other" membership beside the lead role is history, not a pair.
    CareTeamMembership.objects.create(
        client=target,
        user=nurse,
        role=TeamRole.OTHER,
        organisation_id=member_organisation(target, nurse),
        created_by=nurse,
        ended_on=timezone.localdate(),
    )


@pytest.mark.parametrize("role", [TeamRole.OTHER, TeamRole.SOTE_CONTACT])
def test_a_transfer_to_a_member_ends_their_other_membership(team, role):
    """The new responsible worker keeps no other role on their own client's team (as
    check_roles_beside refuses adding a sote contact person beside it): that membership ends
    with the transfer, logged."""
    counsellor, worker = team["counsellor"], acting(team["worker"])
    membership = actions.add_team_member(
        client=team["client"], user=counsellor, role=role, added_by=worker
    )
    actions.transfer_responsibility(
        client=team["client"],
        to_user=counsellor,
        to_unit=team["unit"],
        transferred_by=worker,
        handover_note="Olet jo tiimissä; ota vastuu.",
    )
    assert _open_roles(team, counsellor) == {TeamRole.RESPONSIBLE_WORKER}
    membership.refresh_from_db()
    assert membership.ended_on == timezone.localdate() and not membership.cancelled
    ended = AccessLogEntry.objects.get(action="clients.membership.ended")
    assert (ended.actor, ended.object_id, ended.detail) == (
        team["worker"],
        str(membership.pk),
        "superseded by responsible_worker",
    )


def test_the_migration_ends_other_memberships_beside_a_lead_role(team):
    """Rows written before the rule: the "other" membership beside a lead role ends (one to
    start later is cancelled), others stay."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "clients.migrations.0012_end_other_memberships_beside_a_lead_role"
    )
    worker, target = team["worker"], team["client"]
    nurse = make_user(Role.HEALTH_PROFESSIONAL, team["unit"])
    bystander = make_user(Role.SOCIAL_COUNSELLOR, team["unit"])
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP INDEX responsible_worker_not_also_other")
        cursor.execute("DROP INDEX sote_contact_not_also_other")
    add_member(target, nurse, TeamRole.SOTE_CONTACT)
    beside_worker = add_member(target, worker, TeamRole.OTHER)
    later = CareTeamMembership.objects.create(
        client=target,
        user=nurse,
        role=TeamRole.OTHER,
        organisation_id=member_organisation(target, nurse),
        created_by=worker,
        started_on=today + datetime.timedelta(days=5),
    )
    alone = add_member(target, bystander, TeamRole.OTHER)
    migration.end_other_beside_lead_role(apps, None)
    beside_worker.refresh_from_db()
    later.refresh_from_db()
    alone.refresh_from_db()
    assert (beside_worker.ended_on, beside_worker.cancelled) == (today, False)
    assert (later.ended_on, later.cancelled) == (today, True)
    assert alone.ended_on is None


# Ending a membership asks for confirmation


def test_ending_a_membership_asks_for_confirmation_first(client, team):
    """The panel links to a page that asks (a plain page and form, no script); only its
    button ends the membership. A POST without the confirmation shows the question again."""
    target, coach = team["client"], team["coach"]
    membership = CareTeamMembership.objects.get(client=target, user=coach)
    end = f"/clients/{target.uuid}/team/{membership.pk}/end/"
    login(client, team["worker"])
    panel = _panel(client.get(f"/clients/{target.uuid}/").content.decode())
    assert f'href="{end}"' in panel and f'action="{end}"' not in panel

    before = AccessLogEntry.objects.count()
    page = client.get(end).content.decode()
    assert f"Päätetäänkö henkilön {coach.get_full_name()} jäsenyys" in page
    assert 'name="confirm"' in page and f'href="/clients/{target.uuid}/"' in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on is None
    logged = AccessLogEntry.objects.order_by("pk")[before:]
    assert [e.action for e in logged] == ["clients.client.viewed"]

    # An old page's direct POST (no confirmation): the question again, nothing ended.
    response = client.post(end)
    assert response.status_code == 200 and "Päätetäänkö henkilön" in response.content.decode()
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on is None
    assert not AccessLogEntry.objects.filter(action="clients.membership.ended").exists()

    response = client.post(end, {"confirm": "True"}, follow=True)
    assert "Jäsenyys päättyi." in response.content.decode()
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on == timezone.localdate()
    assert AccessLogEntry.objects.filter(action="clients.membership.ended").count() == 1
    # Once ended, the page says so and sends back to the client.
    response = client.get(end, follow=True)
    assert "Jäsenyys on jo päättynyt." in response.content.decode()


def test_only_those_who_manage_the_team_reach_the_confirmation(client, team):
    target, coach = team["client"], team["coach"]
    membership = CareTeamMembership.objects.get(client=target, user=coach)
    end = f"/clients/{target.uuid}/team/{membership.pk}/end/"
    login(client, coach)
    assert client.get(end).status_code == 403
    assert client.post(end, {"confirm": "True"}).status_code == 403
    login(client, team["counsellor"])  # outside the team
    assert client.post(end, {"confirm": "True"}).status_code == 404
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on is None
    login(client, team["manager"])
    assert client.post(end, {"confirm": "True"}).status_code == 302
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on is not None


def test_the_responsible_workers_membership_has_no_confirmation_page(client, team):
    membership = CareTeamMembership.objects.get(
        client=team["client"], role=TeamRole.RESPONSIBLE_WORKER
    )
    login(client, team["worker"])
    response = client.get(f"/clients/{team['client'].uuid}/team/{membership.pk}/end/", follow=True)
    assert "päättyy vain siirtämällä vastuu" in response.content.decode()
    assert CareTeamMembership.objects.get(pk=membership.pk).ended_on is None


# A member not yet admitted

WAITING = (
    "alkaa {date}, kun alkupäivänä on tarkistettu, että asiakkaan suostumus tai lakiperuste "
    "kattaa hänen organisaationsa"
)


def _line(panel: str, user) -> str:
    line = re.search(
        rf"<li>\s*<strong>[^<]*</strong>: {user.get_full_name()},.*?</li>", panel, re.S
    )
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", line.group(0)))


@pytest.mark.parametrize("starts_in", [7, 0])
def test_a_member_not_yet_admitted_is_shown_as_waiting_for_the_check(client, team, starts_in):
    """Added from another organisation to start later, the member is admitted by the daily
    task on the start day, once the client's consent still covers their organisation; until
    then, also on the start day itself before the task has run, the panel says so."""
    started_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    CareTeamMembership.objects.filter(client=team["client"], user=team["coach"]).update(
        admitted_at=None, started_on=started_on
    )
    login(client, team["worker"])
    line = _line(
        _panel(client.get(f"/clients/{team['client'].uuid}/").content.decode()), team["coach"]
    )
    assert WAITING.format(date=started_on.strftime("%-d.%-m.%Y")) in line


def test_an_admitted_member_has_no_waiting_status(client, team):
    login(client, team["worker"])
    line = _line(
        _panel(client.get(f"/clients/{team['client'].uuid}/").content.decode()), team["coach"]
    )
    assert "tarkistettu" not in line and "alkaa" not in line
    assert "Päätä jäsenyys" in line
