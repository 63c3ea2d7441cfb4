"""Each printed document records the version of what it says and shows (template version);
an auditor reads from it which wording a client was given. The version is raised by hand,
so this test pins each version to a fingerprint of the files that make the paper: a change
to any of them without a new version fails here.

When it fails: raise the document's version constant; the test then prints the
fingerprint to record beside the new version below (the constant lives in one of the
files, so the fingerprint is that of the files with the new version in them). A change
that prints nothing differently (a comment, a refactoring) records its new fingerprint
under the same version: the failure makes that a decision, not an oversight."""

import hashlib
from pathlib import Path

import pytest

from audit.reports import LOG_REPORT_TEMPLATE_VERSION
from pathways import certificates, summary

ROOT = Path(__file__).resolve().parent.parent
PRINT_CSS = "static/polku/print.css"

DOCUMENTS = {
    "pathway summary": (
        "pathways.summary.TEMPLATE_VERSION",
        summary.TEMPLATE_VERSION,
        [
            "pathways/summary.py",
            "pathways/timeline.py",
            "pathways/templates/pathways/pdf/summary.html",
            PRINT_CSS,
        ],
    ),
    "competence certificate": (
        "pathways.certificates.TEMPLATE_VERSION",
        certificates.TEMPLATE_VERSION,
        [
            "pathways/certificates.py",
            "pathways/templates/pathways/pdf/certificate.html",
            PRINT_CSS,
        ],
    ),
    "client's log report": (
        "audit.reports.LOG_REPORT_TEMPLATE_VERSION",
        LOG_REPORT_TEMPLATE_VERSION,
        [
            "audit/reports.py",
            "audit/templates/audit/pdf_client_log.html",
            "audit/templates/audit/client_log_tables.html",
            PRINT_CSS,
        ],
    ),
}

# The version each document is at, and the fingerprint of its files at that version.
RECORDED = {
    "pathway summary": ("2026.12.7.1", "10d1629356b4ade8"),
    "competence certificate": ("2026.12.7.2", "7301b1a9c79bca9c"),
    "client's log report": ("2026.12.7", "eb1794f1e6fd14ef"),
}


def fingerprint(paths: list[str]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode())
        digest.update((ROOT / path).read_bytes())
    return digest.hexdigest()[:16]


@pytest.mark.parametrize("document", sorted(DOCUMENTS))
def test_what_a_document_prints_changes_only_with_its_version(document):
    constant, version, paths = DOCUMENTS[document]
    now = fingerprint(paths)
    recorded_version, recorded_fingerprint = RECORDED[document]
    if version == recorded_version:
        assert now == recorded_fingerprint, (
            f"The files of the {document} changed ({', '.join(paths)}) but {constant} is still "
            f"{version}: raise it, and this test then tells the fingerprint to record (if the "
            f"paper is unchanged, record {now!r} under {version!r})."
        )
    else:
        pytest.fail(
            f"{constant} is now {version}: record ({version!r}, {now!r}) for the {document} "
            "in RECORDED."
        )
