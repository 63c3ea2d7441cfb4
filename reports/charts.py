"""Horizontal bar charts as SVG geometry: the template draws them with presentation
attributes only (the CSP forbids style attributes).

Coordinates are returned as strings formatted here, because the template
engine would localise numbers ("12,5") and break the SVG. A hidden figure
draws no bar, only its text ("alle 5"); the chart is a picture of the table
next to it, which carries the same figures for screen readers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.suppression import Figure

WIDTH = 640
LABEL_WIDTH = 230
PLOT_WIDTH = 330
BAR_HEIGHT = 20
ROW_HEIGHT = 30
TOP = 8
LABEL_CHARS = 32


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: str
    text_y: str
    width: str | None
    text_x: str


@dataclass(frozen=True)
class Band:
    """A target range drawn behind the bars (e.g. the IPS target of 50–70 %)."""

    x: str
    width: str
    label: str


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    view_box: str
    height: str
    plot_x: str
    bars: list[Bar]
    band: Band | None = None


def _fmt(number: float) -> str:
    return f"{number:.1f}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    rows: Sequence[tuple[str, Figure]],
    *,
    title: str,
    description: str,
    scale_max: float | None = None,
    band: tuple[float, float, str] | None = None,
) -> BarChart | None:
    """Bars of the shown figures on a common scale; None when there is nothing to draw.

    `scale_max` fixes the scale (100 for shares); by default the largest shown
    value. `band` is (from, to, label) in the scale's units.
    """
    shown = [figure.value for _label, figure in rows if not figure.hidden]
    top = scale_max or max(shown, default=0)
    if not rows or top <= 0:
        return None
    bars = []
    for index, (label, figure) in enumerate(rows):
        y = TOP + index * ROW_HEIGHT
        width = None if figure.hidden else PLOT_WIDTH * min(figure.value, top) / top
        bars.append(
            Bar(
                label=_short(str(label)),
                text=figure.text,
                y=_fmt(y),
                text_y=_fmt(y + BAR_HEIGHT * 0.75),
                width=None if width is None else _fmt(max(width, 1.0)),
                text_x=_fmt(LABEL_WIDTH + (width or 0) + 6),
            )
        )
    height = TOP * 2 + len(rows) * ROW_HEIGHT
    drawn_band = None
    if band is not None:
        start, end, band_label = band
        drawn_band = Band(
            x=_fmt(LABEL_WIDTH + PLOT_WIDTH * start / top),
            width=_fmt(PLOT_WIDTH * (end - start) / top),
            label=band_label,
        )
    return BarChart(
        title=title,
        description=description,
        view_box=f"0 0 {WIDTH} {height}",
        height=str(height),
        plot_x=str(LABEL_WIDTH),
        bars=bars,
        band=drawn_band,
    )


def organisation_charts(report) -> dict[str, BarChart | None]:
    """The charts of the manager's report page (an OrganisationReport), keyed by section."""
    caseload_rows = [(row.label, row.figure) for row in report.caseload.rows]
    if report.caseload.rows or not report.caseload.without_worker.hidden:
        caseload_rows.append((_("Ei vastuutyöntekijää"), report.caseload.without_worker))
    rehab = report.rehabilitation
    ips = report.ips
    band = None
    if ips.target_min is not None:
        band = (
            ips.target_min,
            ips.target_max if ips.target_max is not None else 100,
            _("tavoite"),
        )
    return {
        "caseload": bar_chart(
            caseload_rows,
            title=_("Asiakkaita vastuutyöntekijää kohden"),
            description=_("Pylväät vastaavat alla olevaa taulukkoa."),
        ),
        "rehabilitation": bar_chart(
            [
                (_("Ennen varoituskuukautta"), rehab.before_warning),
                (_("Varoituskuukausina"), rehab.in_warning_months),
                (_("Enimmäiskesto täynnä"), rehab.past_maximum),
            ],
            title=_("Kuntouttavan työtoiminnan avoimet jaksot"),
            description=_("Pylväät vastaavat alla olevaa taulukkoa."),
        ),
        "shares": bar_chart(
            [
                (_("Arviointi myöhässä"), report.situation.overdue_reviews.share),
                (_("Suostumus voimassa"), report.situation.consent_coverage.share),
            ],
            title=_("Osuudet aktiivisista asiakkaista"),
            description=_("Asteikko 0–100 %. Pylväät vastaavat taulukoiden osuuksia."),
            scale_max=100,
        ),
        "ips": bar_chart(
            [(_("Työllistyneet"), ips.employed.share)],
            title=_("Tuetun työllistymisen asiakkaista työllistyneet"),
            description=_("Asteikko 0–100 %; tavoitealue on korostettu."),
            scale_max=100,
            band=band,
        ),
    }
