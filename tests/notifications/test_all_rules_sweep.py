"""Every app's reminder rules (clients, pathways, consents, consultations) through one
real sweep: each rule finds something in a caseload built to trigger it, a second sweep
writes nothing, and the sweep's queries do not grow with the caseload."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import make_user
from accounts.roles import Role
from clients import reminders as client_rules
from clients.factories import ClientFactory, make_plan, member_organisation
from clients.models import BreakTheGlass, CareTeamMembership, ClientPlan, TeamRole
from consents import actions as consent_actions
from consents.factories import ConsentFactory, kela
from consents.models import Consent
from consultations import actions as consultation_actions
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    local_time,
    make_request,
    make_session,
    put_on_agenda,
)
from consultations.models import Recommendation, Session
from notifications.actions import sweep_reminders
from notifications.models import Reminder, Task
from notifications.rules_registry import registered_rules
from pathways.models import PathwayStep, StepStatus
from services.calendar import add_months
from services.factories import UnitFactory
from services.models import ServiceRuleSet, ServiceType

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
RULE_MODELS = (
    ClientPlan,
    CareTeamMembership,
    BreakTheGlass,
    PathwayStep,
    Consent,
    Task,
    Session,
    Recommendation,
)


def _step(client, code: str, start_on, **fields) -> PathwayStep:
    service_type = ServiceType.objects.get(code=code)
    return PathwayStep.objects.create(
        client=client,
        service_type=service_type,
        rule_set=ServiceRuleSet.objects.in_force(service_type, None, start_on),
        start_on=start_on,
        created_by=client.created_by,
        status=StepStatus.ACTIVE,
        **fields,
    )


@pytest.fixture
def office(worker, unit):
    """The people and the consultation network the caseload needs."""
    today = timezone.localdate()
    coordinator = make_user(Role.COORDINATOR, UnitFactory(organisation=unit.organisation))
    expert = make_user(Role.EMPLOYMENT_EXPERT, UnitFactory())
    network = NetworkFactory(convening_organisation=unit.organisation, created_by=coordinator)
    add_network_member(network, coordinator)
    add_network_member(network, expert)
    held = make_session(
        network,
        coordinator,
        participants=[expert],
        starts_at=local_time(today - 2 * DAY, 8),
        minutes=10 * 60,
    )
    return SimpleNamespace(
        today=today,
        worker=worker,
        coach=make_user(Role.JOB_COACH, unit),
        manager=make_user(Role.MANAGER, unit),
        coordinator=coordinator,
        expert=expert,
        network=network,
        held_session=held,
        sessions_tomorrow=0,
    )


def _caseload(office, size: int) -> None:
    """`size` clients, each due for every rule of every app today."""
    today, worker, coach = office.today, office.worker, office.coach
    for _ in range(size):
        # clients: a responsible worker who left the unit (their role ended yesterday), whose
        # client the unit's manager is told to hand over.
        leaver = make_user(Role.SOCIAL_WORKER, worker.role_assignments.get().unit)
        leaver.role_assignments.update(valid_from=today - 60 * DAY, valid_to=today - DAY)
        ClientFactory(created_by=leaver)
        client = ClientFactory(created_by=worker)
        # clients: a review coming up, a review overdue, a break-the-glass to review.
        make_plan(client, worker, next_review_on=today + 2 * DAY)
        make_plan(client, worker, plan_type="activation_plan", next_review_on=today - 2 * DAY)
        started_at = timezone.now() - datetime.timedelta(hours=1)
        BreakTheGlass.objects.create(
            client=client,
            user=coach,
            role=Role.JOB_COACH,
            unit=client.responsible_unit,
            reason="Testi",
            started_at=started_at,
            expires_at=started_at + datetime.timedelta(hours=1),
        )
        # ... and a coach's membership ending in five days.
        CareTeamMembership.objects.create(
            client=client,
            user=coach,
            role=TeamRole.COACH,
            organisation_id=member_organisation(client, coach),
            created_by=worker,
            started_on=today - 30 * DAY,
            valid_until=today + 5 * DAY,
        )
        # pathways: month 21 of rehabilitative work, steps ending without a next one, IPS,
        # a step's review coming up, a step still open past its planned end.
        _step(client, "rehabilitative_work_activity", add_months(today, -21))
        _step(client, "youth_workshop", today - 60 * DAY, planned_end_on=today + 5 * DAY)
        _step(client, "work_coaching", today - 60 * DAY, coach=coach, review_due=today + 7 * DAY)
        _step(client, "jobcenter_paid_work", today - 20 * DAY, planned_end_on=today + 3 * DAY)
        _step(client, "supported_employment", today - 40 * DAY, coach=coach)
        _step(client, "work_trial", today - 60 * DAY, planned_end_on=today - 2 * DAY)
        # consents: one expiring, one revoked days ago with its parties not yet told.
        ConsentFactory(
            client=client, recorded_by=worker, parties=[kela()], valid_until=today + 10 * DAY
        )
        revoked = ConsentFactory(client=client, recorded_by=worker, parties=[kela()])
        consent_actions.revoke_consent(
            consent=revoked,
            revoked_by=worker,
            revoked_on=today,
            method="phone",
            through="Asiakas",
        )
        Task.objects.filter(client_id=client.uuid).update(created_at=timezone.now() - 4 * DAY)
        # ... and a guardian's consent of a client who comes of age in ten days.
        minor = ClientFactory(created_by=worker, birth=add_months(today + 10 * DAY, -12 * 18))
        ConsentFactory(
            client=minor,
            recorded_by=worker,
            parties=[kela()],
            giver_kind="guardian",
            giver_name="Maija Huoltaja",
            giver_basis="Äiti",
        )
        # consultations: a recommendation coming due, and the client's case tomorrow.
        item = put_on_agenda(make_request(client, worker), office.held_session, minutes=10)
        consultation_actions.add_recommendation(
            item=item, recommended_by=office.coordinator, text="Seuraa.", due_date=today + 3 * DAY
        )
        tomorrow = make_session(
            office.network,
            office.coordinator,
            participants=[office.expert],
            starts_at=local_time(today + DAY, 7)
            + office.sessions_tomorrow * datetime.timedelta(minutes=60),
            minutes=50,
        )
        office.sessions_tomorrow += 1
        put_on_agenda(make_request(client, worker), tomorrow, minutes=20)


def _sweep(today) -> tuple[dict, int]:
    for model in RULE_MODELS:
        ContentType.objects.get_for_model(model)  # cached for the process, as in a worker
    with CaptureQueriesContext(connection) as queries:
        result = sweep_reminders(today=today)
    assert result is not None and result.failed == []
    return result.created, len(queries)


def test_every_apps_rules_fire_once_and_a_second_sweep_creates_no_duplicates(office):
    _caseload(office, 2)
    created, _queries = _sweep(office.today)
    codes = {rule.code for rule in registered_rules()}
    assert {code.split(".", 1)[0] for code in codes} >= {
        "clients",
        "pathways",
        "consents",
        "consultations",
    }
    assert set(created) == codes
    assert all(count > 0 for count in created.values()), created
    count = Reminder.objects.count()
    assert count == sum(created.values()) > 0

    again, _queries = _sweep(office.today)
    assert sum(again.values()) == 0
    assert Reminder.objects.count() == count
    duplicates = (
        Reminder.objects.values("rule", "content_type", "object_id", "due_date", "recipient")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()
    # A reminder whose title names a client says which client, for the inbox's access log.
    from clients.models import Client

    client_uuids = set(Client.objects.values_list("uuid", flat=True))
    for reminder in Reminder.objects.filter(rule__startswith="clients.") | Reminder.objects.filter(
        rule__startswith="pathways."
    ):
        if reminder.rule == client_rules.BREAK_THE_GLASS_REVIEW:
            # Names none: its manager reviews it also after the client has moved on.
            assert reminder.client_id is None
        else:
            assert reminder.client_id in client_uuids, reminder.rule


def test_the_whole_sweep_reads_the_same_number_of_queries_for_2_and_7_clients(office):
    _caseload(office, 2)
    small, small_queries = _sweep(office.today)
    Reminder.objects.all().delete()

    _caseload(office, 5)
    large, large_queries = _sweep(office.today)
    assert all(large[code] > small[code] for code in small), (small, large)
    assert large_queries == small_queries
