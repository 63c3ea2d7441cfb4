"""How the printed pathway summary lies on paper: real WeasyPrint output read back with pypdf."""

import io
from types import SimpleNamespace

from pypdf import PdfReader

from clients.factories import make_plan
from pathways import printing, summary


def _pages(client, language="fi") -> list[str]:
    document = SimpleNamespace(client=client, language=language, sections=list(summary.SECTIONS))
    pdf = printing.render_pdf(summary.render_summary_html(document))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_closing_line_never_prints_alone_on_a_page_of_its_own(worker, client_of):
    """However long the client's own words run, the last page holds more than the closing
    "keep this paper" line: a sheet of paper for one line is a waste and looks like an error.
    (The client's words grow a line at a time, so the closing line meets the page's end.)"""
    client = client_of(plan=False)
    plan = make_plan(client, worker, client_view="Haluan töihin.")
    footer = summary.TEXTS["fi"]["footer"]
    lonely = []
    for lines in range(1, 40):
        plan.client_view = "\n".join(f"Rivi {n}: haluan oppia uutta." for n in range(lines))
        plan.save(update_fields=["client_view"])
        last = _pages(client)[-1]
        assert footer in last
        # The page number ("2 / 2") is all there is besides the closing line.
        rest = last.replace(footer, "").split()
        if all(word == "/" or word.isdigit() for word in rest):
            lonely.append(lines)
    assert lonely == []
