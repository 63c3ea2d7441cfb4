"""People of the bench dataset: units, responsible workers, coaches, managers, the bench user.

The bench user is a social worker of the first unit (their first role, the one
the middleware picks) and also that unit's manager.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt as encrypt_mfa_secret
from django.contrib.auth.hashers import make_password
from faker import Faker

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from services.models import Organisation, Unit, UnitKind
from tests.bench.dataset.sizes import BENCH_EMAIL, EMAIL_DOMAIN, TOTP_SECRET, UTC, Sizes


@dataclass
class People:
    organisation: Organisation
    bench_user: User
    bench_unit: Unit
    workers_by_unit: dict[int, list[int]]
    work_coaches: list[tuple[int, int]]
    job_coaches: list[tuple[int, int]]
    workshop_coaches: list[tuple[int, int]]
    unit_ids: list[int]


def make_people(sizes: Sizes, rng: random.Random) -> People:
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
