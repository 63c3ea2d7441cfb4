"""The youth workshop's competence certificate (osaamistodistus) as a printed document.

The workshop's and its organisation's names are services.i18n.Phrase: one with no name in the
certificate's language prints in Finnish and is marked so in the HTML (see pathways.summary).
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format

from accounts.models import RoleAssignment
from accounts.roles import COACH_ROLES, Role

# The version of the certificate's template (pathways/pdf/certificate.html) and of the texts
# here, recorded on each printed certificate: raise it with any change to what it says or shows.
# tests/test_print_template_versions.py fails on a change to its files without a new version.
TEMPLATE_VERSION = "2026.12.7.2"

TEXTS = {
    "fi": {
        "title": "Osaamistodistus",
        "intro": "on osoittanut työpajalla seuraavan osaamisen:",
        "workshop": "Työpaja",
        "period": "Jakso",
        "ongoing": "{start} alkaen, jatkuu",
        "qualification": "Tutkinto tai tutkinnon osa",
        "issued": "Annettu",
        "issuer": "Myöntäjä",
    },
    "sv": {
        "title": "Kompetensintyg",
        "intro": "har i verkstaden visat följande kompetens:",
        "workshop": "Verkstad",
        "period": "Period",
        "ongoing": "från {start}, pågår",
        "qualification": "Examen eller examensdel",
        "issued": "Utfärdat",
        "issuer": "Utfärdare",
    },
    "en": {
        "title": "Skills certificate",
        "intro": "has shown the following skills at the workshop:",
        "workshop": "Workshop",
        "period": "Period",
        "ongoing": "from {start}, ongoing",
        "qualification": "Qualification or part of a qualification",
        "issued": "Issued",
        "issuer": "Issued by",
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
            "issuer_role": _issuer_role(certificate, step, document.language),
            "printed_on": timezone.localdate(),
        },
    )


def _issuer_role(certificate, step, language: str) -> str:
    """The role the certificate's issuer held on the day they issued it, as the role
    vocabulary names it in `language` ("Työpajaohjaaja", "Sosiaalityöntekijä"): the coach
    role of the step's own coach, else the one role the issuer held that day. Nothing when
    that does not tell (several roles, none left on record): the certificate names the
    issuer under a neutral heading and never gives them a role they did not act in."""
    roles = set(
        RoleAssignment.objects.for_user(certificate.issued_by)
        .current(on=certificate.issued_on)
        .values_list("role", flat=True)
    )
    if certificate.issued_by_id == step.coach_id and len(roles & COACH_ROLES) == 1:
        roles &= COACH_ROLES
    if len(roles) != 1:
        return ""
    with translation.override(language):
        return str(Role(roles.pop()).label)
