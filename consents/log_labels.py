"""Readable names of the access-log action codes the consents app writes, for the
log reports (registered with audit in ConsentsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "consents.consents.viewed": _("Katseli asiakkaan suostumuksia"),
    "consents.consent.viewed": _("Avasi suostumuksen"),
    "consents.expiring.listed": _("Asiakas näkyi päättyvien suostumusten listassa"),
    "consents.consent.form_viewed": _("Avasi suostumuksen kirjauslomakkeen"),
    "consents.consent.recorded": _("Kirjasi suostumuksen"),
    "consents.membership.admitted": _(
        "Toisen organisaation jäsenen tiimijäsenyys alkoi alkupäivänä, kun suostumus tai "
        "lakiperuste kattoi hänen organisaationsa"
    ),
    "consents.membership.ended_uncovered": _(
        "Toisen organisaation jäsenen tiimijäsenyys päättyi, kun suostumus ei enää kattanut"
    ),
    "consents.consent.changed": _("Kirjasi suostumuksen muutoksen uutena versiona"),
    "consents.consent.revoked": _("Kirjasi suostumuksen peruutuksen"),
    "consents.scan.attached": _("Tallensi skannatun suostumuslomakkeen"),
    "consents.scan.downloaded": _("Avasi skannatun suostumuslomakkeen"),
    "consents.notification.completed": _("Merkitsi osapuolelle ilmoittamisen tehdyksi"),
    "consents.member_uncovered.told": _(
        "Merkitsi tehdyksi tiimistä poistuneelle kertomisen, kun suostumus ei enää kattanut"
    ),
    "consents.disclosure.recorded": _("Kirjasi tietojen luovutuksen luovutuslokiin"),
    "consents.statutory_basis.recorded": _("Kirjasi lakiin perustuvan luovutusperusteen"),
    "consents.statutory_basis.ended": _("Lopetti lakiperusteen käytön"),
}

# Disclosure channels as the client's log report names them.
CHANNEL_LABELS = {
    "phone": _("Puhelu"),
    "secure_email": _("Suojattu sähköposti"),
    "meeting": _("Tapaaminen tai verkostopalaveri"),
    "letter": _("Kirje"),
    "care_team": _("Liittyminen asiakkaan tiimiin"),
}


def describe_consents(ids) -> dict[int, str]:
    """The consent versions as the log reports name them, in the current language: "Kelan
    lomake Y 100, versio 1, annettu 5.12.2026" (one query; registered with audit in
    ConsentsConfig.ready())."""
    from consents.models import Consent

    versions = Consent.objects.filter(pk__in=list(ids)).only(
        "pk", "method", "form", "form_description", "version", "signed_on"
    )
    return {consent.pk: consent.name_with_date for consent in versions}
