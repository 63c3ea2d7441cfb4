"""A role that has begun is ended in the admin (its last day), not deleted: deleting it would
take its holder out of the organisation's users, and their access log out of its data
protection officer's reach. A role still to begin may be deleted as a mistake."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.factories import make_user
from accounts.models import RoleAssignment
from accounts.roles import Role
from audit.access import organisation_users
from services.factories import UnitFactory
from tests.accounts.test_admin_organisation_scope import change_url, posted_change_form
from tests.conftest import acting, login

pytestmark = pytest.mark.django_db

REFUSED = (
    "Alkanutta roolia ei voi poistaa: päätä se antamalla sille päättymispäivä. Roolin myötä "
    "käyttäjä ja hänen lokitietonsa katoaisivat organisaation tietosuojavastaavan näkyvistä."
)


@pytest.fixture
def outsider_in_a():
    """A user homed in B who also works in a unit of A; A's administrator and DPO."""
    unit_a, unit_b = UnitFactory(), UnitFactory()
    outsider = make_user(Role.SOCIAL_WORKER, unit_b)
    role_in_a = RoleAssignment.objects.create(
        user=outsider, role=Role.SOCIAL_WORKER, unit=unit_a, valid_from=timezone.localdate()
    )
    admin_a = make_user(Role.ADMIN, unit_a)
    dpo_a = acting(make_user(Role.DPO, unit_a))
    return outsider, role_in_a, admin_a, dpo_a


def _delete_box(page: str, index: int) -> str:
    match = re.search(rf'<input[^>]*name="role_assignments-{index}-DELETE"[^>]*>', page)
    return match.group(0) if match else ""


def test_a_role_that_has_begun_is_not_deleted(client, outsider_in_a):
    outsider, role_in_a, admin_a, dpo_a = outsider_in_a
    login(client, admin_a)
    page = client.get(change_url(outsider)).content.decode()
    assert "disabled" in _delete_box(page, 0)
    form = posted_change_form(client, outsider)
    form["role_assignments-0-DELETE"] = "on"  # posted anyway (a page opened earlier)
    response = client.post(change_url(outsider), form)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert RoleAssignment.objects.filter(pk=role_in_a.pk).exists()
    assert outsider in organisation_users(dpo_a)
    # Ended instead, it stays the DPO's to read.
    today = timezone.localdate()  # it began today: its last day is today at the earliest
    form = posted_change_form(client, outsider)
    form["role_assignments-0-valid_to"] = today.isoformat()
    response = client.post(change_url(outsider), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    role_in_a.refresh_from_db()
    assert role_in_a.valid_to == today
    assert outsider in organisation_users(dpo_a)


def test_a_role_still_to_begin_is_deleted(client, outsider_in_a):
    outsider, role_in_a, admin_a, _ = outsider_in_a
    RoleAssignment.objects.filter(pk=role_in_a.pk).update(
        valid_from=timezone.localdate() + datetime.timedelta(days=1)
    )
    login(client, admin_a)
    page = client.get(change_url(outsider)).content.decode()
    assert _delete_box(page, 0) and "disabled" not in _delete_box(page, 0)
    form = posted_change_form(client, outsider)
    form["role_assignments-0-DELETE"] = "on"
    response = client.post(change_url(outsider), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not RoleAssignment.objects.filter(pk=role_in_a.pk).exists()


def test_a_role_that_has_begun_keeps_its_start_role_and_unit(client, outsider_in_a):
    """Its start is not moved ahead (which would open its delete box), nor its role or unit
    changed: a changed value posted is ignored, and the delete that follows still refused."""
    outsider, role_in_a, admin_a, dpo_a = outsider_in_a
    login(client, admin_a)
    page = client.get(change_url(outsider)).content.decode()
    start = re.search(r'<input[^>]*name="role_assignments-0-valid_from"[^>]*>', page).group(0)
    assert "disabled" in start
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    form = posted_change_form(client, outsider)
    form["role_assignments-0-valid_from"] = tomorrow.isoformat()
    form["role_assignments-0-role"] = Role.SOCIAL_COUNSELLOR
    response = client.post(change_url(outsider), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    role_in_a.refresh_from_db()
    assert (role_in_a.valid_from, role_in_a.role) == (timezone.localdate(), Role.SOCIAL_WORKER)
    form = posted_change_form(client, outsider)
    form["role_assignments-0-DELETE"] = "on"
    response = client.post(change_url(outsider), form)
    assert REFUSED in response.content.decode()
    assert outsider in organisation_users(dpo_a)
