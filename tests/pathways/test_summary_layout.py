"""How the printed pathway summary lies on paper: real WeasyPrint output read back with pypdf."""

import datetime
import io
import re
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from clients.factories import make_plan
from pathways import printing, summary, timeline
from pathways.factories import make_step


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


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_today_label_is_drawn_beside_its_line_not_under_it(worker, client_of, today, language):
    """The red "today" line crossed the first letter of its label ("i dag" read as "dag"):
    the label starts a little after the line, on the client page and on paper alike."""
    client = client_of()
    make_step(
        client,
        "social_rehabilitation",
        created_by=worker,
        start_on=today - datetime.timedelta(days=90),
        planned_end_on=today + datetime.timedelta(days=90),
    )
    document = SimpleNamespace(client=client, language=language, sections=["timeline"])
    html = summary.render_summary_html(document)
    line_x = float(re.search(r'<line x1="([\d.]+)"[^>]*stroke="#b01038"', html).group(1))
    label = re.search(
        rf'<text x="([\d.]+)"[^>]*text-anchor="(start|end)"[^>]*fill="#b01038">'
        rf"{summary.TEXTS[language]['today']}</text>",
        html,
    )
    assert label, html
    label_x, anchor = float(label.group(1)), label.group(2)
    assert (anchor, label_x) == ("start", line_x + 4)

    drawn = timeline.build(list(client.pathway_steps.select_related("service_type")), today)
    assert (drawn.today_label_x, drawn.today_label_anchor) == (drawn.today_x + 4, "start")


def test_the_service_names_are_drawn_over_the_line_of_today(worker, client_of, today, client):
    """The red line of today crossed the name of a service that began just before it
    ("Arbetsträning"): the names are drawn last, over the line, on the client page and on
    paper alike."""
    from django.urls import reverse

    from tests.conftest import login

    person = client_of()
    make_step(
        person,
        "social_rehabilitation",
        created_by=worker,
        start_on=today - datetime.timedelta(days=3),
        planned_end_on=today + datetime.timedelta(days=90),
    )
    document = SimpleNamespace(client=person, language="fi", sections=["timeline"])
    printed = summary.render_summary_html(document)
    login(client, worker)
    page = client.get(reverse("clients:detail", args=[person.uuid])).content.decode()
    for html, today_line in ((printed, 'stroke="#b01038"'), (page, "polku-timeline__today")):
        line_at = re.search(rf"<line [^>]*{today_line}", html).start()
        name_at = html.index("Sosiaalinen kuntoutus</text>")
        assert line_at < name_at
