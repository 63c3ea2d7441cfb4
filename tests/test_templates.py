"""Template source rules a template linter does not check.

Django's `{# … #}` comment ends at the end of its line: a two-line one is printed
to the user as text. Longer comments use `{% comment %}`.
"""

import re
from collections import Counter
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


def test_no_two_scrolling_tables_share_a_fixed_name():
    """A scrolling table's box is a region landmark (role="region"), named after its table: one
    name given to every such box ("Vieritettävä taulukko") did not say which table a screen
    reader's list of landmarks offered. A name from a variable ({{ caption }}) is the page's
    to make unique (tests of the pages with several)."""
    region = re.compile(r'class="polku-table-scroll" role="region"[^>]*>')
    fixed = re.compile(r"""aria-label="\{% translate ["'](.+?)["'] %\}\"""")
    names, unnamed = Counter(), []
    for path in _templates():
        for tag in region.findall(path.read_text(encoding="utf-8")):
            if match := fixed.search(tag):
                names[match.group(1)] += 1
            elif "aria-label" not in tag:  # aria-label="{{ … }}" or aria-labelledby
                unnamed.append(f"{path.relative_to(settings.BASE_DIR)}: {tag}")
    assert len(names) > 10
    assert [name for name, count in names.items() if count > 1] == []
    assert unnamed == []
