"""The bench dataset: 100,000 clients and 1,000,000 pathway steps, generated once.

Everything is written in one transaction with PostgreSQL COPY, so a run that
is interrupted leaves nothing half-made. The data follow the model's
invariants (one current responsible worker, non-overlapping steps of one
service, ended steps with a reason and a follow-on step or an outcome, a Jobcenter period
with a follow-on step) and
the shape of real caseloads: responsible workers in social-work units,
coaches in work-activity units, plans with goals, case notes, assessments and
Kela Y 100 consents. The bench user is a social worker with a caseload of
`caseload` clients and also the manager of a unit of about
clients / units clients (DESIGN.md "Budgets").

History triggers (pghistory) stay on, as in production, so the event tables
fill like a real database's.
"""

import random
import time
import uuid

from django.db import connection, transaction
from django.utils import timezone

from clients.models import (
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    PlanGoal,
    ServiceNeedAssessment,
)
from consents.models import Consent, ConsentParty
from pathways.models import EmployerContact, PathwayStep
from tests.bench.copying import reset_sequence
from tests.bench.dataset import client_records, pathway_records
from tests.bench.dataset.people import make_people
from tests.bench.dataset.sizes import BENCH_EMAIL, Sizes

__all__ = ["BENCH_EMAIL", "GENERATOR_VERSION", "Sizes", "generate"]

# Bump when the generated data change shape: an older dataset is then rebuilt.
GENERATOR_VERSION = 4


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
        people = part("users", make_people, sizes, rng)
        clients = part("clients", client_records.make_clients, sizes, people, rng, today)
        ips_steps = part(
            "pathway_steps", pathway_records.make_steps, sizes, people, clients, rng, today
        )
        part("employer_contacts", pathway_records.add_employer_contacts, ips_steps, rng, today)
        part("care_team_memberships", client_records.add_memberships, people, clients, rng)
        part("plans_and_goals", client_records.add_plans, clients, rng, today)
        part("notes_and_assessments", client_records.add_notes_and_assessments, clients, rng, today)
        part("consents", client_records.add_consents, clients, rng, today)
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
