"""The size and shape of the bench dataset, and the names it gives the bench user."""

import datetime
from dataclasses import dataclass

BENCH_EMAIL = "bench.worker@bench.polku.test"
EMAIL_DOMAIN = "bench.polku.test"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
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
