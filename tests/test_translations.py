"""Finnish first, Swedish and English translated: every catalogue entry has its translation.

The catalogues are written by `make messages` (makemessages). A string added in Finnish
and left untranslated, or one makemessages marked fuzzy after a rewording, would show
Finnish to a Swedish or English reader; this test names each such entry.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/*/LC_MESSAGES/django.po")
    if not {".venv", "node_modules"} & set(path.parts)
)


def _entries(path: Path):
    """(msgid, msgstr parts, flags) of each live entry of a .po file; obsolete ones skipped."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        msgid = "".join(
            re.findall(r'"(.*)"', "\n".join(_section(lines, "msgid ", ("msgstr", "msgid_plural"))))
        )
        msgstrs = [
            "".join(re.findall(r'"(.*)"', "\n".join(_section(lines, start, ("msgstr",)))))
            for start in sorted(
                {line.split(" ")[0] + " " for line in lines if line.startswith("msgstr")}
            )
        ]
        yield msgid, msgstrs, flags


def _section(lines, start, stops):
    taken, inside = [], False
    for line in lines:
        if line.startswith(start):
            inside = True
        elif inside and line.startswith(stops):
            break
        if inside:
            taken.append(line)
    return taken


# locale/fi holds only the Django admin's strings Django's own Finnish lacks (a few).
DJANGO_ADMIN_FINNISH = Path(settings.BASE_DIR, "locale", "fi", "LC_MESSAGES", "django.po")


def test_the_catalogues_are_found():
    languages = {path.parts[-3] for path in CATALOGUES if path != DJANGO_ADMIN_FINNISH}
    assert languages == {"sv", "en"}
    assert len(CATALOGUES) >= 2
    assert DJANGO_ADMIN_FINNISH in CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    missing, fuzzy, count = [], [], 0
    for msgid, msgstrs, flags in _entries(path):
        if not msgid:
            continue  # the header
        count += 1
        if "fuzzy" in flags:
            fuzzy.append(msgid)
        if not msgstrs or not all(msgstrs):
            missing.append(msgid)
    assert count > (5 if path == DJANGO_ADMIN_FINNISH else 10)
    assert missing == []
    assert fuzzy == []


def test_every_string_of_the_code_is_in_the_catalogues(tmp_path):
    """A string marked for translation but never put into the catalogues (`make messages` not
    run) would show Finnish to everyone: makemessages on a copy of the files git keeps (or
    would keep) must find nothing the catalogues lack."""
    root = Path(settings.BASE_DIR)
    tracked = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        if (root / name).is_file():
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "sv",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore=tests",
            "-v0",
        ],
        cwd=tmp_path,
        check=True,
    )
    missing = [
        f"{path.relative_to(tmp_path)}: {msgid!r}"
        for path in sorted(tmp_path.glob("**/locale/*/LC_MESSAGES/django.po"))
        for msgid, msgstrs, flags in _entries(path)
        if msgid and (not all(msgstrs) or "fuzzy" in flags)
    ]
    assert not missing, "Run `make messages` and translate:\n" + "\n".join(missing)
