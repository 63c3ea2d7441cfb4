"""The measurements of `make bench` (DESIGN.md "Budgets").

Pages go through Django's test client in this process (no network) with a
signed-in session and the whole middleware stack, interleaved round-robin so
that whatever else the machine is doing falls on every page alike; each is
compared with a bare view rendered in the same run. The summary PDF is
timed through the actions the Celery task runs, and compared with WeasyPrint
alone on the same finished HTML. The reminder sweep runs over the whole
dataset with its lock and reminders cleared first, so it does all its work.
"""

import io
import math
import random
import statistics
import time
from dataclasses import dataclass, field
from unittest import mock

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from psycopg import sql

from accounts.middleware import SESSION_ACTIVE_ASSIGNMENT, SESSION_SECOND_FACTOR
from accounts.models import RoleAssignment
from accounts.roles import Role
from clients.models import Client, TeamRole
from clients.names import fold


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Page:
    """One kind of request: a name, a signed-in test client, and a path chooser."""

    name: str
    http: HttpClient
    path: object  # () -> str
    times_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    size: int = 0


def signed_in(user, assignment: RoleAssignment | None = None) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    session = http.session
    session[SESSION_SECOND_FACTOR] = user.pk  # as after signing in with the second factor
    if assignment is not None:
        session[SESSION_ACTIVE_ASSIGNMENT] = assignment.pk
    session.save()
    return http


def _prefixes(last_names: list[str], rng: random.Random, count: int = 60) -> list[str]:
    """What a worker types: the first 2-4 letters of a last name they look for."""
    chosen = []
    for name in rng.sample(last_names, min(count, len(last_names))):
        folded = fold(name).replace(" ", "")
        chosen.append(folded[: rng.randint(2, 4)])
    return chosen


def pages(user, rng: random.Random) -> tuple[list[Page], dict]:
    """The pages measured, as the social worker (own caseload) and as the unit's manager."""
    assignments = list(RoleAssignment.objects.filter(user=user).order_by("pk"))
    worker_role = assignments[0]
    manager_role = next(a for a in assignments if a.role == Role.MANAGER)
    caseload = list(
        Client.objects.active()
        .filter(
            memberships__user=user,
            memberships__role=TeamRole.RESPONSIBLE_WORKER,
            memberships__ended_on__isnull=True,
        )
        .values_list("uuid", "last_name")
    )
    unit_clients = list(
        Client.objects.active()
        .filter(responsible_unit=manager_role.unit_id)
        .values_list("uuid", "last_name")
    )
    worker_http = signed_in(user)
    manager_http = signed_in(user, manager_role)
    worker_prefixes = _prefixes([n for _u, n in caseload], rng)
    manager_prefixes = _prefixes([n for _u, n in unit_clients], rng)
    facts = {
        "bench_user_caseload_clients": len(caseload),
        "bench_unit_open_clients": len(unit_clients),
    }
    assert worker_role.role == Role.SOCIAL_WORKER, worker_role.role
    measured = [
        Page("bare_view", worker_http, lambda: "/bench/bare/"),
        Page("client_list_social_worker", worker_http, lambda: "/clients/"),
        Page(
            "client_search_social_worker",
            worker_http,
            lambda: f"/clients/?q={rng.choice(worker_prefixes)}",
        ),
        Page(
            "client_page_social_worker",
            worker_http,
            lambda: f"/clients/{rng.choice(caseload)[0]}/",
        ),
        Page("client_list_manager", manager_http, lambda: "/clients/"),
        Page(
            "client_search_manager",
            manager_http,
            lambda: f"/clients/?q={rng.choice(manager_prefixes)}",
        ),
        Page(
            "client_page_manager",
            manager_http,
            lambda: f"/clients/{rng.choice(unit_clients)[0]}/",
        ),
    ]
    return measured, facts


def measure_pages(measured: list[Page], *, requests: int, warmup: int, log) -> dict:
    """Round-robin over the pages: `warmup` untimed rounds, then `requests` timed rounds."""
    figures: dict[str, float] = {}
    for page in measured:
        with CaptureQueriesContext(connection) as queries:
            response = page.http.get(page.path())
        assert response.status_code == 200, (page.name, response.status_code)
        figures[f"{page.name}_queries"] = len(queries)
    for round_number in range(warmup + requests):
        for page in measured:
            path = page.path()
            started = time.perf_counter()
            response = page.http.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            page.statuses[response.status_code] = page.statuses.get(response.status_code, 0) + 1
            if round_number >= warmup:
                page.times_ms.append(elapsed)
                page.size = max(page.size, len(response.content))
        if round_number and round_number % 50 == 0:
            log(f"  pages: round {round_number} of {warmup + requests}")
    bare = next(p for p in measured if p.name == "bare_view")
    bare_p50, bare_p95 = percentile(bare.times_ms, 0.5), percentile(bare.times_ms, 0.95)
    for page in measured:
        errors = sum(n for status, n in page.statuses.items() if status != 200)
        p50, p95 = percentile(page.times_ms, 0.5), percentile(page.times_ms, 0.95)
        figures[f"{page.name}_p50_ms"] = round(p50, 1)
        figures[f"{page.name}_p95_ms"] = round(p95, 1)
        figures[f"{page.name}_max_ms"] = round(max(page.times_ms), 1)
        figures[f"{page.name}_requests"] = len(page.times_ms)
        figures[f"{page.name}_errors"] = errors
        figures[f"{page.name}_bytes"] = page.size
        if page is not bare:
            figures[f"{page.name}_ratio_to_bare_view"] = round(p95 / bare_p95, 1)
            figures[f"{page.name}_p50_ratio_to_bare_view"] = round(p50 / bare_p50, 1)
    # The headline figures of the budgets: the worse of the two roles.
    for kind in ("client_list", "client_search", "client_page"):
        worst = max(("social_worker", "manager"), key=lambda r: figures[f"{kind}_{r}_p95_ms"])
        figures[f"{kind}_p95_ms"] = figures[f"{kind}_{worst}_p95_ms"]
        figures[f"{kind}_p50_ms"] = figures[f"{kind}_{worst}_p50_ms"]
        figures[f"{kind}_ratio_to_bare_view"] = figures[f"{kind}_{worst}_ratio_to_bare_view"]
    return figures


def summary_client(user) -> Client:
    """A client of the user's caseload with about ten steps and a current agreed or active plan;
    of those, the one with the most steps still open (the most to print)."""
    candidates = (
        Client.objects.active()
        .filter(
            memberships__user=user,
            memberships__role=TeamRole.RESPONSIBLE_WORKER,
            memberships__ended_on__isnull=True,
            plans__status__in=["agreed", "active"],
            plans__superseded_by__isnull=True,
        )
        .annotate(
            steps=Count("pathway_steps", distinct=True),
            open_steps=Count(
                "pathway_steps", filter=~Q(pathway_steps__status="ended"), distinct=True
            ),
        )
        .select_related("responsible_unit__organisation")
    )
    ranked = sorted(candidates, key=lambda c: (abs(c.steps - 10), -c.open_steps, c.pk))
    return ranked[0]


def measure_pdf(user, *, runs: int, log) -> dict:
    """render_document (what the Celery task runs) against WeasyPrint on the same finished HTML."""
    from pypdf import PdfReader

    from pathways import actions, printing
    from pathways.models import PrintedDocument
    from pathways.summary import SECTIONS, render_summary_html

    user.active_assignment = RoleAssignment.objects.filter(user=user).order_by("pk").first()
    client = summary_client(user)
    language = client.language if client.language in ("fi", "sv", "en") else "fi"
    render_times, documents = [], []
    # The request enqueues the Celery task on commit; here the bench renders it itself.
    with mock.patch("pathways.actions.documents._enqueue_render"):
        for attempt in range(runs + 1):
            document = actions.request_pathway_summary(
                client=client, requested_by=user, language=language, sections=list(SECTIONS)
            )
            started = time.perf_counter()
            document = actions.render_document(document_id=document.pk)
            elapsed = time.perf_counter() - started
            assert document.status == "ready", document.error
            documents.append(document)
            if attempt:  # the first one warms WeasyPrint's fonts up
                render_times.append(elapsed)
    document = PrintedDocument.objects.get(pk=documents[-1].pk)
    pdf = printing.stored_path(document.file_name).read_bytes()
    with translation.override(language):
        html = render_summary_html(document)
    weasy_times = []
    for _ in range(runs):
        started = time.perf_counter()
        printing.render_pdf(html)
        weasy_times.append(time.perf_counter() - started)
    pages_count = len(PdfReader(io.BytesIO(pdf)).pages)
    render, weasy = statistics.median(render_times), statistics.median(weasy_times)
    log(f"  summary of a client with {client.steps} steps: {pages_count} pages")
    return {
        "summary_pdf_seconds": round(render, 3),
        "summary_pdf_max_seconds": round(max(render_times), 3),
        "summary_pdf_weasyprint_seconds": round(weasy, 3),
        "summary_pdf_ratio_to_weasyprint": round(render / weasy, 2),
        "summary_pdf_pages": pages_count,
        "summary_pdf_client_steps": client.steps,
        "summary_pdf_client_open_steps": client.open_steps,
        "summary_pdf_bytes": len(pdf),
        "summary_pdf_html_bytes": len(html.encode()),
        "summary_pdf_runs": runs,
    }


def _clear_reminders() -> None:
    from notifications.actions import SWEEP_LOCK_KEY
    from notifications.models import Reminder

    cache.delete(SWEEP_LOCK_KEY)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(Reminder._meta.db_table)))


def measure_sweep(log, *, budget_seconds: float) -> dict:
    """The sweep over the whole dataset from an empty inbox, timed as a whole and per rule;
    then, when it kept within its budget, once more (nothing new to write) counting queries."""
    from notifications import actions
    from notifications.models import Reminder
    from notifications.rules_registry import registered_rules

    today = timezone.localdate()
    rule_seconds: dict[str, float] = {}
    sweep_rule = actions._sweep_rule

    def timed_rule(rule, *args):
        started = time.perf_counter()
        try:
            return sweep_rule(rule, *args)
        finally:
            rule_seconds[rule.code] = time.perf_counter() - started

    _clear_reminders()
    with mock.patch.object(actions, "_sweep_rule", timed_rule):
        started = time.perf_counter()
        result = actions.sweep_reminders(today)
        elapsed = time.perf_counter() - started
    assert result is not None, "another sweep held the lock"
    log(f"  sweep: {result.total} reminders in {elapsed:.1f} s")
    figures = {
        "reminder_sweep_seconds": round(elapsed, 2),
        "reminder_sweep_reminders_created": result.total,
        "reminder_sweep_rules": len(registered_rules()),
        "reminder_sweep_failed_rules": len(result.failed),
        "reminders_stored": Reminder.objects.count(),
    }
    for code, seconds in sorted(rule_seconds.items()):
        figures[f"reminder_sweep_created.{code}"] = result.created.get(code, 0)
        figures[f"reminder_sweep_rule_seconds.{code}"] = round(seconds, 2)
        if seconds > budget_seconds / 10:
            log(f"  sweep: rule {code} took {seconds:.1f} s")
    if result.failed:
        log(f"  sweep: rules that failed: {', '.join(result.failed)}")
    if elapsed > budget_seconds:
        log("  sweep: over its budget, so the repeated sweep is skipped")
        return figures
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        again = actions.sweep_reminders(today)
        repeat = time.perf_counter() - started
    assert again is not None, "another sweep held the lock"
    figures["reminder_sweep_repeat_seconds"] = round(repeat, 2)
    figures["reminder_sweep_repeat_created"] = again.total
    figures["reminder_sweep_repeat_queries"] = len(queries)
    return figures
