"""How the client's log report lies on paper: WeasyPrint's own layout boxes read back.

Long Finnish and Swedish words ("Työkykykoordinaattori", "Dataskyddsombudets") pushed the
table past the page's right margin. Every box of every page must end inside the page's
content area, in each language a report is printed in.
"""

import pytest
from django.utils import translation

from accounts.factories import make_user
from accounts.roles import Role
from audit import actions
from audit.actions import log_access, log_disclosure
from audit.labels import _actions, _channels, _purposes, _roles
from audit.models import Basis
from audit.reports import ReportPeriod
from audit.subjects import describe_clients
from consents.log_labels import CHANNEL_LABELS
from consents.models import InformationCategory, Purpose
from pathways import printing
from services.factories import OrganisationFactory

LONG_ORGANISATION = "Helsingin kaupunki, sosiaali-, terveys- ja pelastustoimiala"
# Half a point: rounding, not a column running over.
TOLERANCE = 0.5


@pytest.fixture
def full_log(unit, subject_client):
    """A row for each role, each basis and each action Polku logs, and a disclosure for each
    purpose and channel: every long word a report can hold."""
    organisation = unit.organisation
    organisation.name_fi = LONG_ORGANISATION
    organisation.name_sv = "Helsingfors stad, social-, hälsovårds- och räddningssektorn"
    organisation.name_en = "City of Helsinki, Social Services, Health Care and Rescue Services"
    organisation.save()
    roles = list(Role)
    users = [
        make_user(role, unit, first_name="Anna-Kaisa", last_name="Kokkonen-Väisänen")
        for role in roles
    ]
    bases = list(Basis)
    for index, action in enumerate(sorted(_actions)):
        log_access(
            actor=_acting(users[index % len(users)]),
            client_id=subject_client.uuid,
            action=action,
            basis=bases[index % len(bases)],
        )
    recipient = OrganisationFactory(
        name_fi="Kansaneläkelaitos, Helsingin vakuutuspiiri",
        name_sv="Folkpensionsanstalten, Helsingfors försäkringsdistrikt",
        name_en="The Social Insurance Institution of Finland, Helsinki district",
    )
    categories = ", ".join(str(category.label) for category in InformationCategory)
    for index, channel in enumerate(CHANNEL_LABELS):
        purpose = list(Purpose)[index % len(Purpose)]
        log_disclosure(
            actor=users[index % len(users)],
            client_id=subject_client.uuid,
            recipient_organisation=recipient,
            recipient_user=users[(index + 1) % len(users)],
            recipient_description="Työkykykoordinaattorin vastaanotto",
            what=categories,
            purpose=purpose,
            basis=Basis.CONSENT if index % 2 else Basis.STATUTE,
            consent_id=1234 if index % 2 else None,
            statute="Laki sosiaalihuollon asiakkaan asemasta ja oikeuksista 812/2000, 16 §",
            channel=channel,
        )
    return subject_client


def _acting(user):
    user.active_assignment = user.role_assignments.select_related("unit").first()
    return user


def overflowing_boxes(html: str) -> list[str]:
    """Each box of the laid-out document whose right edge is past its page's content area."""
    found = []
    for number, page in enumerate(printing.lay_out(html).pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        root = page_box.children[0]  # the <html> box; the page-number margin box is not text
        for box in root.descendants():
            if box.width is None or box.position_x is None:
                continue
            end = box.border_box_x() + box.border_width()
            if end > right + TOLERANCE:
                text = getattr(box, "text", "") or f"{type(box).__name__} <{box.element_tag}>"
                found.append(f"page {number}: {text!r} ends {end - right:.1f}px past the margin")
    return found


def report_html(dpo, client, language: str) -> str:
    report = actions.request_log_report_print(
        subject=describe_clients([client.uuid])[client.uuid],
        period=ReportPeriod.default(),
        language=language,
        requested_by=dpo,
    )
    with translation.override(language):
        return actions._log_report_html(report)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_box_of_the_log_report_stays_inside_the_page(dpo, full_log, language):
    html = report_html(dpo, full_log, language)
    assert "Kokkonen-Väisänen" in html and "Työkykykoordinaattorin vastaanotto" in html
    overflowing = overflowing_boxes(html)
    assert overflowing == [], "\n".join(overflowing[:20])


def test_polkus_own_finnish_words_print_whole(dpo, full_log):
    """Finnish has no hyphenation dictionary: a word longer than its column would be cut
    anywhere ("Työkykykoordinaatto-ri"). Each column is wide enough for the longest word of
    the roles, bases, actions, purposes and channels it shows, so none of them is cut."""
    pieces = set()
    for page in printing.lay_out(report_html(dpo, full_log, "fi")).pages:
        for box in page._page_box.descendants():
            pieces.update(getattr(box, "text", "").split())
    with translation.override("fi"):
        labels = [*_roles.values(), *Basis.labels, *_actions.values(), *_purposes.values()]
        words = {
            word.strip("(),")
            for label in [*labels, *_channels.values()]
            for word in str(label).split()
        }
    # A word with a hyphen in it ("Jobcenter-jakson") may wrap after its hyphen.
    long_words = {word for word in words if len(word) > 12 and "-" not in word}
    cut = sorted(word for word in long_words if not any(word in piece for piece in pieces))
    assert cut == []
