"""Health probes, structured logs without identity codes, and the compose file."""

import contextlib
import io
import json
import logging
import logging.config
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

from config.logging import redact_personal_data


def test_healthz_answers_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_503_when_the_database_is_unreachable(client):
    original = dict(connection.settings_dict)
    connection.close()
    # A real connection attempt to a port where no PostgreSQL listens.
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
    connection.settings_dict["OPTIONS"] = {**original.get("OPTIONS", {}), "connect_timeout": 1}
    try:
        response = client.get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["redis"] == "ok"


@pytest.mark.django_db
def test_readyz_answers_503_when_redis_is_unreachable(client, settings):
    from django.core.cache import caches, close_caches

    # A real connection attempt to a port where no Redis listens. Changing CACHES makes
    # Django drop the thread's cache connections; closing them as well makes sure the view
    # opens a new one to the new address, and the next test one to the real Redis.
    close_caches()
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    assert caches["default"]._servers == ["redis://127.0.0.1:1/0"]
    try:
        response = client.get("/readyz")
    finally:
        close_caches()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


@pytest.mark.parametrize(
    "code",
    ["010594Y9032", "131052-308T", "010100A9026", "311299+900A", "010110B9999", "311299%2B900A"],
)
def test_redaction_removes_identity_codes_of_every_century_sign(code):
    assert code not in redact_personal_data(f"asiakas {code} haettu")
    assert "[hetu]" in redact_personal_data(f"asiakas {code} haettu")


@contextlib.contextmanager
def captured_log_lines():
    """The project's LOGGING with the console handler writing into a list of JSON lines."""
    stream = io.StringIO()
    console = {**settings.LOGGING["handlers"]["console"], "stream": stream}
    logging.config.dictConfig({**settings.LOGGING, "handlers": {"console": console}})
    lines = []
    try:
        yield lines
    finally:
        logging.config.dictConfig(settings.LOGGING)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
        lines.append(stream.getvalue())  # the raw text last, for substring checks


def test_log_lines_are_json_and_never_carry_an_identity_code():
    with captured_log_lines() as lines:
        logging.getLogger("polku.test").warning("haku %s ei onnistunut", "010594Y9032")
        logging.getLogger("polku.test").info("POST /clients/find/ code=131052-308T")
    *records, raw = lines
    assert len(records) == 2
    assert all("hetu" in line["message"] for line in records)
    # Times with their offset, so the hour repeated in autumn is told apart.
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", line["asctime"])
        for line in records
    )
    assert "010594Y9032" not in raw
    assert "131052-308T" not in raw


def _look_up(code):
    raise ValueError(f"asiakasta {code} ei löytynyt")


def test_an_exception_text_and_traceback_in_a_log_line_carry_no_identity_code():
    code = "010594Y9032"
    with captured_log_lines() as lines:
        try:
            _look_up(code)
        except ValueError:
            logging.getLogger("polku.test").exception("haku epäonnistui")
    (record, raw) = lines
    assert code not in raw
    # The traceback is still there, redacted: the exception type, the line and the frame.
    assert "ValueError: asiakasta [hetu] ei löytynyt" in record["exc_info"]
    assert "_look_up" in record["exc_info"]


def test_identity_codes_in_arguments_and_extra_fields_are_redacted():
    with captured_log_lines() as lines:
        logging.getLogger("polku.test").warning(
            "haku %s / %r",
            "131052-308T",
            {"hetu": "010100A9026"},
            extra={
                "query": "hetu=311299+900A",
                "params": {"codes": ["010110B9999"], "count": 1},
                "status_code": 404,
            },
        )
    (record, raw) = lines
    for code in ("131052-308T", "010100A9026", "311299+900A", "010110B9999"):
        assert code not in raw
    assert record["message"] == "haku [hetu] / {'hetu': '[hetu]'}"
    assert record["query"] == "hetu=[hetu]"
    assert record["params"] == {"codes": ["[hetu]"], "count": 1}
    assert record["status_code"] == 404


def test_an_object_passed_in_extra_is_written_without_its_identity_code():
    from django.test import RequestFactory

    request = RequestFactory().get("/clients/find/", {"hetu": "010594Y9032", "q": "Virtanen"})
    with captured_log_lines() as lines:
        logging.getLogger("django.request").warning("Not Found", extra={"request": request})
    (record, raw) = lines
    assert "010594Y9032" not in raw
    assert record["message"] == "Not Found"
    # A name searched for is nothing a pattern knows: the request is its method and path.
    assert "Virtanen" not in raw
    assert record["request"] == "GET /clients/find/"


def test_a_request_lines_query_string_never_reaches_the_log():
    """runserver's lines (make run) name the request as the browser sent it."""
    with captured_log_lines() as lines:
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /clients/?q=Virtanen&page=2 HTTP/1.1", "200", "5120"
        )
    (record, raw) = lines
    assert "Virtanen" not in raw
    assert record["message"] == '"GET /clients/?[query] HTTP/1.1" 200 5120'


@pytest.mark.django_db
def test_the_probes_answer_plain_http_where_everything_else_redirects(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").status_code == 200
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


POLKU_PROCESSES = ("web", "worker", "pdf-worker", "beat")


def test_docker_compose_runs_the_production_shaped_stack():
    compose = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())
    services = compose["services"]
    assert {*POLKU_PROCESSES, "postgres", "redis", "mail"} <= set(services)
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert services["web"]["environment"]["POLKU_ENV"] == "production"
    # The web container's health check asks over plain HTTP as an allowed host.
    probe = " ".join(services["web"]["healthcheck"]["test"])
    assert "/readyz" in probe and "ALLOWED_HOSTS" in probe and "'Host'" in probe
    # gunicorn logs through LOGGING (config/gunicorn.py), not with a log file of its own.
    command = " ".join(services["web"]["command"])
    assert "--config python:config.gunicorn" in command
    assert "--access-logfile" not in command and "--access-logformat" not in command
    # Every Polku process sees the same private files: the pdf worker writes the PDFs web
    # serves, web stores the consent scans the worker checks.
    private_root = "/app/.data/private"  # settings' default under the image's /app
    for name in POLKU_PROCESSES:
        assert "POLKU_PRIVATE_ROOT" not in services[name]["environment"]
        mounts = dict(volume.rsplit(":", 1)[::-1] for volume in services[name]["volumes"])
        assert mounts.get(private_root) in compose["volumes"], name
    # Migrations run once, before web, the workers and beat start (a beat task of a new
    # stack would otherwise meet missing tables); web itself does not migrate.
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert "migrate" not in command
    for name in POLKU_PROCESSES:
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
            "migrate": {"condition": "service_completed_successfully"},
        }, name


def test_gunicorn_access_log_names_the_path_only():
    """gunicorn's access line is formatted from the request: it names the path, never the
    query string (%(q)s, or %(r)s, the request line with it) or the referrer (%(f)s), which
    could carry a name searched for."""
    from config import gunicorn

    assert "%(U)s" in gunicorn.access_log_format
    assert not any(
        atom in gunicorn.access_log_format for atom in ("%(r)s", "%(q)s", "%(f)s", "raw_uri")
    )


def _gunicorn_logs(capsys, path, *, query="", error=None):
    """What gunicorn, configured by config/gunicorn.py as `gunicorn --config
    python:config.gunicorn` does, writes through LOGGING for one request to `path` (and an
    error line when `error` is given): the JSON records and the raw text."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    from config import gunicorn

    config = Config()
    for name, value in vars(gunicorn).items():
        if name in config.settings:
            config.set(name, value)
    try:
        log = Logger(config)
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "10.0.0.7",
        }
        response = SimpleNamespace(status="200 OK", sent=512, headers=[])
        log.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
        if error:
            log.error(*error)
    finally:
        logging.config.dictConfig(settings.LOGGING)
    captured = capsys.readouterr()
    return [json.loads(line) for line in captured.err.splitlines()], captured.out + captured.err


def test_gunicorn_logs_json_lines_without_identity_codes(capsys):
    """gunicorn's access and error lines go through LOGGING, redacted."""
    records, raw = _gunicorn_logs(
        capsys,
        "/clients/010594Y9032/",
        query="hetu=010594Y9032",
        error=("worker for %s failed", "131052-308T"),
    )
    assert [record["name"] for record in records] == ["gunicorn.access", "gunicorn.error"]
    assert records[0]["message"] == '10.0.0.7 "GET /clients/[hetu]/" 200 512 12ms'
    assert records[1]["message"] == "worker for [hetu] failed"
    assert "010594Y9032" not in raw and "131052-308T" not in raw


@pytest.mark.parametrize(
    ("path", "secret", "logged"),
    [
        (
            "/accounts/password/reset/key/3f-cq4k2x-1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e/",
            "cq4k2x",
            "/accounts/password/reset/key/[secret]/",
        ),
        (
            "/accounts/confirm-email/MTI3:1v2:Ab-cD_efGh/",
            "Ab-cD_efGh",
            "/accounts/confirm-email/[secret]/",
        ),
        (
            "/consultations/feed/Zk3vQ9xW2pL7mN4tR8sY1uB6cD0eF5gH.ics",
            "Zk3vQ9xW2pL7",
            "/consultations/feed/[secret]",
        ),
    ],
)
def test_gunicorn_access_log_leaves_out_secrets_in_the_path(capsys, path, secret, logged):
    """A password-setting key (an invitation opened by a mail gateway's link checker, say), an
    e-mail confirmation key or a calendar feed token in the log would let its reader in."""
    (record,), raw = _gunicorn_logs(capsys, path)
    assert record["message"] == f'10.0.0.7 "GET {logged}" 200 512 12ms'
    assert secret not in raw


def test_a_refused_rows_values_quoted_by_postgresql_never_reach_the_log(db):
    """A constraint's refusal quotes the row (or the key) in its DETAIL: the exception logged
    keeps what was refused and where, not the names and addresses in it."""
    from django.db import IntegrityError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE refused (name text UNIQUE, street text CHECK (street <> 'x'))"
        )
        cursor.execute("INSERT INTO refused VALUES ('Salla Salainen', 'Piilokatu 3')")
    with captured_log_lines() as lines:
        for row in (("Salla Salainen", "Piilokatu 3"), ("Toivo Toinen", "x")):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("INSERT INTO refused VALUES (%s, %s)", row)
            except IntegrityError:
                logging.getLogger("polku.test").exception("tallennus epäonnistui")
    *records, raw = lines
    assert len(records) == 2
    assert "Key (name)=([row])" in records[0]["exc_info"]
    assert "Failing row contains ([row])" in records[1]["exc_info"]
    for personal in ("Salla", "Piilokatu", "Toivo"):
        assert personal not in raw


def test_celery_logs_through_logging_with_identity_codes_redacted(monkeypatch):
    """A worker's or beat's logging set-up (Celery's setup_logging signal) keeps LOGGING's
    handler, its redaction filter and JSON format, instead of Celery's own plain text."""
    from config.celery import app
    from config.logging import RedactingJsonFormatter, RedactPersonalDataFilter

    # What the set-up leaves behind for forked children, put back after the test.
    for name in ("_MP_FORK_LOGLEVEL_", "_MP_FORK_LOGFILE_", "_MP_FORK_LOGFORMAT_"):
        monkeypatch.setenv(name, "")
    stream = io.StringIO()
    was_setup = type(app.log)._setup
    type(app.log)._setup = False  # as celery.contrib.testing.worker does
    try:
        app.log.setup_logging_subsystem(loglevel="INFO", colorize=False)
        handlers = logging.getLogger().handlers
        assert handlers and all(
            any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters)
            and isinstance(handler.formatter, RedactingJsonFormatter)
            for handler in handlers
        )
        for handler in handlers:
            handler.setStream(stream)
        logging.getLogger("celery.app.trace").info("task for %s failed", "010594Y9032")
    finally:
        type(app.log)._setup = was_setup
        logging.config.dictConfig(settings.LOGGING)
    (line,) = stream.getvalue().splitlines()
    assert json.loads(line)["message"] == "task for [hetu] failed"


def _dockerfile_runs() -> list[str]:
    """The shell command of each RUN of the Dockerfile, its continued lines joined."""
    text = Path(settings.BASE_DIR, "Dockerfile").read_text().replace("\\\n", " ")
    return [line.removeprefix("RUN ") for line in text.splitlines() if line.startswith("RUN ")]


def _dockerfile_env() -> dict[str, str]:
    """The image's ENV, as set in its last stage."""
    text = Path(settings.BASE_DIR, "Dockerfile").read_text()
    last_stage = text.rsplit("\nFROM ", 1)[1]
    values = {}
    for line in last_stage.splitlines():
        if line.startswith("ENV "):
            values.update(word.split("=", 1) for word in shlex.split(line[4:]))
    return values


PRODUCTION_SECRETS = (
    "SECRET_KEY",
    "POLKU_IDENTITY_CODE_KEYS",
    "POLKU_IDENTITY_CODE_HASH_KEY",
    "POLKU_BASE_URL",
    "DATABASE_URL",
)


def test_every_manage_py_command_of_the_image_build_has_the_build_time_secrets():
    """The image is built with POLKU_ENV=production, where the settings refuse to load
    without the secrets: each manage.py command of a RUN gets placeholders for them (and
    the settings do load with just those), while the image itself carries none."""
    image_env = _dockerfile_env()
    assert image_env["POLKU_ENV"] == "production"
    assert not set(PRODUCTION_SECRETS) & set(image_env)
    commands = {}
    for run in _dockerfile_runs():
        exported = {}
        for step in run.split("&&"):
            words = shlex.split(step)
            if words[:1] == ["export"]:
                exported.update(word.split("=", 1) for word in words[1:])
                continue
            inline = {}
            while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
                inline.update([words.pop(0).split("=", 1)])
            if "manage.py" in words:
                command = words[words.index("manage.py") + 1]
                commands[command] = {**image_env, **exported, **inline}
    assert {"compilemessages", "collectstatic"} <= set(commands)
    for command, environment in commands.items():
        assert all(environment.get(name) for name in PRODUCTION_SECRETS), command
        result = _settings_in_subprocess(environment, "{'locale': str(settings.LOCALE_PATHS)}")
        assert result.returncode == 0, (command, result.stderr)


def test_the_build_context_leaves_out_secrets_and_local_data():
    ignored = {
        line.strip()
        for line in Path(settings.BASE_DIR, ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".env.*", ".data", ".venv", "node_modules", ".git"} <= ignored
    assert "!.env.example" in ignored  # the list of settings is no secret


def test_the_declared_node_version_is_the_one_hds_core_asks_for():
    """hds-core declares the Node versions it supports; the image builds with that major
    version and the README names it."""
    lock = json.loads(Path(settings.BASE_DIR, "package-lock.json").read_text())
    wanted = lock["packages"]["node_modules/hds-core"]["engines"]["node"]
    major = re.fullmatch(r"\^(\d+)\.\d+\.\d+", wanted).group(1)
    dockerfile = Path(settings.BASE_DIR, "Dockerfile").read_text()
    assert re.search(rf"^FROM node:{major}-\S+ AS assets$", dockerfile, re.M)
    assert f"Node {major}" in Path(settings.BASE_DIR, "README.md").read_text()


@pytest.mark.django_db
def test_the_language_switch_works_before_signing_in(client):
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/")
    assert '<html lang="sv">' in page.content.decode()


@pytest.mark.django_db
def test_a_signed_in_users_language_follows_the_switch(client, unit):
    """E-mails, the digest and new inbox items are written in the user's own language: the
    header's switch sets it as the profile page does. An unknown code changes nothing."""
    from accounts.factories import make_user
    from accounts.models import User
    from accounts.roles import Role
    from tests.conftest import login

    user = make_user(Role.SOCIAL_WORKER, unit, preferred_language="fi")
    login(client, user)
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert User.objects.get(pk=user.pk).preferred_language == "sv"
    assert '<html lang="sv">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert User.objects.get(pk=user.pk).preferred_language == "sv"


@pytest.mark.django_db
def test_finnish_is_the_default_whatever_the_browser_asks(client):
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="fi">' in page.content.decode()


def _settings_in_subprocess(
    environment: dict[str, str],
    values: str = "{'secure': settings.SECURE_SSL_REDIRECT, "
    "'test_codes': settings.POLKU_ALLOW_TEST_IDENTITY_CODES, "
    "'keys': len(settings.POLKU_IDENTITY_CODE_KEYS)}",
) -> subprocess.CompletedProcess:
    """Imports the settings in a fresh interpreter with `environment` (and PATH) only, and
    prints `values` (a dict expression over `settings`) as JSON. (A developer's own .env
    would fill what is unset.)"""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        f"print(json.dumps({values}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **environment,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def _env_example() -> dict[str, str]:
    values = {}
    for line in (Path(settings.BASE_DIR) / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_every_setting_read_from_the_environment_is_listed_in_env_example():
    source = Path(settings.BASE_DIR, "config", "settings.py").read_text()
    read = set(re.findall(r'\b(?:env(?:\.\w+)?|_secret|_flag)\(\s*"([A-Z][A-Z0-9_]*)"', source))
    listed = set(
        re.findall(
            r"^(?:# )?([A-Z][A-Z0-9_]*)=",
            Path(settings.BASE_DIR, ".env.example").read_text(),
            re.M,
        )
    )
    assert {"SECRET_KEY", "POLKU_LOGIN_RATE_LIMIT"} <= read  # the pattern finds them
    assert read - listed == set()
    # ...and nothing else: a line the settings never read would promise an effect that a
    # .env cannot have (PORT, which only the launcher reads, is in the README).
    assert listed - read == set()


def test_the_client_address_behind_a_proxy_is_configured_from_the_environment():
    values = "{'count': settings.ALLAUTH_TRUSTED_PROXY_COUNT, 'header': settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER}"
    result = _settings_in_subprocess({}, values)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"count": 0, "header": None}
    environment = {
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
        "ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP",
    }
    result = _settings_in_subprocess(environment, values)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"count": 1, "header": "X-Real-IP"}


def test_env_example_as_copied_starts_development_with_its_defaults():
    values = _env_example()
    assert all(value for value in values.values()), "an empty KEY= line would override a default"
    result = _settings_in_subprocess(values)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "secure": False,
        "test_codes": True,
        "keys": 1,
    }


PRODUCTION = {
    "POLKU_ENV": "production",
    "SECRET_KEY": "x" * 60,
    "POLKU_IDENTITY_CODE_KEYS": "q6ytnc4LB7HAlUAIvfRyqBDA0xUQ2xn3gEGV3VQHNBQ=",
    "POLKU_IDENTITY_CODE_HASH_KEY": "hash-key",
    "ALLOWED_HOSTS": "polku.example.fi",
    "POLKU_BASE_URL": "https://polku.example.fi",
    "DATABASE_URL": "postgres://polku:salasana@db.example.fi:5432/polku",
}


@pytest.mark.parametrize(
    "empty",
    [
        "SECRET_KEY",
        "POLKU_IDENTITY_CODE_KEYS",
        "POLKU_IDENTITY_CODE_HASH_KEY",
        # Not the development defaults: links to localhost, the database's superuser.
        "POLKU_BASE_URL",
        "DATABASE_URL",
    ],
)
def test_production_refuses_an_empty_secret(empty):
    production = {
        **PRODUCTION,
        # An empty yes/no counts as unset: production redirects to HTTPS all the same.
        "SECURE_SSL_REDIRECT": "",
        "POLKU_ALLOW_TEST_IDENTITY_CODES": "",
    }
    result = _settings_in_subprocess(production)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["secure"] is True
    assert json.loads(result.stdout.splitlines()[-1])["test_codes"] is False
    result = _settings_in_subprocess({**production, empty: ""})
    assert result.returncode != 0
    assert f"{empty} must be set (non-empty) when POLKU_ENV=production." in result.stderr


def test_production_links_go_over_https():
    """Invitations and password resets carry a key in their link: never over plain HTTP."""
    result = _settings_in_subprocess({**PRODUCTION, "POLKU_BASE_URL": "http://polku.example.fi"})
    assert result.returncode != 0
    assert "POLKU_BASE_URL must be an https:// address" in result.stderr
    result = _settings_in_subprocess(
        {**PRODUCTION, "POLKU_BASE_URL": "https://polku.example.fi/"},
        "{'base': settings.POLKU_BASE_URL, 'host': settings.DATABASES['default']['HOST']}",
    )
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "base": "https://polku.example.fi",
        "host": "db.example.fi",
    }


def test_make_run_fails_visibly_when_one_of_its_processes_dies():
    """`supervise` (make run) stops the others and returns the exit code of the one that died."""
    from config.launcher import supervise

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    failing = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    try:
        assert supervise([sleeper, failing]) == 3
        assert sleeper.poll() is not None  # stopped with it
    finally:
        sleeper.kill()


def test_make_run_with_external_services_on_a_fresh_clone_makes_room_for_beat(
    tmp_path, monkeypatch
):
    """With DATABASE_URL and REDIS_URL set nothing embedded starts, yet beat keeps its
    schedule under .data/: `run` creates the folder, so a fresh clone's beat starts."""
    from config import launcher

    data_dir = tmp_path / ".data"
    started = []
    monkeypatch.setattr(launcher, "DATA_DIR", data_dir)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(launcher, "manage", lambda environment, *args: None)
    monkeypatch.setattr(launcher.subprocess, "Popen", lambda command, **kw: started.append(command))
    monkeypatch.setattr(launcher, "supervise", lambda children: 0)

    assert launcher.run() == 0

    beat = next(command for command in started if "beat" in command)
    schedule = Path(beat[beat.index("--schedule") + 1])
    assert schedule.parent == data_dir
    assert data_dir.is_dir()


def test_make_run_on_another_port_puts_that_port_in_the_links_it_mails(tmp_path, monkeypatch):
    """PORT=8123 make run: the web server listens there, and the invitations' and calendar
    entries' links (POLKU_BASE_URL) lead there; a POLKU_BASE_URL set by hand wins."""
    from config import launcher

    environments = []
    monkeypatch.setattr(launcher, "DATA_DIR", tmp_path / ".data")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.delenv("POLKU_BASE_URL", raising=False)
    monkeypatch.setattr(launcher, "manage", lambda environment, *args: None)
    monkeypatch.setattr(
        launcher.subprocess, "Popen", lambda command, **kw: environments.append(kw["env"])
    )
    monkeypatch.setattr(launcher, "supervise", lambda children: 0)

    assert launcher.run() == 0
    assert {env["POLKU_BASE_URL"] for env in environments} == {"http://localhost:8123"}

    environments.clear()
    monkeypatch.setenv("POLKU_BASE_URL", "https://polku.example.fi")
    assert launcher.run() == 0
    assert {env["POLKU_BASE_URL"] for env in environments} == {"https://polku.example.fi"}


def test_make_run_answers_this_machine_only_unless_host_is_given(tmp_path, monkeypatch):
    """The demo's logins are public (README): the web server listens on 127.0.0.1, as a Host
    header naming localhost would pass ALLOWED_HOSTS from anywhere; HOST opens it."""
    from config import launcher

    commands = []
    monkeypatch.setattr(launcher, "DATA_DIR", tmp_path / ".data")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/polku")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("HOST", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setattr(launcher, "manage", lambda environment, *args: None)
    monkeypatch.setattr(
        launcher.subprocess, "Popen", lambda command, **kw: commands.append(command)
    )
    monkeypatch.setattr(launcher, "supervise", lambda children: 0)

    def listens_on():
        web = next(command for command in commands if "runserver" in command)
        return web[web.index("runserver") + 1]

    assert launcher.run() == 0
    assert listens_on() == "127.0.0.1:8000"
    commands.clear()
    monkeypatch.setenv("HOST", "192.0.2.10")
    assert launcher.run() == 0
    assert listens_on() == "192.0.2.10:8000"


def test_make_run_takes_the_addresses_and_port_from_env_under_the_shells(tmp_path, monkeypatch):
    """A DATABASE_URL, REDIS_URL or PORT in .env is used as the settings would use it: no
    embedded server starts for it; the shell's value wins over the file's."""
    from config import launcher

    env_file = tmp_path / ".env"
    env_file.write_text(
        "# local services\n"
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/polku_local\n"
        "REDIS_URL=redis://127.0.0.1:6379/4\n"
        "PORT=8124\n"
    )
    monkeypatch.setattr(launcher, "ENV_FILE", env_file)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PORT", "8125")

    def no_embedded_server():
        raise AssertionError("an embedded server started although .env names one")

    monkeypatch.setattr(launcher, "start_embedded_postgres", no_embedded_server)
    monkeypatch.setattr(launcher, "start_embedded_redis", no_embedded_server)
    environment = launcher.service_environment()
    assert environment["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/polku_local"
    assert environment["REDIS_URL"] == "redis://127.0.0.1:6379/4"
    assert environment["PORT"] == "8125"  # the shell's
    assert "DATABASE_URL" not in os.environ  # the file is read into the children's only

    monkeypatch.setattr(launcher, "ENV_FILE", tmp_path / "missing.env")
    monkeypatch.setattr(launcher, "start_embedded_postgres", lambda: "postgres://embedded")
    monkeypatch.setattr(launcher, "start_embedded_redis", lambda: ("unix://r", "redis+socket://r"))
    assert launcher.service_environment()["DATABASE_URL"] == "postgres://embedded"


def test_single_sign_on_lets_the_sign_in_form_go_on_to_the_identity_provider():
    """allauth's "continue" form posts to Polku, which redirects to the provider: browsers
    apply the CSP's form-action to that redirect too, so the provider's origin is allowed
    once SSO is on (and only then)."""
    values = "{'form_action': [str(v) for v in settings.SECURE_CSP['form-action']]}"
    result = _settings_in_subprocess({}, values)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"form_action": ["'self'"]}
    sso = {
        "POLKU_OIDC_ENABLED": "true",
        "POLKU_OIDC_CLIENT_ID": "polku",
        "POLKU_OIDC_CLIENT_SECRET": "not-a-secret",
        "POLKU_OIDC_SERVER_URL": "https://sso.example.fi:8443/realms/county",
    }
    result = _settings_in_subprocess(sso, values)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "form_action": ["'self'", "https://sso.example.fi:8443"]
    }
