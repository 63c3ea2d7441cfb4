"""The admin's users are those of the organisation of the administrator's active role (not of
their account's home organisation): homed there or holding a role in one of its units. Only
the roles in its own units are changed there; an account homed elsewhere is read-only."""

import re

import pytest
from django.urls import reverse

from accounts.factories import make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from services.factories import UnitFactory
from tests.conftest import login, login_acting

pytestmark = pytest.mark.django_db


def change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def posted_change_form(client, user, *, roles: list[dict] = (), **fields) -> dict:
    """The change form of `user` as the browser posts it after the administrator opened it:
    the account's fields (`fields` changed), the role forms the page shows, and `roles` as
    new rows."""
    page = client.get(change_url(user)).content.decode()
    shown_ids = [
        int(pk) for pk in re.findall(r'name="role_assignments-\d+-id" value="(\d+)"', page)
    ]
    shown = [RoleAssignment.objects.get(pk=pk) for pk in shown_ids]
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation_id,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        **fields,
        "role_assignments-TOTAL_FORMS": len(shown) + len(roles),
        "role_assignments-INITIAL_FORMS": len(shown),
        "role_assignments-MIN_NUM_FORMS": 0,
        "role_assignments-MAX_NUM_FORMS": 1000,
    }
    rows = [
        {
            "id": a.pk,
            "user": user.pk,
            "role": a.role,
            "unit": a.unit_id,
            "valid_from": a.valid_from,
            "valid_to": a.valid_to or "",
        }
        for a in shown
    ] + [{"user": user.pk, "valid_from": "2026-01-01", **row} for row in roles]
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"role_assignments-{index}-{name}"] = value
    return {key: value for key, value in data.items() if value is not None}


def test_an_administrator_of_another_organisation_than_their_home_manages_that_one(client):
    """U works in organisation A (their home) and is made the administrator of B: acting as
    B's administrator, U sees B's users, not A's, and gives no A colleague a role in A."""
    unit_a, unit_b = UnitFactory(), UnitFactory()
    person = make_user(Role.SOCIAL_WORKER, unit_a, email="u@polku.test")
    admin_role = person.role_assignments.create(role=Role.ADMIN, unit=unit_b)
    colleague_in_a = make_user(Role.SOCIAL_WORKER, unit_a, email="kollega.a@polku.test")
    user_of_b = make_user(Role.SOCIAL_WORKER, unit_b, email="tyontekija.b@polku.test")
    login_acting(client, person, admin_role)

    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert user_of_b.email in page
    assert colleague_in_a.email not in page

    # No way to the A colleague: their page is "no such user", a post changes nothing.
    assert client.get(change_url(colleague_in_a)).status_code == 302
    form = posted_change_form(client, user_of_b)  # any posted form; the target is A's user
    form.update(
        {
            "email": colleague_in_a.email,
            "organisation": unit_a.organisation_id,
            "role_assignments-TOTAL_FORMS": 1,
            "role_assignments-INITIAL_FORMS": 0,
            "role_assignments-0-user": colleague_in_a.pk,
            "role_assignments-0-role": Role.MANAGER,
            "role_assignments-0-unit": unit_a.pk,
            "role_assignments-0-valid_from": "2026-01-01",
        }
    )
    client.post(change_url(colleague_in_a), form)
    assert not colleague_in_a.role_assignments.filter(role=Role.MANAGER).exists()

    # Nor a role in A's units to B's own users: A's units are not among the choices.
    response = client.post(
        change_url(user_of_b),
        posted_change_form(client, user_of_b, roles=[{"role": Role.MANAGER, "unit": unit_a.pk}]),
    )
    assert response.status_code == 200
    assert not user_of_b.role_assignments.filter(role=Role.MANAGER).exists()
    # In B's units it is theirs to grant.
    response = client.post(
        change_url(user_of_b),
        posted_change_form(client, user_of_b, roles=[{"role": Role.MANAGER, "unit": unit_b.pk}]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user_of_b.role_assignments.filter(role=Role.MANAGER, unit=unit_b).exists()

    # The user list's role filter counts roles held in B's units only.
    make_user(Role.MANAGER, unit_a, email="esihenkilo.a@polku.test")
    listed = client.get(reverse("admin:accounts_user_changelist"), {"role": Role.MANAGER})
    assert [u.email for u in listed.context["cl"].result_list] == [user_of_b.email]


@pytest.fixture
def two_organisations():
    """V is homed in A (a social worker there) and also coaches in a unit of B; each
    organisation has its administrator."""
    unit_a, unit_b = UnitFactory(), UnitFactory()
    v = make_user(Role.SOCIAL_WORKER, unit_a, email="v@polku.test", first_name="Veera")
    role_in_b = v.role_assignments.create(role=Role.WORK_COACH, unit=unit_b)
    admin_a = make_user(Role.ADMIN, unit_a, email="admin.a@polku.test")
    admin_b = make_user(Role.ADMIN, unit_b, email="admin.b@polku.test")
    return unit_a, unit_b, v, role_in_b, admin_a, admin_b


def test_the_administrator_of_the_organisation_a_user_also_works_for_ends_that_role(
    client, two_organisations
):
    unit_a, _, v, role_in_b, _, admin_b = two_organisations
    role_in_a = v.role_assignments.get(unit=unit_a)
    login(client, admin_b)

    assert v.email in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    page = client.get(change_url(v))
    assert page.status_code == 200
    text = page.content.decode()
    # B's role is a form; A's is listed read-only, with A named.
    role_rows = re.findall(r'name="role_assignments-\d+-id"[^>]*value="(\d+)"', text)
    assert role_rows == [str(role_in_b.pk)]
    assert "Roolit muiden organisaatioiden yksiköissä" in text
    assert f"{role_in_a} ({unit_a.organisation})" in text
    # The account itself is A's: read-only here.
    assert 'name="first_name"' not in text and 'name="is_active"' not in text

    form = posted_change_form(client, v, first_name="Muutettu", is_active="")
    form["role_assignments-0-valid_to"] = "2026-12-31"
    response = client.post(change_url(v), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    role_in_b.refresh_from_db()
    v.refresh_from_db()
    assert str(role_in_b.valid_to) == "2026-12-31"
    assert (v.first_name, v.is_active) == ("Veera", True)  # not B's to change
    assert v.role_assignments.get(unit=unit_a).valid_to is None

    # Nor is deleting the account, inviting it or removing its second factors.
    assert client.get(reverse("admin:accounts_user_delete", args=[v.pk])).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_invitation", "_selected_action": [v.pk]},
        follow=True,
    )
    assert not v.invitations.exists()
    assert (
        f"Käyttäjän {v.email} tunnusta hoitaa hänen organisaationsa ({unit_a.organisation}) "
        "pääkäyttäjä."
    ) in [str(m) for m in response.context["messages"]]


def test_the_home_administrator_neither_changes_nor_deletes_a_role_elsewhere_but_saves_the_user(
    client, two_organisations
):
    """A's administrator deactivates a leaver V: saving V no longer fails on V's role in B
    (a unit not among A's choices), and that role is neither changed nor deleted by A."""
    unit_a, unit_b, v, role_in_b, admin_a, _ = two_organisations
    login(client, admin_a)
    response = client.post(change_url(v), posted_change_form(client, v, is_active=""))
    assert "Valitse oikea vaihtoehto" not in response.content.decode()
    assert response.status_code == 302
    v.refresh_from_db()
    assert not v.is_active
    text = client.get(change_url(v)).content.decode()
    # B's role is no editable row (no hidden id input of the inline); A's own role is one.
    # Matched on the inline's id input: a bare value="<pk>" may be another object's id.
    role_rows = re.findall(r'name="role_assignments-\d+-id"[^>]*value="(\d+)"', text)
    assert str(v.role_assignments.get(unit=unit_a).pk) in role_rows
    assert str(role_in_b.pk) not in role_rows
    assert f"{role_in_b} ({unit_b.organisation})" in text

    # A forged row for B's role, deleting it or moving it: nothing of it changes.
    form = posted_change_form(client, v)
    index = form["role_assignments-TOTAL_FORMS"]
    form.update(
        {
            "role_assignments-TOTAL_FORMS": index + 1,
            "role_assignments-INITIAL_FORMS": form["role_assignments-INITIAL_FORMS"] + 1,
            f"role_assignments-{index}-id": role_in_b.pk,
            f"role_assignments-{index}-user": v.pk,
            f"role_assignments-{index}-role": Role.MANAGER,
            f"role_assignments-{index}-unit": unit_a.pk,
            f"role_assignments-{index}-valid_from": role_in_b.valid_from,
            f"role_assignments-{index}-DELETE": "on",
        }
    )
    client.post(change_url(v), form)
    role_in_b.refresh_from_db()
    assert (role_in_b.role, role_in_b.unit_id, role_in_b.valid_to) == (
        Role.WORK_COACH,
        unit_b.pk,
        None,
    )
    # Deleting V would delete the role in B too: refused, V is deactivated instead.
    assert client.get(reverse("admin:accounts_user_delete", args=[v.pk])).status_code == 403
    assert User.objects.filter(pk=v.pk).exists()
