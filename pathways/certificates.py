"""The youth workshop's competence certificate (osaamistodistus) as a printed document."""

from django.template.loader import render_to_string
from django.utils import timezone

from services.i18n import pick_translation

TEXTS = {
    "fi": {
        "title": "Osaamistodistus",
        "intro": "on osoittanut työpajalla seuraavan osaamisen:",
        "workshop": "Työpaja",
        "period": "Jakso",
        "qualification": "Tutkinto tai tutkinnon osa",
        "issued": "Annettu",
        "signature": "Työpajaohjaaja",
    },
    "sv": {
        "title": "Kompetensintyg",
        "intro": "har i verkstaden visat följande kompetens:",
        "workshop": "Verkstad",
        "period": "Period",
        "qualification": "Examen eller examensdel",
        "issued": "Utfärdat",
        "signature": "Verkstadshandledare",
    },
    "en": {
        "title": "Certificate of competence",
        "intro": "has shown the following skills at the workshop:",
        "workshop": "Workshop",
        "period": "Period",
        "qualification": "Qualification or unit",
        "issued": "Issued",
        "signature": "Workshop coach",
    },
}


def render_certificate_html(document) -> str:
    certificate = document.certificate
    step = certificate.step
    return render_to_string(
        "pathways/pdf/certificate.html",
        {
            "t": TEXTS[document.language],
            "language": document.language,
            "certificate": certificate,
            "client_name": document.client.full_name,
            "step": step,
            "workshop": pick_translation(step.unit, "name", document.language) if step.unit else "",
            # Who gives the certificate: the workshop's organisation.
            "organisation": (
                pick_translation(step.unit.organisation, "name", document.language)
                if step.unit
                else ""
            ),
            "issuer": certificate.issued_by.get_full_name(),
            "printed_on": timezone.localdate(),
        },
    )
