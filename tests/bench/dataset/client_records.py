"""Clients and what hangs on them: care teams, plans and goals, case notes,
assessments and Kela Y 100 consents, written with COPY."""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from faker import Faker
from faker.providers.person.fi_FI import Provider as FinnishNames
from faker.providers.person.sv_SE import Provider as SwedishNames

from clients import identity
from clients.factories import demo_identity_code
from clients.models import (
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    PlanGoal,
    ServiceNeedAssessment,
)
from clients.names import search_prefixes, sort_name
from consents.models import Consent, ConsentParty
from tests.bench.copying import copy_rows, next_id
from tests.bench.dataset.people import People
from tests.bench.dataset.sizes import UTC, Sizes

GOALS = [
    "Päivärytmi kuntoon ja säännöllinen osallistuminen.",
    "Löytää sopiva työ tai opiskelupaikka.",
    "Hygieniapassi ja anniskelupassi.",
    "Selvittää työkyky ja sopiva ala.",
    "Vahvistaa itseluottamusta ryhmässä.",
    "Harjoitella työelämän taitoja tukitoiminnoissa.",
    "Hakea palkkatukityötä kevään aikana.",
    "Hoitaa raha-asiat ja velkajärjestely.",
    "Aloittaa ammatilliset opinnot syksyllä.",
    "Ajokortti ja asuminen vakaaksi.",
]
NOTES = [
    "Tapaaminen toimistolla. Käytiin läpi tilanne ja seuraavat askeleet.",
    "Puhelu asiakkaalle: sovittiin seuraava tapaaminen.",
    "Verkostopalaveri työtoimintayksikössä, mukana valmentaja.",
    "Asiakas kertoi jaksamisestaan ja arjen sujumisesta.",
    "Kotikäynti. Asuminen järjestyksessä, tukea tarvitaan raha-asioissa.",
]


@dataclass
class ClientInfo:
    """What later tables need to know of a client generated earlier."""

    id: int
    unit_id: int
    worker_id: int
    created_on: datetime.date
    closed_on: datetime.date | None
    young: bool
    has_rwa: bool = False
    open_coaches: dict[int, datetime.date] = field(default_factory=dict)
    past_coaches: dict[int, tuple[datetime.date, datetime.date]] = field(default_factory=dict)


CLIENT_COLUMNS = (
    "id",
    "uuid",
    "identity_code_encrypted",
    "identity_code_hash",
    "identity_code_masked",
    "identity_code_is_temporary",
    "birth_date",
    "first_names",
    "last_name",
    "calling_name",
    "search_name",
    "search_prefixes",
    "language",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "address_non_disclosure",
    "communication_needs",
    "relationship_home",
    "organisation_id",
    "responsible_unit_id",
    "closed_on",
    "closure_reason",
    "created_at",
    "created_by_id",
)


def make_clients(sizes: Sizes, people: People, rng: random.Random, today) -> list[ClientInfo]:
    """Clients with unique identity codes: (birth date, individual number 900-999) pairs drawn
    without replacement over ages 17-66, each code encrypted on its own (Fernet) and hashed."""
    first_id = next_id(Client)
    oldest = today - datetime.timedelta(days=67 * 365)
    span_days = 50 * 365
    pairs = rng.sample(range(span_days * 100), sizes.clients)
    fi_first = list(FinnishNames.first_names_female) + list(FinnishNames.first_names_male)
    fi_last = list(FinnishNames.last_names)
    sv_first = list(SwedishNames.first_names_female) + list(SwedishNames.first_names_male)
    sv_last = list(SwedishNames.last_names)
    fake = Faker("fi_FI")
    fake.seed_instance(sizes.seed)
    streets = [fake.street_address() for _ in range(3000)]
    postcodes = [f"00{n:03d}" for n in range(100, 990, 10)]
    infos: list[ClientInfo] = []
    # The bench user's caseload: the first clients of the bench unit, all open.
    caseload = set(range(0, sizes.units * sizes.caseload, sizes.units))

    def rows():
        for index, pair in enumerate(pairs):
            birth = oldest + datetime.timedelta(days=pair // 100)
            code = demo_identity_code(birth, 900 + pair % 100)
            swedish = rng.random() < 0.06
            first = rng.sample(sv_first if swedish else fi_first, 2)
            first_names = " ".join(first)
            last_name = rng.choice(sv_last if swedish else fi_last)
            unit_id = people.unit_ids[index % len(people.unit_ids)]
            if index in caseload:
                worker_id = people.bench_user.pk
            else:
                worker_id = rng.choice(people.workers_by_unit[unit_id])
            closed = index not in caseload and rng.random() < sizes.closed_share
            closed_on = today - datetime.timedelta(days=rng.randint(30, 700)) if closed else None
            created_on = (closed_on or today) - datetime.timedelta(days=rng.randint(400, 1600))
            info = ClientInfo(
                id=first_id + index,
                unit_id=unit_id,
                worker_id=worker_id,
                created_on=created_on,
                closed_on=closed_on,
                young=(today - birth).days < 30 * 365,
            )
            infos.append(info)
            yield (
                info.id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                identity.encrypt(code),
                identity.search_hash(code),
                identity.mask(code),
                True,
                birth,
                first_names,
                last_name,
                first[0] if rng.random() < 0.2 else "",
                sort_name(first_names, last_name),
                search_prefixes(first_names, last_name),
                "sv" if swedish else ("other" if rng.random() < 0.03 else "fi"),
                f"040 {rng.randint(1000000, 9999999)}",
                "",
                rng.choice(streets),
                rng.choice(postcodes),
                "Helsinki",
                rng.random() < 0.01,
                ["plain_language"] if rng.random() < 0.05 else [],
                "social_services" if rng.random() < 0.8 else "employment_services",
                people.organisation.pk,
                unit_id,
                closed_on,
                "Asiakkuus päättyi: tavoitteet saavutettu." if closed else "",
                datetime.datetime.combine(created_on, datetime.time(9), tzinfo=UTC),
                worker_id,
            )

    copy_rows(Client, CLIENT_COLUMNS, rows())
    return infos


def add_memberships(people: People, clients: list[ClientInfo], rng: random.Random) -> None:
    columns = (
        "client_id",
        "user_id",
        "role",
        "started_on",
        "ended_on",
        "accepted_at",
        "note",
        "created_by_id",
        "organisation_id",
    )
    organisation_id = people.organisation.pk  # every member works for the one organisation

    def accepted(day):
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=UTC)

    def rows():
        for client in clients:
            start = client.created_on
            if rng.random() < 0.25:
                # An earlier responsible worker, before a transfer of responsibility.
                previous = rng.choice(people.workers_by_unit[client.unit_id])
                handover = start + datetime.timedelta(days=rng.randint(60, 300))
                yield (
                    client.id,
                    previous,
                    "responsible_worker",
                    start,
                    handover,
                    accepted(start),
                    "",
                    previous,
                    organisation_id,
                )
                start = handover
            yield (
                client.id,
                client.worker_id,
                "responsible_worker",
                start,
                None,
                accepted(start),
                "",
                client.worker_id,
                organisation_id,
            )
            if rng.random() < 0.1:
                colleague = rng.choice(people.workers_by_unit[client.unit_id])
                if colleague != client.worker_id:
                    yield (
                        client.id,
                        colleague,
                        "sote_contact",
                        start,
                        None,
                        accepted(start),
                        "",
                        client.worker_id,
                        organisation_id,
                    )
            for coach_id, since in client.open_coaches.items():
                yield (
                    client.id,
                    coach_id,
                    "coach",
                    since,
                    None,
                    accepted(since),
                    "",
                    client.worker_id,
                    organisation_id,
                )
            for coach_id, (since, until) in client.past_coaches.items():
                if coach_id in client.open_coaches:
                    continue
                yield (
                    client.id,
                    coach_id,
                    "coach",
                    since,
                    until,
                    accepted(since),
                    "",
                    client.worker_id,
                    organisation_id,
                )

    copy_rows(CareTeamMembership, columns, rows())


def add_plans(clients: list[ClientInfo], rng: random.Random, today) -> None:
    """A current plan for most clients (a revised one for a quarter of them), 2-4 goals each."""
    plan_columns = (
        "id",
        "client_id",
        "plan_type",
        "version",
        "supersedes_id",
        "status",
        "client_view",
        "strengths",
        "agreed_services",
        "participants",
        "next_review_on",
        "created_at",
        "created_by_id",
    )
    plan_id = next_id(ClientPlan)
    goals: list[tuple[int, int]] = []  # (plan id, goal count)

    def rows():
        nonlocal plan_id
        for client in clients:
            if rng.random() > (0.5 if client.closed_on else 0.9):
                continue
            plan_type = "activation_plan" if client.has_rwa else "client_plan"
            end = client.closed_on or today
            current_on = end - datetime.timedelta(days=rng.randint(0, 120))
            previous = None
            if rng.random() < 0.25:
                first_on = current_on - datetime.timedelta(days=rng.randint(90, 200))
                previous = plan_id
                goals.append((plan_id, rng.randint(2, 4)))
                yield _plan_row(plan_id, client, plan_type, 1, None, "active", first_on, rng)
                plan_id += 1
            if client.closed_on:
                status = "closed"
            else:
                status = rng.choices(["active", "agreed", "draft", "closed"], [75, 15, 5, 5])[0]
            goals.append((plan_id, rng.randint(2, 4)))
            yield _plan_row(
                plan_id, client, plan_type, 2 if previous else 1, previous, status, current_on, rng
            )
            plan_id += 1

    plans = list(rows())

    def goal_rows():
        for pk, count in goals:
            for position, text in enumerate(rng.sample(GOALS, count)):
                status = rng.choices(["open", "in_progress", "achieved"], [3, 5, 2])[0]
                yield (pk, position, text, status)

    # The goals go in before their plans (the foreign key is checked at commit): the database
    # refuses a goal added to a version that a later one already supersedes.
    copy_rows(PlanGoal, ("plan_id", "position", "text", "status"), goal_rows())
    copy_rows(ClientPlan, plan_columns, plans)


def _plan_row(pk, client, plan_type, version, supersedes, status, created_on, rng):
    return (
        pk,
        client.id,
        plan_type,
        version,
        supersedes,
        status,
        "Haluan päästä töihin ja saada arjen rytmin kuntoon.",
        "Olen täsmällinen ja hyvä käsistäni.",
        "Kuntouttava työtoiminta ja työvalmennus.",
        "Asiakas ja vastuutyöntekijä",
        created_on + datetime.timedelta(days=90 + rng.randint(-5, 5)),
        datetime.datetime.combine(created_on, datetime.time(13), tzinfo=UTC),
        client.worker_id,
    )


def add_notes_and_assessments(clients: list[ClientInfo], rng: random.Random, today) -> None:
    kinds = ["meeting"] * 5 + ["phone"] * 3 + ["network_meeting", "home_visit"]

    def notes():
        for client in clients:
            end = client.closed_on or today
            span = max((end - client.created_on).days, 1)
            for _ in range(rng.randint(2, 10)):
                day = client.created_on + datetime.timedelta(days=rng.randint(0, span))
                yield (
                    client.id,
                    client.worker_id,
                    day,
                    rng.choice(kinds),
                    rng.choice(NOTES),
                    rng.random() < 0.1,
                    datetime.datetime.combine(day, datetime.time(14), tzinfo=UTC),
                )

    copy_rows(
        CaseNote,
        ("client_id", "author_id", "written_on", "kind", "text", "health_related", "created_at"),
        notes(),
    )

    def assessments():
        for client in clients:
            if rng.random() < 0.3:
                continue
            started = client.created_on + datetime.timedelta(days=rng.randint(0, 30))
            done = started + datetime.timedelta(days=rng.randint(10, 60))
            completed = done <= today
            yield (
                client.id,
                started,
                done if completed else None,
                "Tarvitsee tukea työllistymiseen ja arjen hallintaan." if completed else "",
                "Haluan töihin, mutta arki on välillä raskasta." if completed else "",
                "no" if completed else "not_assessed",
                client.worker_id,
                datetime.datetime.combine(started, datetime.time(11), tzinfo=UTC),
            )

    copy_rows(
        ServiceNeedAssessment,
        (
            "client_id",
            "started_on",
            "completed_on",
            "conclusion",
            "client_view",
            "special_support",
            "author_id",
            "created_at",
        ),
        assessments(),
    )


def add_consents(clients: list[ClientInfo], rng: random.Random, today) -> None:
    """A Kela Y 100 for 70 % of clients, naming Kela and the employment services; two years."""
    columns = (
        "id",
        "client_id",
        "series",
        "version",
        "giver_kind",
        "form",
        "method",
        "purposes",
        "categories",
        "health_confirmed",
        "valid_from",
        "valid_until",
        "signed_on",
        "recorded_at",
        "recorded_by_id",
    )
    consent_id = next_id(Consent)
    ids = []

    def rows():
        nonlocal consent_id
        for client in clients:
            if rng.random() > 0.7:
                continue
            signed = (client.closed_on or today) - datetime.timedelta(days=rng.randint(0, 800))
            ids.append(consent_id)
            yield (
                consent_id,
                client.id,
                uuid.UUID(int=rng.getrandbits(128), version=4),
                1,
                "client",
                "kela_y100",
                "signature",
                ["service_planning", "kela_benefits", "employment_services"],
                ["identity", "pathway", "income", "work_capacity"],
                False,
                signed,
                signed + datetime.timedelta(days=730),
                signed,
                datetime.datetime.combine(signed, datetime.time(15), tzinfo=UTC),
                client.worker_id,
            )
            consent_id += 1

    copy_rows(Consent, columns, rows())
    copy_rows(
        ConsentParty,
        ("consent_id", "organisation_id", "organisation_kind"),
        ((pk, None, kind) for pk in ids for kind in ("kela", "employment_services")),
    )
