"""A step's catalogue entry is an entry of the step's own service type: the form offers
only those, and the actions refuse another type's entry or one that is not a service
of a pathway (no service type)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pathways import actions
from pathways.factories import make_step
from pathways.models import PathwayStep
from services.factories import CatalogueEntryFactory
from services.models import ServiceType
from tests.conftest import field_errors, login


def service(code):
    return ServiceType.objects.get(code=code)


@pytest.fixture
def entries(db):
    return {
        "work_trial": CatalogueEntryFactory(
            name_fi="Työkokeilu kaupungin yksikössä", service_type=service("work_trial")
        ),
        "education": CatalogueEntryFactory(
            name_fi="Ammatillinen koulutus", service_type=service("education")
        ),
        # Information only: no service type, so not a step of a pathway.
        "none": CatalogueEntryFactory(name_fi="Työttömyysturva", service_type=None),
        "inactive": CatalogueEntryFactory(
            name_fi="Vanha työkokeilu", service_type=service("work_trial"), is_active=False
        ),
    }


def test_the_form_offers_the_active_entries_of_the_steps_service(
    client, worker, client_of, entries
):
    client_ = client_of()
    login(client, worker)
    page = client.get(f"/clients/{client_.uuid}/steps/new/?type=work_trial").content.decode()
    select = page[page.index('id="id_catalogue_entry"') :]
    select = select[: select.index("</select>")]
    assert f'value="{entries["work_trial"].pk}"' in select
    for other in ("education", "none", "inactive"):
        assert f'value="{entries[other].pk}"' not in select, other


def test_an_entry_of_the_steps_service_is_accepted(worker, client_of, today, entries):
    step = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("work_trial"),
        catalogue_entry=entries["work_trial"],
        start_on=today,
    )
    assert step.catalogue_entry == entries["work_trial"]


@pytest.mark.parametrize("other", ["education", "none"])
def test_planning_with_another_services_entry_is_refused(worker, client_of, today, entries, other):
    client_ = client_of()
    with pytest.raises(ValidationError) as error:
        actions.plan_step(
            client=client_,
            planned_by=worker,
            service_type=service("work_trial"),
            catalogue_entry=entries[other],
            start_on=today,
        )
    message = " ".join(error.value.message_dict["catalogue_entry"])
    assert f"“{entries[other].name_fi}” ei ole tämän jakson palvelua (Työkokeilu)" in message
    assert not PathwayStep.objects.filter(client=client_).exists()


def test_changing_to_another_services_entry_is_refused(worker, client_of, today, entries):
    step = actions.plan_step(
        client=client_of(),
        planned_by=worker,
        service_type=service("work_trial"),
        catalogue_entry=entries["work_trial"],
        start_on=today,
    )
    with pytest.raises(ValidationError) as error:
        actions.update_step(step=step, changed_by=worker, catalogue_entry=entries["education"])
    assert "catalogue_entry" in error.value.message_dict
    step.refresh_from_db()
    assert step.catalogue_entry == entries["work_trial"]


def test_a_step_recorded_with_another_entry_keeps_its_other_facts_changeable(
    worker, client_of, today, entries
):
    """The rule is checked where an entry is chosen, so an older step is not locked."""
    step = make_step(
        client_of(),
        "work_trial",
        created_by=worker,
        start_on=today,
        catalogue_entry=entries["education"],
    )
    later = today + datetime.timedelta(days=30)
    changed = actions.update_step(step=step, changed_by=worker, planned_end_on=later)
    assert changed.planned_end_on == later


def test_a_posted_entry_of_another_service_is_refused_next_to_the_field(
    client, worker, client_of, today, entries
):
    client_ = client_of()
    login(client, worker)
    response = client.post(
        f"/clients/{client_.uuid}/steps/new/",
        {
            "type": "work_trial",
            "start_on": today.isoformat(),
            "catalogue_entry": entries["education"].pk,
        },
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "catalogue_entry") == (
        "Valittu palvelu ei ole tämän jakson palvelua (Työkokeilu). Valitse valikosta "
        "jakson palvelun mukainen palvelu."
    )
    assert not PathwayStep.objects.filter(client=client_).exists()
