"""A small Helsinki: the client's social services, employment services, Kela and a health
centre; a work-ability support network convened by the social services with an
employment expert and a Kela liaison as members; an upcoming session with the
client's case on its agenda."""

import datetime
from types import SimpleNamespace

import pytest

from accounts.factories import make_user
from accounts.roles import Role
from clients.factories import ClientFactory, add_member, demo_identity_code
from clients.models import TeamRole
from consents.factories import acting
from consultations.factories import (
    NetworkFactory,
    add_network_member,
    make_request,
    make_session,
    put_on_agenda,
)
from services.factories import OrganisationFactory, UnitFactory

BIRTH = datetime.date(1974, 5, 14)
IDENTITY_CODE = demo_identity_code(BIRTH, 934)


def _named(first: str, last: str) -> dict:
    # Fixed staff names: a random Finnish name could be the client's and spoil the checks.
    return {"first_name": first, "last_name": last}


@pytest.fixture
def hki(db, settings):
    settings.POLKU_BASE_URL = "https://polku.example.fi"
    sote = OrganisationFactory(slug="hki-sote", name_fi="Helsingin sosiaali- ja terveystoimi")
    employment = OrganisationFactory(
        employment_services=True, slug="hki-tyollisyys", name_fi="Helsingin työllisyyspalvelut"
    )
    kela = OrganisationFactory(kela=True, slug="kela")
    health = OrganisationFactory(health_care=True, slug="terveysasema", name_fi="Terveysasema")
    social_work = UnitFactory(organisation=sote, name_fi="Aikuissosiaalityö")
    coordination = UnitFactory(organisation=sote, name_fi="Työkykykoordinaatio")
    worker = acting(make_user(Role.SOCIAL_WORKER, social_work, **_named("Sanna", "Sosiaali")))
    coach = acting(make_user(Role.WORK_COACH, social_work, **_named("Veikko", "Valmentaja")))
    coordinator = acting(
        make_user(Role.COORDINATOR, coordination, **_named("Kaisa", "Koordinaattori"))
    )
    expert = acting(
        make_user(
            Role.EMPLOYMENT_EXPERT,
            UnitFactory(organisation=employment),
            **_named("Tero", "Työllinen"),
        )
    )
    kela_liaison = acting(
        make_user(
            Role.KELA_LIAISON, UnitFactory(organisation=kela), **_named("Kerttu", "Kelalainen")
        )
    )
    nurse = acting(
        make_user(
            Role.HEALTH_PROFESSIONAL, UnitFactory(organisation=health), **_named("Terhi", "Terveys")
        )
    )
    outsider = acting(
        make_user(
            Role.KELA_LIAISON, UnitFactory(organisation=kela), **_named("Olli", "Ulkopuolinen")
        )
    )
    client = ClientFactory(
        responsible_worker=worker,
        first_names="Kaarina Aurora",
        last_name="Koivisto",
        calling_name="Kaija",
        birth=BIRTH,
        code=IDENTITY_CODE,
    )
    add_member(client, coach, TeamRole.COACH)
    network = NetworkFactory(
        name_fi="Työkyvyn tuen verkosto", convening_organisation=sote, created_by=coordinator
    )
    add_network_member(network, coordinator, expertise="Työkykykoordinaattori")
    add_network_member(network, expert, expertise="Työllisyyspalvelut")
    add_network_member(network, kela_liaison, expertise="Kelan etuudet ja kuntoutus")
    session = make_session(network, coordinator, participants=[expert, kela_liaison])
    consultation = make_request(client, worker)
    item = put_on_agenda(consultation, session)
    return SimpleNamespace(
        sote=sote,
        employment=employment,
        kela=kela,
        health=health,
        social_work=social_work,
        worker=worker,
        coach=coach,
        coordinator=coordinator,
        expert=expert,
        kela_liaison=kela_liaison,
        nurse=nurse,
        outsider=outsider,
        client=client,
        network=network,
        session=session,
        request=consultation,
        item=item,
    )
