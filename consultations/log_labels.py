"""Access-log action codes the consultations app writes, with readable names for the
DPO's log reports (registered with audit in ConsultationsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

REQUEST_FORM_VIEWED = "consultations.request.form_viewed"
REQUEST_VIEWED = "consultations.request.viewed"
REQUEST_LISTED = "consultations.request.listed"
REQUEST_TRIAGE_VIEWED = "consultations.request.triage_viewed"
CASE_VIEWED = "consultations.case.viewed"
CASE_LISTED = "consultations.case.listed"
# A change of the client's care team brought a presenter to a session, or took one off it.
PRESENTER_INVITED = "consultations.presenter.invited"
PRESENTER_RELEASED = "consultations.presenter.released"
# A text for the participants (note, reason, minutes, recommendation) identified this client
# and was not saved: its writer may have typed a guess (consultations.actions.common).
IDENTIFYING_TEXT_REFUSED = "consultations.text.identifying_refused"

ACTION_LABELS = {
    REQUEST_FORM_VIEWED: _("Avasi konsultaatiopyynnön lomakkeen"),
    "consultations.request.created": _("Pyysi tapauskonsultaatiota"),
    REQUEST_VIEWED: _("Avasi konsultaatiopyynnön"),
    REQUEST_LISTED: _("Näki konsultaatiopyynnön luettelossa"),
    REQUEST_TRIAGE_VIEWED: _("Avasi konsultaatiopyynnön käsiteltäväksi"),
    "consultations.request.triaged": _("Otti konsultaatiopyynnön käsittelyyn"),
    "consultations.request.declined": _("Ei ottanut konsultaatiopyyntöä käsittelyyn"),
    "consultations.request.scheduled": _("Lisäsi tapauksen istunnon esityslistalle"),
    "consultations.request.unscheduled": _("Poisti tapauksen esityslistalta"),
    "consultations.request.withdrawn": _("Perui konsultaatiopyynnön"),
    "consultations.request.closed": _("Päätti konsultaation"),
    CASE_VIEWED: _("Avasi konsultaatiotapauksen"),
    CASE_LISTED: _("Näki konsultaatiotapauksen esityslistalla tai jonossa"),
    "consultations.minutes.recorded": _("Kirjasi konsultaation muistion"),
    "consultations.recommendation.created": _("Kirjasi konsultaation suosituksen"),
    "consultations.work_pair.offered": _("Tarjoutui työpariksi konsultaatiosta"),
    "consultations.work_pair.accepted": _("Hyväksyi työparin tiimiin"),
    "consultations.work_pair.declined": _("Ei hyväksynyt työparia tiimiin"),
    PRESENTER_INVITED: _("Kutsui uuden vastuutyöntekijän istuntoon tapauksen esittelijäksi"),
    PRESENTER_RELEASED: _("Poisti omatiimistä lähteneen esittelijän istunnosta"),
    IDENTIFYING_TEXT_REFUSED: _(
        "Kirjoitti osallistujille tekstin, joka olisi tunnistanut asiakkaan (ei tallennettu)"
    ),
}
