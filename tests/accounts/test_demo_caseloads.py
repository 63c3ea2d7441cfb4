"""Every demo login finds a believable caseload in each of its roles (or none, where the role sees no client)."""

import pytest
from django.core.management import call_command

from accounts.demo import demo_email
from accounts.models import RoleAssignment, User
from accounts.roles import NO_CLIENT_DATA_ROLES, Role
from clients import identity
from clients.models import CareTeamMembership, Client
from tests.conftest import acting

MINIMUM_CASELOAD = 2


def _caseloads():
    """(e-mail, role, unit) -> how many clients the user finds in that role."""
    found = {}
    for role in Role.values:
        user = User.objects.get(email=demo_email(role))
        for assignment in RoleAssignment.objects.current().for_user(user).order_by("pk"):
            acting(user, assignment)
            found[(user.email, assignment.role, assignment.unit.slug)] = Client.objects.for_user(
                user
            ).count()
    return found


@pytest.mark.django_db
def test_every_demo_login_has_a_caseload_in_each_of_its_roles():
    call_command("seed_demo")
    caseloads = _caseloads()
    assert len(caseloads) > len(Role.values)  # the manager's second role is among them
    for (email, role, unit), count in caseloads.items():
        if role in NO_CLIENT_DATA_ROLES:
            assert count == 0, (email, unit)
        else:
            assert count >= MINIMUM_CASELOAD, (email, role, unit, count)


@pytest.mark.django_db
def test_the_caseloads_are_the_same_after_a_second_run_and_codes_stay_temporary():
    call_command("seed_demo")
    first = (_caseloads(), CareTeamMembership.objects.count())
    call_command("seed_demo")
    assert (_caseloads(), CareTeamMembership.objects.count()) == first
    for token in Client.objects.values_list("identity_code_encrypted", flat=True):
        code = identity.decrypt(token)
        assert 900 <= int(code[7:10]) <= 999, identity.mask(code)


@pytest.mark.django_db
def test_the_youth_workshop_coach_coaches_young_adults():
    call_command("seed_demo")
    coach = acting(User.objects.get(email=demo_email(Role.WORKSHOP_COACH)))
    ages = [client.age for client in Client.objects.for_user(coach)]
    assert len(ages) >= MINIMUM_CASELOAD
    assert max(ages) <= 29


@pytest.mark.django_db
def test_demo_clients_were_registered_before_their_plans_notes_and_steps():
    """The manager's report reads lead times from the registration day: the demo's clients
    have a past, the same after a second run."""
    import datetime
    import statistics

    from django.utils import timezone

    call_command("seed_demo")
    registered = {
        pk: timezone.localtime(at).date()
        for pk, at in Client.objects.values_list("pk", "created_at")
    }
    today = timezone.localdate()
    assert all(day < today for day in registered.values())
    lead_times = []
    for client in Client.objects.prefetch_related("plans", "notes", "pathway_steps"):
        day = registered[client.pk]
        plans = [timezone.localtime(plan.created_at).date() for plan in client.plans.all()]
        assert all(day <= plan for plan in plans), client
        assert all(day <= note.written_on for note in client.notes.all()), client
        assert all(day <= step.start_on for step in client.pathway_steps.all()), client
        first = CareTeamMembership.objects.filter(client=client, role="responsible_worker")
        assert first.order_by("pk").first().started_on == day
        if plans:
            lead_times.append((min(plans) - day).days)
    assert statistics.median(lead_times) >= 5
    call_command("seed_demo")
    assert dict(Client.objects.values_list("pk", "created_at")) == {
        pk: timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        for pk, day in registered.items()
    }
