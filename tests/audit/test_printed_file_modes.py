"""Printed PDFs are the clients' documents: kept readable by Polku's own user only, whatever
the process's umask (a folder 0700, each file 0600), never by the other users of the machine."""

import os
import stat

import pytest

from audit import printing


@pytest.fixture
def open_umask():
    """The umask most systems start a process with: files 0644 and folders 0755 by default."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_printed_file_and_its_folder_are_the_owners_only(open_umask):
    name, _checksum = printing.store(b"%PDF-1.7\n%test\n", "modes.pdf")
    assert mode(printing.documents_folder()) == 0o700
    assert mode(printing.stored_path(name)) == 0o600


def test_a_folder_made_before_with_the_umask_is_closed_to_others(open_umask):
    printing.documents_folder().mkdir(parents=True)
    assert mode(printing.documents_folder()) == 0o755  # as an earlier version left it
    part = printing.write_part(b"%PDF-1.7\n%test\n", "earlier.pdf")
    assert mode(printing.documents_folder()) == 0o700
    assert mode(part) == 0o600
