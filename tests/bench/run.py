"""`make bench`: Polku's budgets measured at 100,000 clients and 1,000,000 pathway steps.

    python -m tests.bench.run          # DATABASE_URL names the server; REDIS_URL the cache

Runs against a database of its own (`polku_bench` on the server of
DATABASE_URL, created when missing), so the tests' and the demo's data are
untouched. The dataset is generated once (tests/bench/dataset.py) and reused
by the next runs; it is rebuilt only when its sizes or generator change.
Django runs with DEBUG off and its cache under a key prefix of its own.

Writes `bench.json` (figure name -> number) in the repository root and prints it.

Environment: BENCH_CLIENTS, BENCH_STEPS (data size; another size gets a
database of its own), BENCH_REQUESTS (timed requests per page, default 200),
BENCH_WARMUP (default 20), BENCH_PDF_RUNS (default 5), BENCH_DATABASE_NAME.
"""

import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/polku"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def with_database(url: str, name: str) -> str:
    """The same server and options, another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _server(url: str):
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def ensure_database(url: str, name: str, *, recreate: bool = False) -> bool:
    """Creates the bench database when missing (or anew); returns whether it was created."""
    from psycopg import sql

    with _server(url) as server:
        if recreate:
            if not name.startswith("polku_bench"):
                raise SystemExit(f"Refusing to drop {name}: not a bench database.")
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return not exists


def read_meta() -> dict:
    """What the dataset's generator recorded on the database (a COMMENT ON DATABASE)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else {}
    except ValueError:
        return {}


def write_meta(name: str, meta: dict) -> None:
    from django.db import connection
    from psycopg import sql

    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(meta))
            )
        )


def main() -> int:
    started = time.perf_counter()
    clients = int(os.environ.get("BENCH_CLIENTS", 100_000))
    steps = int(os.environ.get("BENCH_STEPS", clients * 10))
    default_name = "polku_bench" if clients == 100_000 else f"polku_bench_{clients}"
    name = os.environ.get("BENCH_DATABASE_NAME") or default_name
    if not name.startswith("polku_bench"):
        raise SystemExit(f"BENCH_DATABASE_NAME must start with polku_bench, not {name!r}.")
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    private_root = tempfile.mkdtemp(prefix="polku-bench-")

    os.environ["DATABASE_URL"] = with_database(server_url, name)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("CACHE_KEY_PREFIX", "polku-bench")
    os.environ["POLKU_PRIVATE_ROOT"] = private_root
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    ensure_database(server_url, name)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from tests.bench import dataset, measure

    sizes = dataset.Sizes(clients=clients, steps=steps)
    wanted = {
        "clients": sizes.clients,
        "steps": sizes.steps,
        "generator": dataset.GENERATOR_VERSION,
    }
    log(f"database {name}: migrating")
    call_command("migrate", interactive=False, verbosity=0)

    from clients.models import Client
    from pathways.models import PathwayStep

    meta = read_meta()
    have = (Client.objects.count(), PathwayStep.objects.count())
    generated = False
    if {k: meta.get(k) for k in wanted} != wanted or have != (sizes.clients, sizes.steps):
        if have != (0, 0) or meta:
            log(f"database {name} holds another dataset {have}: creating it anew")
            connections.close_all()
            ensure_database(server_url, name, recreate=True)
            call_command("migrate", interactive=False, verbosity=0)
        log(f"generating {sizes.clients:,} clients and {sizes.steps:,} pathway steps")
        generation_started = time.perf_counter()
        timings = dataset.generate(sizes, log)
        meta = {
            **wanted,
            "generation_seconds": round(time.perf_counter() - generation_started, 1),
            "generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "parts": timings,
        }
        write_meta(name, meta)
        generated = True
        log(f"generated in {meta['generation_seconds']} s")
    else:
        log(f"reusing the dataset generated {meta.get('generated_at')}")

    from accounts.models import User

    figures: dict[str, float] = {
        "data_clients": Client.objects.count(),
        "data_clients_open": Client.objects.active().count(),
        "data_pathway_steps": PathwayStep.objects.count(),
        "data_generation_seconds": meta.get("generation_seconds", 0),
        "data_generated_this_run": int(generated),
        "machine_cpus": os.cpu_count() or 0,
        "machine_load_1min_at_start": round(os.getloadavg()[0], 2),
    }
    figures.update(_table_sizes())
    user = User.objects.get(email=dataset.BENCH_EMAIL)

    rng = random.Random(sizes.seed)
    try:
        with override_settings(ROOT_URLCONF="tests.bench.urls", DEBUG=False):
            log("pages")
            measured, facts = measure.pages(user, rng)
            figures.update(facts)
            figures.update(
                measure.measure_pages(
                    measured,
                    requests=int(os.environ.get("BENCH_REQUESTS", 200)),
                    warmup=int(os.environ.get("BENCH_WARMUP", 20)),
                    log=log,
                )
            )
        log("pathway summary PDF")
        figures.update(
            measure.measure_pdf(user, runs=int(os.environ.get("BENCH_PDF_RUNS", 5)), log=log)
        )
        log("reminder sweep")
        figures.update(measure.measure_sweep(log, budget_seconds=SWEEP_BUDGET_SECONDS))
    finally:
        shutil.rmtree(private_root, ignore_errors=True)
    figures["machine_load_1min_at_end"] = round(os.getloadavg()[0], 2)
    figures["bench_seconds"] = round(time.perf_counter() - started, 1)

    (Path(settings.BASE_DIR) / "bench.json").write_text(json.dumps(figures, indent=2) + "\n")
    within = _verdict(figures)
    print(json.dumps(figures, indent=2))
    return 0 if within else 1


def _table_sizes() -> dict[str, int]:
    from clients.models import CareTeamMembership, CaseNote, ClientPlan, PlanGoal
    from consents.models import Consent

    return {
        "data_care_team_memberships": CareTeamMembership.objects.count(),
        "data_client_plans": ClientPlan.objects.count(),
        "data_plan_goals": PlanGoal.objects.count(),
        "data_case_notes": CaseNote.objects.count(),
        "data_consents": Consent.objects.count(),
    }


# DESIGN.md "Budgets".
SWEEP_BUDGET_SECONDS = 60
BUDGETS = [
    ("client_list_p95_ms", 150, "client list p95 (ms)"),
    ("client_search_p95_ms", 150, "client search p95 (ms)"),
    ("client_page_p95_ms", 200, "client page p95 (ms)"),
    ("summary_pdf_seconds", 0.5, "summary PDF (s)"),
    ("reminder_sweep_seconds", SWEEP_BUDGET_SECONDS, "reminder sweep (s)"),
]


def _verdict(figures: dict) -> bool:
    """Logs each figure against its budget; False when one is over, a sweep rule failed or a
    timed request answered with an error (a fast failure is no result)."""
    within = True
    for key, budget, label in BUDGETS:
        value = figures[key]
        within &= value < budget
        log(f"{label:28} {value:>9} budget {budget:<6} {'ok' if value < budget else 'OVER'}")
    failed_rules = figures.get("reminder_sweep_failed_rules", 0)
    errors = sum(v for k, v in figures.items() if k.endswith("_errors"))
    if failed_rules or errors:
        log(f"FAILED: {failed_rules} sweep rules failed, {errors} timed requests answered errors")
        within = False
    if figures["summary_pdf_pages"] != 3:
        log(
            f"the summary printed {figures['summary_pdf_pages']} pages, not three: the budget "
            "speaks of a three-page summary (not padded here)"
        )
    return within


if __name__ == "__main__":
    sys.exit(main())
