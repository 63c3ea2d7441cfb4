"""The bench dataset: 100,000 clients and 1,000,000 pathway steps, generated once.

Everything is written in one transaction with PostgreSQL COPY, so a run that
is interrupted leaves nothing half-made. The data follow the model's
invariants (one current responsible worker, non-overlapping steps of one
service, ended steps with a reason and a follow-on step or an outcome) and
the shape of real caseloads: responsible workers in social-work units,
coaches in work-activity units, plans with goals, case notes, assessments and
Kela Y 100 consents. The bench user is a social worker with a caseload of
`caseload` clients and also the manager of a unit of about
clients / units clients (DESIGN.md "Budgets").

History triggers (pghistory) stay on, as in production, so the event tables
fill like a real database's.
"""

import datetime
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt as encrypt_mfa_secret
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from faker.providers.person.fi_FI import Provider as FinnishNames
from faker.providers.person.sv_SE import Provider as SwedishNames

from accounts.models import RoleAssignment, User
from accounts.roles import Role
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
from clients.names import fold, search_key
from consents.models import Consent, ConsentParty
from pathways.models import EmployerContact, PathwayStep
from services.models import Organisation, ServiceRuleSet, ServiceType, Unit, UnitKind
from tests.bench.copying import copy_rows, next_id, reset_sequence

BENCH_EMAIL = "bench.worker@bench.polku.test"
EMAIL_DOMAIN = "bench.polku.test"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
# Bump when the generated data change shape: an older dataset is then rebuilt.
GENERATOR_VERSION = 1
UTC = datetime.UTC


@dataclass(frozen=True)
class Sizes:
    clients: int = 100_000
    steps: int = 1_000_000
    units: int = 40
    workers_per_unit: int = 25
    coach_units: int = 12
    coaches_per_unit: int = 16
    caseload: int = 55
    closed_share: float = 0.10
    seed: int = 2026


# Episodes of a pathway: the service types planned together for one period, the
# length range in months, and a weight. Rehabilitative work activity always comes
# with work coaching (each requires the other); a Jobcenter paid-work period runs
# inside such an episode.
RWA = "rehabilitative_work_activity"
EPISODES = [
    (25, (RWA, "work_coaching"), (3, 9)),
    (2, (RWA, "work_coaching"), (18, 24)),
    (4, (RWA, "work_coaching", "jobcenter_paid_work"), (4, 9)),
    (3, ("disability_work_activity", "work_coaching"), (3, 12)),
    (12, ("supported_employment",), (2, 12)),
    (12, ("social_rehabilitation",), (2, 6)),
    (6, ("youth_workshop",), (3, 8)),
    (8, ("open_work",), (1, 6)),
    (8, ("work_ability_assessment",), (1, 3)),
    (6, ("work_trial",), (1, 6)),
    (5, ("wage_subsidy",), (3, 12)),
    (5, ("education",), (3, 10)),
    (4, ("volunteering",), (1, 6)),
    (3, ("kela_vocational_rehabilitation",), (2, 6)),
    (3, ("medical_rehabilitation",), (1, 4)),
    (3, ("ohjaamo_guidance",), (1, 3)),
]
YOUNG_ONLY = {"youth_workshop", "ohjaamo_guidance"}
WORK_COACH_TYPES = {RWA, "work_coaching", "jobcenter_paid_work", "disability_work_activity"}
WORKSHOP_TYPES = {"youth_workshop", "open_work"}
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
END_REASONS = ["completed"] * 12 + ["goal_reached"] * 2 + ["moved_on"] * 3 + ["interrupted"] * 2
OUTCOMES = [
    "open_market_job",
    "subsidised_job",
    "studies",
    "other_service",
    "other_service",
    "capacity_maintained",
    "capacity_maintained",
    "dropped_out",
]
IPS_PHASES = ["agreement", "profiling", "job_search", "employer_work", "in_work_support"]


@dataclass
class People:
    organisation: Organisation
    bench_user: User
    bench_unit: Unit
    workers_by_unit: dict[int, list[int]]
    work_coaches: list[tuple[int, int]]
    job_coaches: list[tuple[int, int]]
    workshop_coaches: list[tuple[int, int]]
    unit_ids: list[int] = field(default_factory=list)


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


def generate(sizes: Sizes, log) -> dict[str, float]:
    """Writes the whole dataset in one transaction; returns seconds per part."""
    from services.demo import seed as seed_services

    rng = random.Random(sizes.seed)
    today = timezone.localdate()
    timings: dict[str, float] = {}

    def part(name, func, *args):
        started = time.perf_counter()
        result = func(*args)
        timings[name] = round(time.perf_counter() - started, 2)
        log(f"  {name}: {timings[name]} s")
        return result

    with transaction.atomic():
        _history_context()
        part("organisations", seed_services)
        people = part("users", _people, sizes, rng)
        clients = part("clients", _clients, sizes, people, rng, today)
        ips_steps = part("pathway_steps", _steps, sizes, people, clients, rng, today)
        part("employer_contacts", _employer_contacts, ips_steps, rng, today)
        part("care_team_memberships", _memberships, people, clients, rng)
        part("plans_and_goals", _plans, clients, rng, today)
        part("notes_and_assessments", _notes_and_assessments, clients, rng, today)
        part("consents", _consents, clients, rng, today)
        for model in (
            Client,
            PathwayStep,
            EmployerContact,
            CareTeamMembership,
            ClientPlan,
            PlanGoal,
            CaseNote,
            ServiceNeedAssessment,
            Consent,
            ConsentParty,
        ):
            reset_sequence(model)
        started = time.perf_counter()
    timings["commit"] = round(time.perf_counter() - started, 2)
    log(f"  commit (deferred foreign-key checks): {timings['commit']} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze"] = round(time.perf_counter() - started, 2)
    log(f"  vacuum analyze: {timings['vacuum_analyze']} s")
    return timings


def _history_context() -> None:
    """Names the transaction's pghistory context, and sets pgtrigger's ignore list to none.

    The history triggers read these settings inside an exception block; unset,
    each row raises and rolls back a subtransaction, and PostgreSQL then scans
    every deferred foreign-key event queued so far: quadratic in the rows of
    the transaction (10,000 rows took 3.6 s instead of 0.3 s).
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL pgtrigger.ignore = '{}'")
        cursor.execute("SELECT set_config('pghistory.context_id', %s, true)", [str(uuid.uuid4())])
        cursor.execute(
            "SELECT set_config('pghistory.context_metadata', %s, true)",
            ['{"action": "bench.dataset.generated"}'],
        )


# People: units, workers, coaches, managers, the bench user


def _people(sizes: Sizes, rng: random.Random) -> People:
    organisation = Organisation.objects.get(slug="helsinki-sote")
    social_units = Unit.objects.bulk_create(
        Unit(
            organisation=organisation,
            slug=f"bench-aikuissosiaalityo-{n:02d}",
            kind=UnitKind.SOCIAL_WORK,
            name_fi=f"Aikuissosiaalityö, alue {n:02d}",
            name_sv=f"Socialt arbete för vuxna, område {n:02d}",
            name_en=f"Adult social work, area {n:02d}",
        )
        for n in range(1, sizes.units + 1)
    )
    coach_kinds = [UnitKind.WORK_ACTIVITY, UnitKind.SUPPORTED_EMPLOYMENT, UnitKind.YOUTH_WORKSHOP]
    coach_units = Unit.objects.bulk_create(
        Unit(
            organisation=organisation,
            slug=f"bench-valmennus-{n:02d}",
            kind=coach_kinds[n % 3],
            name_fi=f"Valmennusyksikkö {n:02d}",
            name_sv=f"Träningsenhet {n:02d}",
            name_en=f"Coaching unit {n:02d}",
        )
        for n in range(1, sizes.coach_units + 1)
    )
    password = make_password(None)
    fake = Faker("fi_FI")
    fake.seed_instance(sizes.seed)

    def user(email):
        return User(
            email=email,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            organisation=organisation,
            password=password,
            date_joined=datetime.datetime(2020, 1, 1, tzinfo=UTC),
        )

    bench_user = user(BENCH_EMAIL)
    bench_user.first_name, bench_user.last_name = "Bea", "Benchmark"
    bench_user.title = "johtava sosiaalityöntekijä"
    bench_user.save()
    since = datetime.date(2020, 1, 1)
    bench_unit = social_units[0]
    # The first assignment is the role the middleware picks by default.
    RoleAssignment.objects.create(
        user=bench_user, role=Role.SOCIAL_WORKER, unit=bench_unit, valid_from=since
    )
    RoleAssignment.objects.create(
        user=bench_user, role=Role.MANAGER, unit=bench_unit, valid_from=since
    )
    Authenticator.objects.create(
        user=bench_user,
        type=Authenticator.Type.TOTP,
        data={"secret": encrypt_mfa_secret(TOTP_SECRET)},
    )

    planned = []  # (user, role, unit)
    for unit in social_units:
        for n in range(sizes.workers_per_unit):
            role = Role.SOCIAL_WORKER if n % 3 else Role.SOCIAL_COUNSELLOR
            planned.append((user(f"sw-{unit.slug}-{n:02d}@{EMAIL_DOMAIN}"), role, unit))
        if unit != bench_unit:
            planned.append((user(f"manager-{unit.slug}@{EMAIL_DOMAIN}"), Role.MANAGER, unit))
    coach_role = {
        UnitKind.WORK_ACTIVITY: Role.WORK_COACH,
        UnitKind.SUPPORTED_EMPLOYMENT: Role.JOB_COACH,
        UnitKind.YOUTH_WORKSHOP: Role.WORKSHOP_COACH,
    }
    for unit in coach_units:
        for n in range(sizes.coaches_per_unit):
            planned.append(
                (user(f"coach-{unit.slug}-{n:02d}@{EMAIL_DOMAIN}"), coach_role[unit.kind], unit)
            )
    users = User.objects.bulk_create([u for u, _role, _unit in planned], batch_size=2000)
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=u, role=role, unit=unit, valid_from=since)
            for u, (_u, role, unit) in zip(users, planned, strict=True)
        ],
        batch_size=2000,
    )
    workers_by_unit: dict[int, list[int]] = defaultdict(list)
    coaches: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for u, (_u, role, unit) in zip(users, planned, strict=True):
        if role in (Role.SOCIAL_WORKER, Role.SOCIAL_COUNSELLOR):
            workers_by_unit[unit.pk].append(u.pk)
        elif role != Role.MANAGER:
            coaches[role].append((u.pk, unit.pk))
    return People(
        organisation=organisation,
        bench_user=bench_user,
        bench_unit=bench_unit,
        workers_by_unit=workers_by_unit,
        work_coaches=coaches[Role.WORK_COACH],
        job_coaches=coaches[Role.JOB_COACH],
        workshop_coaches=coaches[Role.WORKSHOP_COACH],
        unit_ids=[u.pk for u in social_units],
    )


# Clients


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
    "search_name_reversed",
    "language",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "address_non_disclosure",
    "communication_needs",
    "relationship_home",
    "responsible_unit_id",
    "closed_on",
    "closure_reason",
    "created_at",
    "created_by_id",
)


def _clients(sizes: Sizes, people: People, rng: random.Random, today) -> list[ClientInfo]:
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
                search_key(first_names, last_name),
                fold(f"{first_names} {last_name}"),
                "sv" if swedish else ("other" if rng.random() < 0.03 else "fi"),
                f"040 {rng.randint(1000000, 9999999)}",
                "",
                rng.choice(streets),
                rng.choice(postcodes),
                "Helsinki",
                rng.random() < 0.01,
                ["plain_language"] if rng.random() < 0.05 else [],
                "social_services" if rng.random() < 0.8 else "employment_services",
                unit_id,
                closed_on,
                "Asiakkuus päättyi: tavoitteet saavutettu." if closed else "",
                datetime.datetime.combine(created_on, datetime.time(9), tzinfo=UTC),
                worker_id,
            )

    copy_rows(Client, CLIENT_COLUMNS, rows())
    return infos


# Pathway steps


STEP_COLUMNS = (
    "id",
    "client_id",
    "service_type_id",
    "rule_set_id",
    "unit_id",
    "coach_id",
    "start_on",
    "planned_end_on",
    "ended_on",
    "status",
    "days_per_week",
    "hours_per_day",
    "goal",
    "support_given",
    "decision_reference",
    "group_activity",
    "ips_phase",
    "daily_compensation",
    "end_reason",
    "exit_outcome",
    "review_decision",
    "next_step_id",
    "created_at",
    "created_by_id",
)


def _step_counts(sizes: Sizes, rng: random.Random) -> list[int]:
    """Steps per client: 4-16, summing exactly to sizes.steps."""
    mean = sizes.steps / sizes.clients
    counts = [max(2, min(18, round(rng.gauss(mean, 3)))) for _ in range(sizes.clients)]
    difference = sizes.steps - sum(counts)
    while difference:
        index = rng.randrange(sizes.clients)
        change = 1 if difference > 0 else -1
        if 2 <= counts[index] + change <= 18:
            counts[index] += change
            difference -= change
    return counts


def _episodes(count: int, young: bool, rng: random.Random) -> list[tuple[tuple[str, ...], int]]:
    """Episodes (service types, length in days) adding up to exactly `count` steps."""
    weights = [w for w, _types, _months in EPISODES]
    chosen = []
    left = count
    while left:
        _w, types, (low, high) = rng.choices(EPISODES, weights)[0]
        if len(types) > left or (not young and YOUNG_ONLY & set(types)):
            continue
        chosen.append((types, rng.randint(low * 30, high * 30)))
        left -= len(types)
    return chosen


def _steps(sizes: Sizes, people: People, clients: list[ClientInfo], rng, today) -> list[tuple]:
    """Sequential episodes per client, the last one ending around today (open clients) or
    before the closing day; returns the supported-employment steps for employer contacts."""
    types = {t.code: t.pk for t in ServiceType.objects.all()}
    rule_sets = {
        code: ServiceRuleSet.objects.in_force(code, people.organisation, today).pk for code in types
    }
    counts = _step_counts(sizes, rng)
    ips_steps: list[tuple] = []
    next_step_id = next_id(PathwayStep)

    def coach_for(code):
        if code in WORK_COACH_TYPES:
            return rng.choice(people.work_coaches)
        if code == "supported_employment":
            return rng.choice(people.job_coaches)
        if code in WORKSHOP_TYPES:
            return rng.choice(people.workshop_coaches)
        return (None, None)

    def rows():
        nonlocal next_step_id
        for client, count in zip(clients, counts, strict=True):
            episodes = _episodes(count, client.young, rng)
            gaps = [rng.randint(0, 45) for _ in episodes]
            if client.closed_on:
                anchor = client.closed_on - datetime.timedelta(days=rng.randint(0, 30))
            else:
                anchor = today + datetime.timedelta(days=rng.randint(-45, 240))
            start = anchor - datetime.timedelta(days=sum(d for _t, d in episodes) + sum(gaps))
            first_ids = []
            planned = []
            for (codes, days), gap in zip(episodes, gaps, strict=True):
                end = start + datetime.timedelta(days=days)
                first_ids.append(next_step_id)
                coach_id, unit_id = coach_for(codes[0])
                for position, code in enumerate(codes):
                    s, e = start, end
                    if code == "jobcenter_paid_work":
                        s = start + datetime.timedelta(days=30)
                        e = min(end, s + datetime.timedelta(days=rng.randint(30, 90)))
                    planned.append((next_step_id, position, code, s, e, coach_id, unit_id))
                    next_step_id += 1
                start = end + datetime.timedelta(days=1 + gap)
            taken = set()
            for step_id, position, code, s, e, coach_id, unit_id in planned:
                last_episode = step_id >= first_ids[-1]
                open_ended = (
                    code == "supported_employment"
                    and last_episode
                    and not client.closed_on
                    and rng.random() < 0.3
                )
                follow_on = None
                if position == 0:
                    later = [i for i in first_ids if i > step_id and i not in taken]
                    if later and rng.random() < 0.6:
                        follow_on = later[0]
                if client.closed_on or e < today:
                    status, ended_on = "ended", e
                    if follow_on:
                        taken.add(follow_on)
                    outcome = "" if follow_on else rng.choice(OUTCOMES)
                    reason = rng.choice(END_REASONS)
                    planned_end = e if rng.random() < 0.85 else e + datetime.timedelta(days=30)
                    if coach_id:
                        past = client.past_coaches.get(coach_id)
                        client.past_coaches[coach_id] = (
                            min(s, past[0]) if past else s,
                            max(e, past[1]) if past else e,
                        )
                else:
                    follow_on, outcome, reason, ended_on = None, "", "", None
                    planned_end = None if open_ended else e
                    status = "planned" if s > today else "active"
                    if status == "active" and rng.random() < 0.04:
                        status = "paused"
                    if coach_id:
                        known = client.open_coaches.get(coach_id)
                        client.open_coaches[coach_id] = min(s, known) if known else s
                rwa = code == RWA
                client.has_rwa |= rwa
                if code == "supported_employment":
                    ips_steps.append((step_id, s, ended_on or min(e, today), coach_id, status))
                yield (
                    step_id,
                    client.id,
                    types[code],
                    rule_sets[code],
                    unit_id,
                    coach_id,
                    s,
                    planned_end,
                    ended_on,
                    status,
                    rng.randint(1, 4) if rwa else (3 if code in WORKSHOP_TYPES else None),
                    Decimal("4.00") if rwa else None,
                    rng.choice(GOALS),
                    "Valmentajan tuki ja ryhmätoiminta." if coach_id else "",
                    f"KTT-{s.year}-{step_id}" if rwa else "",
                    rwa and rng.random() < 0.5,
                    rng.choice(IPS_PHASES) if code == "supported_employment" else "",
                    Decimal("9.00") if rwa else None,
                    reason,
                    outcome,
                    "",
                    follow_on,
                    datetime.datetime.combine(
                        s - datetime.timedelta(days=14), datetime.time(10), tzinfo=UTC
                    ),
                    client.worker_id,
                )

    copy_rows(PathwayStep, STEP_COLUMNS, rows())
    return ips_steps


def _employer_contacts(ips_steps: list[tuple], rng: random.Random, today) -> None:
    """Employer contacts of supported employment: most steps have some, a few none yet."""
    kinds = ["visit", "call", "email", "with_client"]

    def rows():
        for step_id, start, end, coach_id, status in ips_steps:
            if status == "planned" or rng.random() < 0.3 or not coach_id:
                continue
            span = max((end - start).days, 1)
            for _ in range(rng.randint(1, 5)):
                yield (
                    step_id,
                    start + datetime.timedelta(days=rng.randint(0, span)),
                    f"Yritys {rng.randint(1, 900)} Oy",
                    rng.choice(kinds),
                    "",
                    coach_id,
                )

    copy_rows(
        EmployerContact,
        ("step_id", "contacted_on", "employer_name", "kind", "note", "recorded_by_id"),
        rows(),
    )


# Care teams, plans, notes, assessments, consents


def _memberships(people: People, clients: list[ClientInfo], rng: random.Random) -> None:
    columns = (
        "client_id",
        "user_id",
        "role",
        "started_on",
        "ended_on",
        "accepted_at",
        "note",
        "created_by_id",
    )

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
                )

    copy_rows(CareTeamMembership, columns, rows())


def _plans(clients: list[ClientInfo], rng: random.Random, today) -> None:
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

    copy_rows(ClientPlan, plan_columns, rows())

    def goal_rows():
        for pk, count in goals:
            for position, text in enumerate(rng.sample(GOALS, count)):
                status = rng.choices(["open", "in_progress", "achieved"], [3, 5, 2])[0]
                yield (pk, position, text, status)

    copy_rows(PlanGoal, ("plan_id", "position", "text", "status"), goal_rows())


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


def _notes_and_assessments(clients: list[ClientInfo], rng: random.Random, today) -> None:
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
                client.worker_id,
                datetime.datetime.combine(started, datetime.time(11), tzinfo=UTC),
            )

    copy_rows(
        ServiceNeedAssessment,
        ("client_id", "started_on", "completed_on", "conclusion", "author_id", "created_at"),
        assessments(),
    )


def _consents(clients: list[ClientInfo], rng: random.Random, today) -> None:
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
