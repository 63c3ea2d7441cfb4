"""The youth workshop's competence certificate (osaamistodistus) as a printed document.

The workshop's and its organisation's names are services.i18n.Phrase: one with no name in the
certificate's language prints in Finnish and is marked so in the HTML (see pathways.summary).
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format

# The version of the certificate's template (pathways/pdf/certificate.html) and of the texts
# here, recorded on each printed certificate: raise it with any change to what it says or shows.
TEMPLATE_VERSION = "2026.12.6"

TEXTS = {
    "fi": {
        "title": "Osaamistodistus",
        "intro": "on osoittanut työpajalla seuraavan osaamisen:",
        "workshop": "Työpaja",
        "period": "Jakso",
        "ongoing": "{start} alkaen, jatkuu",
        "qualification": "Tutkinto tai tutkinnon osa",
        "issued": "Annettu",
        "signature": "Työpajaohjaaja",
    },
    "sv": {
        "title": "Kompetensintyg",
        "intro": "har i verkstaden visat följande kompetens:",
        "workshop": "Verkstad",
        "period": "Period",
        "ongoing": "från {start}, pågår",
        "qualification": "Examen eller examensdel",
        "issued": "Utfärdat",
        "signature": "Verkstadshandledare",
    },
    "en": {
        "title": "Skills certificate",
        "intro": "has shown the following skills at the workshop:",
        "workshop": "Workshop",
        "period": "Period",
        "ongoing": "from {start}, ongoing",
        "qualification": "Qualification or part of a qualification",
        "issued": "Issued",
        "signature": "Workshop coach",
    },
}


def render_certificate_html(document) -> str:
    certificate = document.certificate
    step = certificate.step
    texts = TEXTS[document.language]
    start = date_format(step.start_on, "j.n.Y")
    # A period still running prints as running: its planned end is not a fact yet.
    period = (
        f"{start}–{date_format(step.ended_on, 'j.n.Y')}"
        if step.ended_on
        else texts["ongoing"].format(start=start)
    )
    return render_to_string(
        "pathways/pdf/certificate.html",
        {
            "t": texts,
            "period": period,
            "language": document.language,
            "certificate": certificate,
            "client_name": document.client.full_name,
            "step": step,
            "workshop": step.unit.name_in(document.language) if step.unit else "",
            # Who gives the certificate: the workshop's organisation.
            "organisation": step.unit.organisation.name_in(document.language) if step.unit else "",
            "issuer": certificate.issued_by.get_full_name(),
            "printed_on": timezone.localdate(),
        },
    )
