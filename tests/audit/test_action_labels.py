"""Every action code the apps write to the access log has a readable label for the DPO's log
reports (page, CSV and the client's log report PDF); an unregistered code would show raw."""

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from audit.labels import _actions, action_label
from tests.audit.conftest import access
from tests.audit.test_export import export_url, read_csv
from tests.conftest import login

APPS = (
    "accounts",
    "services",
    "clients",
    "consents",
    "pathways",
    "consultations",
    "audit",
    "notifications",
    "reports",
)
ACTION_CODE = re.compile(rf"^({'|'.join(APPS)})\.[a-z_]+\.[a-z_]+$")
# The functions that write access-log rows, and read_log, which picks the code a view's
# access function then writes.
LOG_FUNCTIONS = {"log_access", "log_client_access", "log_case", "log_list_hits", "read_log"}
# Access functions (get_client_for_user, get_step_for_user, show_case...) take the code they
# write under one of these names.
CODE_KEYWORDS = {"action", "log_action"}


def _sources():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(root), ast.parse(path.read_text(), filename=str(path))


def _module_constants(trees) -> dict[str, set[str]]:
    """Module-level NAME = "app.thing.done" constants of every module, by name."""
    constants: dict[str, set[str]] = {}
    for _path, tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        constants.setdefault(target.id, set()).add(node.value.value)
    return constants


def _literals(node) -> set[str]:
    return {
        sub.value
        for sub in ast.walk(node)
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str)
    }


def _local_assignments(function) -> dict[str, set[str]]:
    """Names assigned string literals inside one function (`action = "a" if x else "b"`)."""
    local: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    local.setdefault(target.id, set()).update(_literals(node.value))
    return local


def _values(node, local, constants) -> set[str]:
    values = _literals(node)
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            values |= local.get(sub.id, set()) | constants.get(sub.id, set())
        elif isinstance(sub, ast.Attribute):  # log_labels.CASE_VIEWED
            values |= constants.get(sub.attr, set())
    return values


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def logged_action_codes() -> dict[str, str]:
    """Every action code passed to a log function or an access function's `action` /
    `log_action`, as a literal, a module constant or a local name: code -> where."""
    trees = list(_sources())
    constants = _module_constants(trees)
    found: dict[str, str] = {}
    for path, tree in trees:
        scopes = [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]
        for scope in scopes:
            local = _local_assignments(scope) if scope is not tree else {}
            for call in ast.walk(scope):
                if not isinstance(call, ast.Call):
                    continue
                arguments = [k.value for k in call.keywords if k.arg in CODE_KEYWORDS]
                if _called_name(call) in LOG_FUNCTIONS:
                    arguments += [*call.args, *(k.value for k in call.keywords)]
                for argument in arguments:
                    for value in _values(argument, local, constants):
                        if ACTION_CODE.match(value):
                            found.setdefault(value, f"{path}:{call.lineno}")
    return found


def test_the_walk_finds_codes_passed_every_way():
    """Positive control: literals, module constants, conditional locals and access-function
    keywords of every app that logs are found."""
    codes = logged_action_codes()
    assert {
        "clients.client.viewed",  # a keyword literal in get_client_for_user
        "clients.access.requested",  # a literal in log_access
        "pathways.step.viewed",  # a module constant through get_step_for_user and read_log
        "pathways.attendance.viewed",  # a conditional literal in an access function keyword
        "pathways.summary.printed",  # a conditional local in record_print_handed_over
        "consultations.work_pair.accepted",  # a conditional local passed to log_case
        "consultations.case.viewed",  # an imported constant through show_case
        "consents.consent.form_viewed",  # a constant through read_log
        "audit.user_log.viewed",
        "notifications.inbox.listed",
    } <= set(codes)
    assert len({code.split(".")[0] for code in codes}) >= 6


def test_every_logged_action_code_has_a_label():
    missing = {
        code: where for code, where in sorted(logged_action_codes().items()) if code not in _actions
    }
    assert not missing, f"action codes without a label (audit.labels): {missing}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_pathways_labels_are_translated(language):
    with translation.override(language):
        label = action_label("pathways.step.viewed")
    assert label != "pathways.step.viewed"
    assert label == {"fi": "Avasi palvelujakson", "sv": "Öppnade en serviceperiod"}.get(
        language, "Opened a service period"
    )


@pytest.mark.django_db
def test_a_pathways_action_shows_its_label_in_the_log_report_and_csv(
    client, now, dpo, worker, subject_client
):
    at = datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC)
    access(worker, subject_client, at=at, action="pathways.summary.printed")
    access(worker, subject_client, at=at, action="clients.access.requested")
    login(client, dpo)
    page = client.get(reverse("audit:client_log", args=[subject_client.uuid])).content.decode()
    assert "Tulosti asiakkaalle palvelupolun yhteenvedon (PDF)" in page
    assert "Pyysi pääsyä asiakkaan tietoihin" in page
    _header, *rows = read_csv(client.get(export_url(subject_client)))
    assert {row[5] for row in rows if row[1] == "1.3.2026 9.05"} == {
        "Tulosti asiakkaalle palvelupolun yhteenvedon (PDF)",
        "Pyysi pääsyä asiakkaan tietoihin",
    }


@pytest.mark.django_db
def test_the_log_report_says_which_document_was_printed_for_the_client(
    client, now, dpo, worker, subject_client
):
    """A summary and a certificate printed for the client were one row, "the summary or the
    certificate": the client reading their log sees which it was. A row written before the
    split keeps its label."""
    at = datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.UTC)
    access(worker, subject_client, at=at, action="pathways.summary.printed")
    access(worker, subject_client, at=at, action="pathways.certificate_pdf.printed")
    login(client, dpo)
    _header, *rows = read_csv(client.get(export_url(subject_client)))
    assert sorted(row[5] for row in rows if row[1] == "1.3.2026 9.05") == [
        "Tulosti asiakkaalle osaamistodistuksen (PDF)",
        "Tulosti asiakkaalle palvelupolun yhteenvedon (PDF)",
    ]
    assert action_label("pathways.document.printed") == (
        "Tulosti asiakkaalle palvelupolun yhteenvedon tai osaamistodistuksen (PDF)"
    )


@pytest.mark.django_db
def test_the_log_report_says_which_document_page_was_opened(client, dpo, worker, subject_client):
    """Opening a print's page was one row, "opened a print's page", whichever document it was:
    the client reading their log, and the DPO, see which it was. A row written before the
    split keeps its generic label."""
    from pathways.actions import request_pathway_summary

    document = request_pathway_summary(
        client=subject_client, requested_by=worker, language="fi", sections=["services"]
    )
    login(client, worker)
    page = reverse("pathways:document", args=[subject_client.uuid, document.uuid])
    assert client.get(page).status_code == 200
    login(client, dpo)
    report = client.get(reverse("audit:client_log", args=[subject_client.uuid])).content.decode()
    assert "Avasi palvelupolun yhteenvedon tulosteen sivun" in report
    _header, *rows = read_csv(client.get(export_url(subject_client)))
    assert "Avasi palvelupolun yhteenvedon tulosteen sivun" in {row[5] for row in rows}
    assert action_label("pathways.document.viewed") == "Avasi tulosteen sivun"
    with translation.override("en"):
        assert action_label("pathways.certificate_pdf.viewed") != "pathways.certificate_pdf.viewed"
