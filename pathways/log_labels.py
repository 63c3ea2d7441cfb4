"""Readable names of the access-log action codes the pathways app writes, for the DPO's log
reports, their CSV and the client's log report PDF (registered with audit in
PathwaysConfig.ready())."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "pathways.step.planned": _("Suunnitteli palvelujakson"),
    "pathways.step.viewed": _("Avasi palvelujakson"),
    "pathways.step.changed": _("Muutti palvelujakson tietoja"),
    "pathways.step.status_changed": _("Aloitti, keskeytti tai jatkoi palvelujaksoa"),
    "pathways.step.ended": _("Päätti palvelujakson"),
    "pathways.step.cancelled": _("Perui suunnitellun palvelujakson"),
    "pathways.step.follow_on_replaced": _(
        "Valitsi päättyneelle palvelujaksolle uuden jatkopolun tai tuloksen perutun tilalle"
    ),
    "pathways.follow_on.requested": _(
        "Pyysi vastuutyöntekijää suunnittelemaan palvelujakson jatkopolun"
    ),
    "pathways.attendance.viewed": _("Avasi palvelujakson läsnäolot"),
    "pathways.attendance.recorded": _("Kirjasi läsnäolot"),
    "pathways.jobcenter_contract.saved": _("Tallensi Jobcenter-jakson työsopimuksen"),
    "pathways.income_clarification.recorded": _("Kirjasi Jobcenter-jakson tuloselvityksen"),
    "pathways.employer_contact.added": _("Kirjasi työnantajakontaktin"),
    "pathways.in_work_support.added": _("Kirjasi tuen työssä"),
    "pathways.ips_phase.recorded": _("Kirjasi tuetun työllistymisen vaiheen"),
    "pathways.benefits_counselling.recorded": _("Kirjasi etuusneuvonnan"),
    "pathways.placement.recorded": _("Kirjasi työllistymisen tai opintojen alkamisen"),
    "pathways.placement.ended": _("Kirjasi työn tai opintojen päättymisen"),
    "pathways.placement.cancelled": _("Perui alkamattoman työn tai opinnot"),
    "pathways.certificate.issued": _("Kirjasi osaamistodistuksen"),
    "pathways.certificate_pdf.requested": _("Pyysi osaamistodistuksen PDF-tulosteen"),
    "pathways.summary.requested": _("Pyysi palvelupolun yhteenvedon PDF-tulosteen"),
    "pathways.summary_dialog.viewed": _("Avasi palvelupolun yhteenvedon tulostusvalinnat"),
    "pathways.summary.viewed": _("Avasi palvelupolun yhteenvedon tulosteen sivun"),
    "pathways.certificate_pdf.viewed": _("Avasi osaamistodistuksen tulosteen sivun"),
    # Written for both documents until they were told apart; the log keeps such rows.
    "pathways.document.viewed": _("Avasi tulosteen sivun"),
    "pathways.summary.printed": _("Tulosti asiakkaalle palvelupolun yhteenvedon (PDF)"),
    "pathways.certificate_pdf.printed": _("Tulosti asiakkaalle osaamistodistuksen (PDF)"),
    # Written for both documents until they were told apart; the log keeps such rows.
    "pathways.document.printed": _(
        "Tulosti asiakkaalle palvelupolun yhteenvedon tai osaamistodistuksen (PDF)"
    ),
}
