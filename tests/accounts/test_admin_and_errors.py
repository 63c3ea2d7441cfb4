"""Administrators invite users (the e-mail sets the password); friendly error pages in the layout."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.factories import make_user
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from tests.conftest import login, totp_code

NEW_PASSWORD = "oma-Pitka-salasana-2048"


# Enrolment commits inside the request, as in production: allauth's authenticator_added,
# sent on commit, then marks the session as having used its second factor.
@pytest.mark.django_db(transaction=True)
def test_an_invited_user_sets_a_password_enrols_totp_and_reaches_the_dashboard(
    client, unit, django_capture_on_commit_callbacks, monkeypatch
):
    from accounts.tasks import send_invitation_task

    # The worker's part, run where the task is enqueued.
    monkeypatch.setattr(
        send_invitation_task, "delay", lambda *args: send_invitation_task.apply(args=args).get()
    )
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    invited = User.objects.create_user(
        "uusi.tyontekija@polku.test",
        None,
        first_name="Uusi",
        last_name="Työntekijä",
        organisation=unit.organisation,
    )
    RoleAssignment.objects.create(user=invited, role=Role.WORK_COACH, unit=unit)
    login(client, admin)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail leaves on commit
        response = client.post(
            "/admin/accounts/user/", {"action": "send_invitation", "_selected_action": [invited.pk]}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["uusi.tyontekija@polku.test"]
    link = next(word for word in message.body.split() if "/accounts/password/reset/key/" in word)

    # The invited user opens the link in their own browser and chooses a password.
    browser = Client()
    page = browser.get(link.replace(settings.POLKU_BASE_URL, ""), follow=True)
    assert page.status_code == 200
    assert not invited.has_usable_password()
    assert not EmailAddress.objects.get(user=invited).verified
    set_password_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = browser.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    invited.refresh_from_db()
    assert invited.check_password(NEW_PASSWORD)
    # Using the link proved the address: allauth enrols MFA only for a verified one.
    assert EmailAddress.objects.get(user=invited).verified
    # The link is single-use.
    again = browser.get(link.replace(settings.POLKU_BASE_URL, ""), follow=True)
    assert again.context["token_fail"]

    # Signing in with the new password: no second step yet, and nothing but enrolment.
    response = browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    response = browser.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The password was typed a moment ago: enrolment does not ask for it again.
    page = browser.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = browser.session[SECRET_SESSION_KEY]
    response = browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=invited, type=Authenticator.Type.TOTP).exists()

    dashboard = browser.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    text = dashboard.content.decode()
    assert invited.get_full_name() in text
    assert "Työvalmentaja" in text

    # The next sign-in asks for the code from the enrolled authenticator.
    browser.post(reverse("account_logout"))
    response = browser.post("/accounts/login/", {"login": invited.email, "password": NEW_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert browser.get(reverse("dashboard")).status_code == 200


def test_administrators_see_only_their_own_organisations_users(client, unit):
    from services.factories import UnitFactory

    admin = make_user(Role.ADMIN, unit, is_staff=True)
    own = make_user(Role.SOCIAL_WORKER, unit)
    other = make_user(Role.SOCIAL_WORKER, UnitFactory())
    login(client, admin)
    page = client.get("/admin/accounts/user/").content.decode()
    assert own.email in page and other.email not in page


def _user_change_form(user, roles: list[dict]) -> dict:
    """The admin's change form of `user` as posted: its fields, its existing role memberships
    and `roles` as new rows of the inline."""
    existing = list(user.role_assignments.order_by("pk"))
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation_id,
        "preferred_language": "fi",
        "email_digest": "on",
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": len(existing) + len(roles),
        "role_assignments-INITIAL_FORMS": len(existing),
        "role_assignments-MIN_NUM_FORMS": 0,
        "role_assignments-MAX_NUM_FORMS": 1000,
    }
    rows = [
        {"id": a.pk, "user": user.pk, "role": a.role, "unit": a.unit_id, "valid_from": a.valid_from}
        for a in existing
    ] + [{"user": user.pk, "valid_from": "2026-01-01", **row} for row in roles]
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"role_assignments-{index}-{name}"] = value
    return data


def test_an_administrator_grants_a_colleague_a_role_and_the_history_names_who(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    login(client, admin)
    response = client.post(
        f"/admin/accounts/user/{colleague.pk}/change/",
        _user_change_form(colleague, [{"role": Role.MANAGER, "unit": unit.pk}]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    granted = colleague.role_assignments.get(role=Role.MANAGER)
    event = RoleAssignment.pgh_event_model.objects.get(pgh_obj=granted)
    assert (event.pgh_label, event.role, event.unit_id) == ("insert", Role.MANAGER, unit.pk)
    assert event.pgh_context.metadata["user"] == admin.pk


def test_an_administrator_cannot_grant_themselves_a_role(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    login(client, admin)
    page = client.get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert 'name="role_assignments-TOTAL_FORMS"' in page  # the roles are shown, read-only
    assert 'name="role_assignments-0-role"' not in page
    response = client.post(
        f"/admin/accounts/user/{admin.pk}/change/",
        _user_change_form(admin, [{"role": Role.MANAGER, "unit": unit.pk}]),
    )
    assert response.status_code == 302
    assert list(admin.role_assignments.values_list("role", flat=True)) == [Role.ADMIN]


def test_a_removed_role_stays_in_the_history(unit):
    worker = make_user(Role.SOCIAL_WORKER, unit)
    assignment_id = worker.role_assignments.get().pk
    RoleAssignment.objects.filter(pk=assignment_id).delete()
    labels = list(
        RoleAssignment.pgh_event_model.objects.filter(pgh_obj_id=assignment_id)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "delete"]


def test_a_missing_page_answers_404_in_the_layout(client, social_worker):
    login(client, social_worker)
    response = client.get("/clients/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Sivua ei löytynyt" in text and 'class="polku-header"' in text and 'href="#main"' in text


def test_the_open_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "x@polku.test", "password1": "salasana-pitka-123"}
    )
    assert not User.objects.filter(email="x@polku.test").exists()
    assert response.status_code in (200, 302, 403)


def test_a_user_turns_off_the_morning_digest_and_changes_language(client, social_worker):
    login(client, social_worker)
    response = client.post("/profile/", {"preferred_language": "sv", "phone": "040 1112223"})
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert (social_worker.preferred_language, social_worker.email_digest) == ("sv", False)
    assert response.cookies["django_language"].value == "sv"


def test_the_administrator_finds_the_administration_in_the_menu_and_others_do_not(client, unit):
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    menu = '<a href="/admin/"'
    assert menu in login(client, admin).get(reverse("dashboard")).content.decode()
    worker = make_user(Role.SOCIAL_WORKER, unit)
    assert menu not in login(client, worker).get(reverse("dashboard")).content.decode()


def test_the_administration_is_in_finnish_also_where_djangos_own_catalogue_is_not(client, unit):
    """Django 6's newest admin strings lack a Finnish translation in Django itself:
    Polku's locale/fi supplies them."""
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    page = login(client, admin).get("/admin/accounts/user/").content.decode()
    for english in ("Search käyttäjät", "Pagination käyttäjät", ">Run<"):
        assert english not in page
    assert "Hae: käyttäjät" in page and ">Suorita<" in page
    # Polku's icon, so the browser does not ask for a /favicon.ico that is not there.
    assert '<link rel="icon" href="/static/polku/favicon.svg" type="image/svg+xml">' in page


def test_ending_a_role_before_it_began_is_told_next_to_the_end_date(client, unit):
    """The database refuses it too, but its check names only the constraint
    ("role_assignment_valid_period"), above the whole role form."""
    admin = make_user(Role.ADMIN, unit, is_staff=True)
    colleague = make_user(Role.SOCIAL_WORKER, unit)
    login(client, admin)
    response = client.post(
        f"/admin/accounts/user/{colleague.pk}/change/",
        _user_change_form(
            colleague,
            [
                {
                    "role": Role.MANAGER,
                    "unit": unit.pk,
                    "valid_from": "2026-03-01",
                    "valid_to": "2026-02-01",
                }
            ],
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "role_assignment_valid_period" not in page
    assert (
        '<ul class="errorlist" id="id_role_assignments-1-valid_to_error">'
        "<li>Päättymispäivä ei voi olla ennen alkamispäivää.</li></ul>"
    ) in page
    assert not colleague.role_assignments.filter(role=Role.MANAGER).exists()


def test_the_user_list_filters_by_the_role_held_today(client, unit):
    """A role that ended gives no access: filtering the users by role lists those who hold it
    now, not everyone who ever did."""
    import datetime

    from django.utils import timezone

    admin = make_user(Role.ADMIN, unit, is_staff=True)
    current = make_user(Role.MANAGER, unit, email="nykyinen.esihenkilo@polku.test")
    former = make_user(Role.SOCIAL_WORKER, unit, email="entinen.esihenkilo@polku.test")
    today = timezone.localdate()
    RoleAssignment.objects.create(
        user=former,
        role=Role.MANAGER,
        unit=unit,
        valid_from=today - datetime.timedelta(days=400),
        valid_to=today - datetime.timedelta(days=1),
    )
    login(client, admin)
    response = client.get("/admin/accounts/user/", {"role": Role.MANAGER})
    page = response.content.decode()
    assert response.status_code == 200
    assert current.email in page and former.email not in page
    assert "voimassa oleva rooli" in page
