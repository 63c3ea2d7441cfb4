"""Pathway steps (about ten per client) and the employer contacts of supported employment."""

import datetime
import random
from decimal import Decimal

from pathways.models import EmployerContact, PathwayStep
from services.models import ServiceRuleSet, ServiceType
from tests.bench.copying import copy_rows, next_id
from tests.bench.dataset.client_records import GOALS, ClientInfo
from tests.bench.dataset.people import People
from tests.bench.dataset.sizes import UTC, Sizes

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
    "cancellation_reason",
    "next_step_id",
    "created_at",
    "created_by_id",
    "paused_on",
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


def make_steps(sizes: Sizes, people: People, clients: list[ClientInfo], rng, today) -> list[tuple]:
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
            # The episodes whose Jobcenter period has ended: it ended into the next episode
            # (the database refuses one without a follow-on), so the episode's first step
            # leaves that to it. In the last episode, with nothing after it, the period
            # was cancelled before it started.
            ended_jobcenter = set()
            for index, ((codes, days), gap) in enumerate(zip(episodes, gaps, strict=True)):
                end = start + datetime.timedelta(days=days)
                first_ids.append(next_step_id)
                coach_id, unit_id = coach_for(codes[0])
                for position, code in enumerate(codes):
                    s, e = start, end
                    if code == "jobcenter_paid_work":
                        s = start + datetime.timedelta(days=30)
                        e = min(end, s + datetime.timedelta(days=rng.randint(30, 90)))
                        if (client.closed_on or e < today) and index < len(episodes) - 1:
                            ended_jobcenter.add(first_ids[-1])
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
                cancellation = ""
                paused_on = None
                later = [i for i in first_ids if i > step_id and i not in taken]
                ends = client.closed_on or e < today
                if code == "jobcenter_paid_work" and ends:
                    if later:
                        follow_on = later[0]
                    else:
                        cancellation = "Työsopimus ei toteutunut."
                elif (
                    position == 0
                    and step_id not in ended_jobcenter
                    and later
                    and rng.random() < 0.6
                ):
                    follow_on = later[0]
                if cancellation:
                    status, ended_on, planned_end = "ended", s, e
                    outcome, reason = "", "cancelled"
                elif ends:
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
                        paused_on = max(s, today - datetime.timedelta(days=7))
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
                    # Rehabilitative work activity ends in a review decision.
                    ("move" if follow_on else "exit")
                    if rwa and ended_on and not cancellation
                    else "",
                    cancellation,
                    follow_on,
                    datetime.datetime.combine(
                        s - datetime.timedelta(days=14), datetime.time(10), tzinfo=UTC
                    ),
                    client.worker_id,
                    paused_on,
                )

    copy_rows(PathwayStep, STEP_COLUMNS, rows())
    return ips_steps


def add_employer_contacts(ips_steps: list[tuple], rng: random.Random, today) -> None:
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
