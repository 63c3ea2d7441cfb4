from accounts.roles import Role
from clients.models import CareTeamMembership, TeamRole
from tests.permissions.matrix import ALL_ROLES, Row

R = Role
CLIENT_WORKERS = ALL_ROLES - {R.ADMIN, R.DPO}
TEAM = frozenset({R.SOCIAL_WORKER, R.HEALTH_PROFESSIONAL, R.COORDINATOR, R.WORK_COACH})
VISIBLE = TEAM | {R.MANAGER}
RESPONSIBLE_OR_SOTE = frozenset({R.SOCIAL_WORKER, R.HEALTH_PROFESSIONAL})
RESPONSIBLE_OR_MANAGER = frozenset({R.SOCIAL_WORKER, R.MANAGER})


def client_kwargs(world):
    return {"client_id": world.client.uuid}


def client_row(
    allowed, *, method="GET", kwargs=client_kwargs, logs="clients.client.viewed", **options
):
    """A row for a URL of the world's client: roles that see it but are not allowed get 403.

    A GET of it writes the access-log row `logs`.
    """
    allowed = frozenset(allowed)
    return Row(
        allowed=allowed,
        forbidden=VISIBLE - allowed,
        method=method,
        kwargs=kwargs,
        client_url=True,
        logs=logs if method == "GET" else None,
        **options,
    )


def temporary_code_kwargs(world):
    """The world's client as registered with a temporary identity code."""
    from clients.models import Client

    Client.objects.filter(pk=world.client.pk).update(identity_code_is_temporary=True)
    return client_kwargs(world)


def plan_kwargs(world):
    from clients.factories import make_plan

    plan = make_plan(world.client, world.users[R.SOCIAL_WORKER])
    return {"client_id": world.client.uuid, "plan_id": plan.pk}


def goal_kwargs(world):
    from clients.factories import make_plan

    plan = make_plan(world.client, world.users[R.SOCIAL_WORKER])
    goal = plan.goals.order_by("position").first()
    return {"client_id": world.client.uuid, "plan_id": plan.pk, "goal_id": goal.pk}


def note_kwargs(world):
    from clients.factories import make_note

    note = make_note(world.client, world.users[R.SOCIAL_WORKER])
    return {"client_id": world.client.uuid, "note_id": note.pk}


def assessment_kwargs(world):
    from clients.models import ServiceNeedAssessment

    # One in progress per client (assessment_one_in_progress): each role's row reuses it.
    assessment, _created = ServiceNeedAssessment.objects.get_or_create(
        client=world.client,
        completed_on=None,
        defaults={"author": world.users[R.SOCIAL_WORKER]},
    )
    return {"client_id": world.client.uuid, "assessment_id": assessment.pk}


def membership_kwargs(world):
    membership = CareTeamMembership.objects.get(client=world.client, role=TeamRole.COACH)
    return {"client_id": world.client.uuid, "membership_id": membership.pk}


def btg_event_kwargs(world):
    from django.utils import timezone

    from clients.models import BreakTheGlass

    event = BreakTheGlass.objects.create(
        client=world.client,
        user=world.users[R.SOCIAL_COUNSELLOR],
        role=R.SOCIAL_COUNSELLOR,
        unit=world.client.responsible_unit,
        reason="Asiakas soitti kiireellisesti.",
        expires_at=timezone.now() + timezone.timedelta(hours=1),
    )
    return {"event_id": event.pk}


ROWS = {
    # List pages name clients: each one shown is a list hit (tests/test_access_logging.py).
    "clients:handover": Row(
        allowed=frozenset({R.MANAGER}), denied_status=403, logs="clients.client.listed"
    ),
    "clients:request_access": Row(
        allowed=frozenset({R.SOCIAL_WORKER, R.SOCIAL_COUNSELLOR, R.EMPLOYMENT_EXPERT}),
        denied_status=403,
        method="POST",
        data=lambda world: {"identity_code": "131052-932X", "reason": "Asiakas asioi luonani."},
        allowed_status=302,
    ),
    "clients:list": Row(allowed=CLIENT_WORKERS, denied_status=403, logs="clients.client.listed"),
    "clients:find": Row(
        allowed=CLIENT_WORKERS,
        denied_status=403,
        method="POST",
        data=lambda world: {"identity_code": "010594Y9032"},
    ),
    "clients:register": Row(
        allowed=frozenset({R.SOCIAL_WORKER, R.SOCIAL_COUNSELLOR, R.EMPLOYMENT_EXPERT}),
        denied_status=403,
    ),
    "clients:break_the_glass_review": Row(
        allowed=frozenset({R.MANAGER, R.DPO}), denied_status=403, logs="clients.client.listed"
    ),
    "clients:review_break_the_glass": Row(
        allowed=frozenset({R.MANAGER, R.DPO}),
        denied_status=403,
        method="POST",
        kwargs=btg_event_kwargs,
        allowed_status=302,
    ),
    "clients:detail": client_row(VISIBLE),
    "clients:edit": client_row(RESPONSIBLE_OR_SOTE),
    "clients:reveal_identity_code": client_row(RESPONSIBLE_OR_SOTE | {R.MANAGER}, method="POST"),
    "clients:replace_identity_code": client_row(RESPONSIBLE_OR_SOTE, kwargs=temporary_code_kwargs),
    "clients:close": client_row(RESPONSIBLE_OR_MANAGER),
    # The world's client is open: the allowed roles are sent back with "already open".
    "clients:reopen": client_row(RESPONSIBLE_OR_MANAGER, method="POST", allowed_status=302),
    "clients:add_member": client_row(RESPONSIBLE_OR_MANAGER),
    # The confirmation page; its POST ends the membership (tests/clients/test_team_panel.py).
    "clients:end_member": client_row(RESPONSIBLE_OR_MANAGER, kwargs=membership_kwargs),
    "clients:member_period": client_row(RESPONSIBLE_OR_MANAGER, kwargs=membership_kwargs),
    "clients:transfer": client_row(RESPONSIBLE_OR_MANAGER),
    # Break the glass: the unit's social counsellor and employment expert (not on the team) may;
    # team members are sent to the page they already see; everyone else gets 404.
    "clients:break_the_glass": Row(
        allowed=frozenset({R.SOCIAL_COUNSELLOR, R.EMPLOYMENT_EXPERT}),
        kwargs=client_kwargs,
        client_url=True,
        special=dict.fromkeys(VISIBLE, 302),
        logs="",  # the form shows no client data; the break itself is logged by its action
    ),
    "clients:plan_create": client_row(RESPONSIBLE_OR_SOTE),
    "clients:plan_detail": client_row(TEAM, kwargs=plan_kwargs, logs="clients.plan.viewed"),
    "clients:plan_revise": client_row(
        RESPONSIBLE_OR_SOTE, kwargs=plan_kwargs, logs="clients.plan.viewed"
    ),
    "clients:goal_status": client_row(
        RESPONSIBLE_OR_SOTE,
        method="POST",
        kwargs=goal_kwargs,
        data=lambda world: {"status": "in_progress"},
        allowed_status=302,
    ),
    "clients:assessment_list": client_row(TEAM, logs="clients.assessments.viewed"),
    "clients:assessment_detail": client_row(
        TEAM, kwargs=assessment_kwargs, logs="clients.assessment.viewed"
    ),
    "clients:assessment_create": client_row(RESPONSIBLE_OR_SOTE),
    "clients:assessment_edit": client_row(
        RESPONSIBLE_OR_SOTE, kwargs=assessment_kwargs, logs="clients.assessment.viewed"
    ),
    "clients:note_list": client_row(TEAM, logs="clients.notes.viewed"),
    "clients:note_create": client_row(TEAM),
    "clients:note_edit": client_row(frozenset({R.SOCIAL_WORKER}), kwargs=note_kwargs),
}
