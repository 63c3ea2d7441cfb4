"""The unit a step takes place at, and a Jobcenter contract's employer unit, are chosen from
groups by organisation: the client's own organisation first, then those whose catalogue
entries provide the service, then the rest by name; only units of a kind that fits the
service are offered, and one not offered is refused next to the field."""

import html
import re

import pytest

from pathways.factories import make_step
from services.factories import CatalogueEntryFactory, OrganisationFactory, UnitFactory
from services.models import ServiceType, UnitKind
from tests.conftest import field_errors, login


def groups(page: str, field: str) -> list[tuple[str, list[str]]]:
    """The optgroups of the select `field`: (organisation, [unit names]) in page order."""
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (
            html.unescape(label),
            [html.unescape(name) for name in re.findall(r">([^<]+)</option>", body)],
        )
        for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    ]


def units_in(found, organisation) -> list[str]:
    return next((names for label, names in found if label == organisation), [])


@pytest.fixture
def world(db):
    """Helsinki (the client's organisation), Essote, a South Savo employment area and Kela,
    each with units of their kinds, as in the demo seed."""
    helsinki = OrganisationFactory(slug="t-helsinki", name_fi="Helsingin kaupunki (testi)")
    essote = OrganisationFactory(slug="t-essote", name_fi="Essote (testi)")
    savo = OrganisationFactory(
        slug="t-savo", name_fi="Etelä-Savon työllisyysalue (testi)", employment_services=True
    )
    kela = OrganisationFactory(slug="t-kela", kela=True, name_fi="Kela (testi)")
    units = {
        "own": UnitFactory(organisation=helsinki, name_fi="Aikuissosiaalityö (testi)"),
        "itakeskus": UnitFactory(
            organisation=helsinki, kind=UnitKind.WORK_ACTIVITY, name_fi="Työtoiminta Itäkeskus"
        ),
        "city_jobs": UnitFactory(
            organisation=helsinki, kind=UnitKind.EMPLOYMENT, name_fi="Kaupungin palkkatyöpaikat"
        ),
        "puupaja": UnitFactory(
            organisation=essote, kind=UnitKind.YOUTH_WORKSHOP, name_fi="Puupaja (testi)"
        ),
        "kipina": UnitFactory(
            organisation=essote, kind=UnitKind.WORK_ACTIVITY, name_fi="Osaamiskeskus Kipinä"
        ),
        "mikkeli": UnitFactory(
            organisation=savo, kind=UnitKind.EMPLOYMENT, name_fi="Työllisyyspalvelut, Mikkeli"
        ),
        "kela": UnitFactory(
            organisation=kela, kind=UnitKind.BENEFITS, name_fi="Kela, työkyvyn tuki (testi)"
        ),
    }
    return helsinki, essote, savo, kela, units


@pytest.fixture
def helsinki_client(client_of, world):
    helsinki, *_ = world
    return client_of(organisation=helsinki)


def test_work_activity_offers_work_activity_units_the_clients_own_first(
    client, worker, helsinki_client, world, today
):
    helsinki, essote, savo, kela, units = world
    login(client, worker)
    url = f"/clients/{helsinki_client.uuid}/steps/new/?type=rehabilitative_work_activity"
    page = client.get(url).content.decode()
    found = groups(page, "unit")

    assert found[0] == (helsinki.name_fi, ["Työtoiminta Itäkeskus"])
    assert units_in(found, essote.name_fi) == ["Osaamiskeskus Kipinä"]
    offered = [name for _label, names in found for name in names]
    for unit in ("puupaja", "mikkeli", "kela", "own", "city_jobs"):
        assert units[unit].name_fi not in offered
    assert savo.name_fi not in dict(found) and kela.name_fi not in dict(found)
    # The groups after the client's own are sorted by name.
    others = [label for label, _names in found[1:]]
    assert others == sorted(others, key=str.casefold)
    # Labelled, and described by its help text.
    assert '<label for="id_unit"' in page and 'aria-describedby="id_unit_helptext"' in page

    response = client.post(
        url,
        {"start_on": today.isoformat(), "unit": units["kela"].pk, "days_per_week": 3},
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "unit")


def test_a_youth_workshop_offers_only_workshops(client, worker, helsinki_client, world):
    _helsinki, essote, *_rest = world
    login(client, worker)
    page = client.get(
        f"/clients/{helsinki_client.uuid}/steps/new/?type=youth_workshop"
    ).content.decode()
    found = groups(page, "unit")
    assert units_in(found, essote.name_fi) == ["Puupaja (testi)"]
    offered = [name for _label, names in found for name in names]
    assert "Osaamiskeskus Kipinä" not in offered and "Työtoiminta Itäkeskus" not in offered


def test_a_step_keeps_its_present_unit_as_a_choice(client, worker, helsinki_client, world):
    *_orgs, units = world
    step = make_step(helsinki_client, "education", created_by=worker, unit=units["kela"])
    step.service_type = ServiceType.objects.get(code="work_trial")
    step.save()
    login(client, worker)
    page = client.get(f"/clients/{helsinki_client.uuid}/steps/{step.pk}/edit/").content.decode()
    offered = [name for _label, names in groups(page, "unit") for name in names]
    assert "Kela, työkyvyn tuki (testi)" in offered  # its present unit
    assert "Työllisyyspalvelut, Mikkeli" in offered  # a work trial's kind
    assert "Osaamiskeskus Kipinä" not in offered


def test_the_jobcenter_employer_is_chosen_own_organisation_then_the_services_provider_first(
    client, worker, helsinki_client, world, today
):
    helsinki, essote, savo, kela, units = world
    jobcenter = ServiceType.objects.get(code="jobcenter_paid_work")
    # The catalogue names the South Savo employment area as the provider of Jobcenter jobs.
    CatalogueEntryFactory(provider=savo, service_type=jobcenter)
    period = make_step(helsinki_client, "jobcenter_paid_work", created_by=worker, start_on=today)
    login(client, worker)
    page = client.get(
        f"/clients/{helsinki_client.uuid}/steps/{period.pk}/contract/"
    ).content.decode()
    found = groups(page, "employer_unit")
    labels = [label for label, _names in found]

    assert labels[0] == helsinki.name_fi
    own = units_in(found, helsinki.name_fi)
    assert own == sorted(own, key=str.casefold)
    assert {"Aikuissosiaalityö (testi)", "Kaupungin palkkatyöpaikat", "Työtoiminta Itäkeskus"} <= (
        set(own)
    )
    # The provider comes before Essote, although "Essote" sorts first.
    assert labels.index(savo.name_fi) < labels.index(essote.name_fi)
    assert kela.name_fi not in labels  # a benefits office is no Jobcenter workplace

    response = client.post(
        f"/clients/{helsinki_client.uuid}/steps/{period.pk}/contract/",
        {
            "employer_unit": units["kela"].pk,
            "job_title": "Kahvilatyöntekijä",
            "weekly_hours": "20",
            "hourly_wage": "12.50",
            "contract_start": today.isoformat(),
            "contract_end": today.isoformat(),
        },
    )
    assert response.status_code == 200
    assert field_errors(response.content.decode(), "employer_unit")
