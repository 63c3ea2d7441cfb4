"""The attendance grid posts its week by htmx. Sent in a chosen role that has ended since the
grid was opened, the week is not saved, and htmx is answered with the whole refusal page
(accounts.middleware.ActiveRoleMiddleware) in place of the page, showing back what was typed,
not sent to the dashboard with the week lost."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT
from accounts.models import RoleAssignment
from accounts.roles import Role
from pathways.factories import make_step
from pathways.models import Attendance
from services.factories import UnitFactory
from tests.conftest import login_acting

DAY = datetime.timedelta(days=1)


@pytest.fixture
def open_work(worker, client_of, monday):
    return make_step(
        client_of(),
        "open_work",
        created_by=worker,
        start_on=monday - datetime.timedelta(days=30),
        daily_compensation=Decimal(10),
        effects_discussed_on=monday - datetime.timedelta(days=30),
    )


@pytest.fixture
def grid_sent_in_ended_role(client, worker, open_work, monday):
    """Posts a week, by htmx, in the worker's chosen role that ended yesterday (another role
    of theirs is still current); returns the response."""
    home = worker.active_assignment
    RoleAssignment.objects.create(
        user=worker, role=Role.SOCIAL_WORKER, unit=UnitFactory(name_fi="Toinen yksikkö")
    )
    login_acting(client, worker, home)
    yesterday = timezone.localdate() - DAY
    RoleAssignment.objects.filter(pk=home.pk).update(
        valid_from=yesterday - datetime.timedelta(days=7), valid_to=yesterday
    )
    iso = monday.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    monday_key, tuesday_key = monday.isoformat(), (monday + DAY).isoformat()
    return client.post(
        f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/attendance/?week={week}",
        {
            "week": week,
            f"{monday_key}-status": "present",
            f"{monday_key}-hours": "4.5",
            f"{monday_key}-compensation": "12.50",
            f"{monday_key}-shown": "",
            f"{tuesday_key}-status": "absent",
            f"{tuesday_key}-reason": "sick",
            f"{tuesday_key}-shown": "",
        },
        headers={
            "HX-Request": "true",
            "HX-Target": "attendance-grid",
            "HX-Current-URL": f"http://testserver/clients/{open_work.client.uuid}/",
        },
    )


def test_the_week_sent_by_htmx_in_an_ended_role_is_shown_back_as_a_whole_page(
    client, grid_sent_in_ended_role, open_work
):
    response = grid_sent_in_ended_role
    # htmx swaps no 4xx answer under Polku's responseHandling: 200, and the page in place
    # of the whole body, not in the grid, with the address left as it is.
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert response["HX-Retarget"] == "body"
    assert response["HX-Reswap"].startswith("innerHTML")
    assert response["HX-Reselect"] == "unset"
    assert response["HX-Push-Url"] == "false"
    page = response.content.decode()
    assert "<title>Lomaketta ei tallennettu – Polku</title>" in page
    assert '<h1 tabindex="-1" autofocus>Lomaketta ei tallennettu</h1>' in page
    assert ">\n4.5</textarea>" in page
    assert ">\n12.50</textarea>" in page
    assert ">\nsick</textarea>" in page
    assert not Attendance.objects.filter(step=open_work).exists()
    assert SESSION_ACTIVE_ASSIGNMENT not in client.session


def test_the_plain_post_of_the_grid_keeps_its_409(client, worker, open_work, monday):
    home = worker.active_assignment
    RoleAssignment.objects.create(
        user=worker, role=Role.SOCIAL_WORKER, unit=UnitFactory(name_fi="Toinen yksikkö")
    )
    login_acting(client, worker, home)
    RoleAssignment.objects.filter(pk=home.pk).update(
        valid_from=monday - datetime.timedelta(days=7), valid_to=timezone.localdate() - DAY
    )
    key = monday.isoformat()
    response = client.post(
        f"/clients/{open_work.client.uuid}/steps/{open_work.pk}/attendance/",
        {f"{key}-status": "absent", f"{key}-reason": "sick"},
    )
    assert response.status_code == 409
    assert "HX-Retarget" not in response
    assert not Attendance.objects.filter(step=open_work).exists()
