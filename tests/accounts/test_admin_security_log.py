"""An administrator's most sensitive acts are in the security log (accounts.security_log), on
commit: a role granted, changed, ended or deleted, an account closed or opened again, an
invitation sent; each names the administrator and the user by id, and the role, its unit and
its dates. So a county's monitoring sees an administrator give a client-data role (a manager's)
to a second account of their own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from services.factories import UnitFactory
from tests.accounts.test_admin_organisation_scope import change_url, posted_change_form
from tests.conftest import login

pytestmark = pytest.mark.django_db

ADMIN_EVENTS = {
    "accounts.role_granted",
    "accounts.role_changed",
    "accounts.role_ended",
    "accounts.role_deleted",
    "accounts.user_deactivated",
    "accounts.user_reactivated",
    "accounts.invitation_sent",
}


@pytest.fixture(autouse=True)
def _no_mail_task(monkeypatch):
    from accounts.tasks import send_invitation_task

    monkeypatch.setattr(send_invitation_task, "delay", lambda *args: None)


def _admin_lines(security_log):
    return [line for line in security_log() if line.event in ADMIN_EVENTS]


def add_user_data(unit, **fields):
    return {
        "email": "p.private@example.org",
        "first_name": "P.",
        "last_name": "Yksityinen",
        "organisation": unit.organisation_id,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": 1,
        "role_assignments-INITIAL_FORMS": 0,
        "role_assignments-MIN_NUM_FORMS": 0,
        "role_assignments-MAX_NUM_FORMS": 1000,
        "role_assignments-0-role": Role.MANAGER,
        "role_assignments-0-unit": unit.pk,
        "role_assignments-0-valid_from": "1.1.2026",
        **fields,
    }


def test_a_new_user_with_a_managers_role_is_logged_on_commit(
    client, security_log, django_capture_on_commit_callbacks
):
    unit = UnitFactory()
    admin = make_user(Role.ADMIN, unit)
    login(client, admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:accounts_user_add"), add_user_data(unit))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _admin_lines(security_log) == []  # not before the commit
    for callback in callbacks:
        callback()
    new = User.objects.get(email="p.private@example.org")
    role = new.role_assignments.get()
    granted, invited = _admin_lines(security_log)
    assert granted.event == "accounts.role_granted"
    assert (granted.user_id, granted.target_user_id) == (admin.pk, new.pk)
    assert (granted.role, granted.unit_id, granted.role_assignment_id) == (
        Role.MANAGER,
        unit.pk,
        role.pk,
    )
    assert (granted.valid_from, granted.valid_to) == ("2026-01-01", None)
    assert invited.event == "accounts.invitation_sent"
    assert (invited.user_id, invited.target_user_id) == (admin.pk, new.pk)


def test_roles_changed_ended_and_deleted_and_the_account_closed_are_logged(
    client, security_log, django_capture_on_commit_callbacks
):
    unit = UnitFactory()
    admin = make_user(Role.ADMIN, unit)
    worker = make_user(Role.SOCIAL_WORKER, unit)
    started = worker.role_assignments.get()
    today = timezone.localdate()
    later = RoleAssignment.objects.create(
        user=worker, role=Role.MANAGER, unit=unit, valid_from=today + datetime.timedelta(days=5)
    )
    login(client, admin)

    form = posted_change_form(client, worker)
    index = {form[f"role_assignments-{i}-id"]: i for i in range(2)}
    form[f"role_assignments-{index[started.pk]}-valid_to"] = today.isoformat()
    form[f"role_assignments-{index[later.pk]}-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(worker), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    lines = {line.event: line for line in _admin_lines(security_log)}
    assert set(lines) == {"accounts.role_ended", "accounts.role_deleted"}
    ended, deleted = lines["accounts.role_ended"], lines["accounts.role_deleted"]
    assert (ended.user_id, ended.target_user_id, ended.role_assignment_id) == (
        admin.pk,
        worker.pk,
        started.pk,
    )
    assert (ended.role, ended.unit_id, ended.valid_to, ended.previous_valid_to) == (
        Role.SOCIAL_WORKER,
        unit.pk,
        today.isoformat(),
        None,
    )
    assert (deleted.role, deleted.target_user_id, deleted.role_assignment_id) == (
        Role.MANAGER,
        worker.pk,
        later.pk,
    )

    security_log_before = len(_admin_lines(security_log))
    form = posted_change_form(client, worker, is_active="")
    form["role_assignments-0-valid_to"] = (today + datetime.timedelta(days=1)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(worker), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    new_lines = _admin_lines(security_log)[security_log_before:]
    assert sorted(line.event for line in new_lines) == [
        "accounts.role_changed",
        "accounts.user_deactivated",
    ]
    changed = next(line for line in new_lines if line.event == "accounts.role_changed")
    assert changed.previous_valid_to == today.isoformat()
    closed = next(line for line in new_lines if line.event == "accounts.user_deactivated")
    assert (closed.user_id, closed.target_user_id) == (admin.pk, worker.pk)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(worker), posted_change_form(client, worker))
    assert _admin_lines(security_log)[-1].event == "accounts.user_reactivated"
