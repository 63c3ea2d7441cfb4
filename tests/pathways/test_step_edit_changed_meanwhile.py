"""Two workers open the edit form of the same step: the one who saves second does not
silently overwrite the first one's change. The form carries the plan as it was shown
(`PathwayStep.plan_state`, a hidden field), and `update_step` compares it with the plan on
the locked row: a plan changed meanwhile is refused, nothing saved, the user's typed values
kept on the form, which now carries the plan as it is."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.models import PathwayStep
from tests.conftest import login
from tests.pathways.test_step_rules import service

CHANGED_MEANWHILE = (
    "Joku muu muutti jaksoa sen jälkeen, kun avasit lomakkeen, joten muutoksiasi ei "
    "tallennettu. Lomakkeella ovat kirjoittamasi tiedot. Tarkista jakson nykyiset tiedot "
    "jakson sivulta ja tallenna sitten uudelleen, jos haluat korvata ne omillasi."
)


@pytest.fixture
def studies(worker, client_of, today):
    return actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("education"),
        start_on=today,
        planned_end_on=today + datetime.timedelta(days=90),
        goal="Ammattitutkinto",
    )


def test_a_change_made_on_a_plan_changed_meanwhile_is_refused(worker, studies, today):
    shown = PathwayStep.objects.get(pk=studies.pk).plan_state
    actions.update_step(step=studies, changed_by=worker, goal="Ensimmäisen tallentajan tavoite")
    with pytest.raises(ValidationError) as refused:
        actions.update_step(
            step=studies,
            changed_by=worker,
            shown=shown,
            goal="Toisen tallentajan tavoite",
            planned_end_on=today + datetime.timedelta(days=60),
        )
    assert refused.value.code == "changed_meanwhile"
    assert refused.value.messages == [CHANGED_MEANWHILE]
    studies.refresh_from_db()
    assert (studies.goal, studies.planned_end_on) == (
        "Ensimmäisen tallentajan tavoite",
        today + datetime.timedelta(days=90),
    )


def test_a_change_made_on_the_plan_as_it_is_is_saved(worker, studies):
    shown = PathwayStep.objects.get(pk=studies.pk).plan_state
    changed = actions.update_step(step=studies, changed_by=worker, shown=shown, goal="Uusi")
    assert PathwayStep.objects.get(pk=changed.pk).goal == "Uusi"


def test_what_the_plan_state_sums_up_is_the_plan(worker, studies):
    """A change of the plan changes the state; a status change (a pause, say) does not, so
    a pause recorded while the form is open does not refuse the change of the plan."""
    before = PathwayStep.objects.get(pk=studies.pk).plan_state
    actions.set_step_status(step=studies, status="paused", changed_by=worker, reason="Sairausloma")
    assert PathwayStep.objects.get(pk=studies.pk).plan_state == before
    actions.update_step(step=studies, changed_by=worker, shown=before, goal="Uusi")
    assert PathwayStep.objects.get(pk=studies.pk).plan_state != before


def shown_in(page: str) -> str:
    return re.search(r'<input type="hidden" name="shown" value="([^"]*)"', page).group(1)


def test_the_second_save_of_the_edit_form_is_refused_and_the_first_change_survives(
    client, worker, studies, today
):
    login(client, worker)
    url = f"/clients/{studies.client.uuid}/steps/{studies.pk}/edit/"
    first_form = client.get(url).content.decode()
    second_form = client.get(url).content.decode()
    assert shown_in(first_form) == shown_in(second_form) == studies.plan_state
    end = (today + datetime.timedelta(days=90)).isoformat()
    first = client.post(
        url,
        {
            "start_on": today.isoformat(),
            "planned_end_on": end,
            "goal": "Ensimmäisen tavoite",
            "shown": shown_in(first_form),
        },
    )
    assert first.status_code == 302
    second = client.post(
        url,
        {
            "start_on": today.isoformat(),
            "planned_end_on": end,
            "goal": "Toisen tavoite",
            "shown": shown_in(second_form),
        },
    )
    assert second.status_code == 200
    page = second.content.decode()
    assert CHANGED_MEANWHILE in page
    # The typed value is kept on the form; the first change is what the step holds.
    assert "Toisen tavoite</textarea>" in page
    studies.refresh_from_db()
    assert studies.goal == "Ensimmäisen tavoite"
    # The form now carries the plan as it is: saving again, deliberately, saves over it.
    assert shown_in(page) == studies.plan_state != shown_in(second_form)
    again = client.post(
        url,
        {
            "start_on": today.isoformat(),
            "planned_end_on": end,
            "goal": "Toisen tavoite",
            "shown": shown_in(page),
        },
    )
    assert again.status_code == 302
    studies.refresh_from_db()
    assert studies.goal == "Toisen tavoite"
