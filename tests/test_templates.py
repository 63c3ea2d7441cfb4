"""Template source rules a template linter does not check.

Django's `{# … #}` comment ends at the end of its line: a two-line one is printed
to the user as text. Longer comments use `{% comment %}`.
"""

from pathlib import Path

from django.conf import settings


def _templates():
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*"):
        if path.is_file() and not {".venv", "node_modules"} & set(path.parts):
            yield path


def test_no_comment_tag_spans_lines():
    found = []
    for path in _templates():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rest = line
            while "{#" in rest:
                rest = rest[rest.index("{#") + 2 :]
                if "#}" not in rest:
                    found.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
                    break
                rest = rest[rest.index("#}") + 2 :]
    assert list(_templates()) and found == []
