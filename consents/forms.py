"""Forms of the consents pages. Domain rules live in `ConsentTerms.errors()`; the
forms show its messages next to the fields they concern."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, PolkuForm, with_blank_choice
from consents import events, scan_files
from consents.actions import ConsentTerms, statutory_basis_errors
from consents.log_labels import CHANNEL_LABELS
from consents.models import (
    EVENT_TIME_ZONE,
    ORDINARY_CATEGORIES,
    Consent,
    ConsentFormType,
    ConsentMethod,
    GiverKind,
    InformationCategory,
    OralEventKind,
    Purpose,
    RevocationMethod,
)
from services.i18n import in_name_order
from services.models import Organisation, OrganisationKind


def _organisations():
    return Organisation.objects.order_by("kind", in_name_order())


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        kind = obj.get_kind_display()
        return obj.name if obj.name == kind else f"{obj.name} ({kind})"


class ScanField(forms.FileField):
    """A scan of the signed form: PDF, JPEG or PNG by content, at most 10 MB."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            scan_files.check_upload(uploaded)
        return uploaded


SCAN_HELP = _("PDF, JPEG tai PNG, enintään 10 Mt. Tiedoston sisältö tarkistetaan.")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ConsentForm(PolkuForm):
    """Records a consent, or a change of one (a new version)."""

    giver_kind = forms.ChoiceField(
        label=_("Suostumuksen antaja"),
        choices=GiverKind.choices,
        initial=GiverKind.CLIENT,
        widget=forms.RadioSelect,
    )
    giver_name = forms.CharField(
        label=_("Huoltajan tai edustajan nimi"), max_length=200, required=False
    )
    giver_basis = forms.CharField(
        label=_("Edustuksen peruste"),
        max_length=300,
        required=False,
        help_text=_("Esimerkiksi edunvalvojan määräys ja sen päivämäärä."),
    )
    method = forms.ChoiceField(
        label=_("Vahvistustapa"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Valitse, miten suostumus vahvistettiin.")},
    )
    form = forms.ChoiceField(
        label=_("Lomake"),
        choices=ConsentFormType.choices,
        required=False,
        initial=ConsentFormType.KELA_Y100,
        widget=forms.RadioSelect,
        help_text=_("Ei suullisessa suostumuksessa."),
    )
    form_description = forms.CharField(
        label=_("Muu lomake tai asiakirja"), max_length=200, required=False
    )
    organisations = OrganisationChoiceField(
        label=_("Nimetyt organisaatiot"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation_kinds = forms.MultipleChoiceField(
        label=_("Kaikki organisaatiot tyypistä"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Esimerkiksi ”työllisyyspalvelut”, kun lomake ei nimeä organisaatiota."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Käyttötarkoitukset"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi käyttötarkoitus.")},
    )
    purpose_description = forms.CharField(
        label=_("Käyttötarkoituksen tarkempi kuvaus"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    categories = forms.MultipleChoiceField(
        label=_("Tietoryhmät"),
        choices=[(c.value, c.label) for c in ORDINARY_CATEGORIES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    health = forms.BooleanField(
        label=_("Terveystiedot (erityinen henkilötietoryhmä)"),
        required=False,
        help_text=_(
            "Merkitse vain, jos asiakas on antanut erikseen suostumuksen terveystietojensa luovuttamiseen."
        ),
    )
    signed_on = forms.DateField(
        label=_("Annettu (allekirjoituspäivä)"), required=False, widget=DateInput
    )
    valid_from = forms.DateField(label=_("Voimassa alkaen"), required=False, widget=DateInput)
    until_further_notice = forms.BooleanField(label=_("Voimassa toistaiseksi"), required=False)
    valid_until = forms.DateField(
        label=_("Voimassa asti"),
        required=False,
        widget=DateInput,
        help_text=_("Jätä tyhjäksi, jos suostumus on voimassa toistaiseksi."),
    )
    event_kind = forms.ChoiceField(
        label=_("Tapahtuman laji"),
        choices=with_blank_choice(OralEventKind.choices),
        required=False,
    )
    event_name = forms.CharField(
        label=_("Tapahtuma"),
        max_length=200,
        required=False,
        help_text=_("Esimerkiksi ”Puhelu Kelan työkykyneuvojan kanssa”."),
    )
    event_date = forms.DateField(label=_("Tapahtuman päivä"), required=False, widget=DateInput)
    event_starts = forms.TimeField(
        label=_("Alkaa klo"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Esimerkiksi puhelun alkamisaika. Istunnon ajat tulevat istunnosta."),
    )
    event_ends = forms.TimeField(
        label=_("Päättyy klo"),
        required=False,
        widget=TIME_INPUT,
        help_text=_("Suostumus ei kata luovutuksia tapahtuman päätyttyä."),
    )
    event_reference = forms.ChoiceField(
        label=_("Istunto"),
        required=False,
        help_text=_(
            "Kun suostumus koskee konsultaatioistuntoa, valitse istunto, jossa asiakkaan asia "
            "käsitellään. Päivä ja nimi täytetään istunnosta."
        ),
    )
    scan = ScanField(label=_("Skannattu lomake"), required=False, help_text=SCAN_HELP)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.fields["organisations"].queryset = _organisations()
        # The events Polku holds for this client, by kind (today: consultation sessions).
        self.event_options = {
            kind: events.event_options(kind, client)
            for kind in OralEventKind.values
            if events.has_source(kind)
        }
        self.fields["event_reference"].choices = [
            ("", _("– ei istuntoa –")),
            *[
                (OralEventKind(kind).label, [(o.reference, o.label) for o in options])
                for kind, options in self.event_options.items()
                if options
            ],
        ]

    def _fill_from_event(self, data) -> None:
        """A picked session names the event: its day and name, unless the worker wrote them."""
        kind, reference = data.get("event_kind"), data.get("event_reference")
        if not reference:
            return
        option = next(
            (o for o in self.event_options.get(kind, ()) if o.reference == reference), None
        )
        if option is None:
            self.add_error(
                "event_reference",
                _("Valittu istunto ei ole valitun lajinen tapahtuma."),
            )
            return
        data["event_date"] = data.get("event_date") or option.date
        data["event_name"] = data.get("event_name") or option.label

    @classmethod
    def initial_for_change(cls, consent: Consent) -> dict:
        terms = ConsentTerms.of(consent)
        today = timezone.localdate()
        return {
            "giver_kind": terms.giver_kind,
            "giver_name": terms.giver_name,
            "giver_basis": terms.giver_basis,
            "method": terms.method,
            "form": terms.form,
            "form_description": terms.form_description,
            "organisations": [o.pk for o in terms.organisations],
            "organisation_kinds": list(terms.organisation_kinds),
            "purposes": list(terms.purposes),
            "purpose_description": terms.purpose_description,
            "categories": list(terms.categories),
            "health": terms.health,
            # A change is given anew: from today unless the worker says otherwise.
            "signed_on": today,
            "valid_from": max(today, terms.valid_from),
            "until_further_notice": terms.valid_until is None,
            "valid_until": terms.valid_until,
            "event_kind": terms.event_kind,
            "event_name": terms.event_name,
            "event_date": terms.event_date,
            "event_reference": terms.event_reference,
            "event_starts": terms.event_starts,
            "event_ends": terms.event_ends,
        }

    def clean(self):
        data = super().clean()
        oral = data.get("method") == ConsentMethod.ORAL
        if not oral:
            for name in ("signed_on", "valid_from"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Kirjaa päivämäärä."))
            if data.get("until_further_notice") and data.get("valid_until"):
                self.add_error(
                    "valid_until",
                    _("Valitse joko päättymispäivä tai ”voimassa toistaiseksi”, ei molempia."),
                )
            elif (
                not data.get("until_further_notice")
                and not data.get("valid_until")
                and "valid_until" not in self.errors
            ):
                self.add_error(
                    "valid_until",
                    _("Kirjaa päättymispäivä tai valitse ”voimassa toistaiseksi”."),
                )
        if "method" not in data:
            # The method is still to be chosen: the rules that hold whatever it is are told
            # now too, so that a second submit brings no new errors on fields left as they were.
            self._add_term_errors(self.terms().content_errors())
            return data
        if oral:
            self._fill_from_event(data)
        self._add_term_errors(self.terms().normalised().errors())
        return data

    def tell_scan_not_kept(self) -> None:
        """A form shown again with errors comes back without the file chosen (a browser never
        fills a file input), so a scan that was fine is told next to its field: saved after
        the other fields are corrected, the consent would otherwise be recorded without it,
        unnoticed. Called by the view just before it renders the form again."""
        uploaded = self.files.get("scan")
        if uploaded and self.errors and "scan" not in self.errors:
            self.add_error(
                "scan",
                _(
                    "Valittua tiedostoa (%(name)s) ei tallennettu, koska lomakkeessa oli "
                    "virheitä. Valitse tiedosto uudelleen ennen tallentamista."
                )
                % {"name": uploaded.name},
            )

    def _add_term_errors(self, errors: dict[str, list[str]]) -> None:
        """Every rule at once, next to its field, unless the field has an error already."""
        for field, messages in errors.items():
            target = field if field in self.fields else None
            if target in self.errors:
                continue
            for message in messages:
                self.add_error(target, message)

    def terms(self) -> ConsentTerms:
        data = self.cleaned_data
        today = timezone.localdate()
        return ConsentTerms(
            method=data.get("method", ""),
            purposes=tuple(data.get("purposes") or ()),
            categories=tuple(data.get("categories") or ()),
            health=bool(data.get("health")),
            signed_on=data.get("signed_on") or data.get("event_date") or today,
            valid_from=data.get("valid_from") or data.get("event_date") or today,
            valid_until=None if data.get("until_further_notice") else data.get("valid_until"),
            organisations=tuple(data.get("organisations") or ()),
            organisation_kinds=tuple(data.get("organisation_kinds") or ()),
            form=data.get("form") or "",
            form_description=data.get("form_description") or "",
            giver_kind=data.get("giver_kind") or GiverKind.CLIENT,
            giver_name=data.get("giver_name") or "",
            giver_basis=data.get("giver_basis") or "",
            purpose_description=data.get("purpose_description") or "",
            event_kind=data.get("event_kind") or "",
            event_name=data.get("event_name") or "",
            event_date=data.get("event_date"),
            event_reference=data.get("event_reference") or "",
            event_starts=data.get("event_starts"),
            event_ends=data.get("event_ends"),
        )


class RevokeConsentForm(PolkuForm):
    revoked_on = forms.DateField(
        label=_("Peruutuspäivä"),
        widget=DateInput,
        initial=timezone.localdate,
        help_text=_("Päivä, jona asiakas peruutti suostumuksen. Peruutus tulee voimaan heti."),
    )
    method = forms.ChoiceField(
        label=_("Miten peruutus tuli"), choices=RevocationMethod.choices, widget=forms.RadioSelect
    )
    through = forms.CharField(
        label=_("Kenen kautta"),
        max_length=200,
        help_text=_("Esimerkiksi ”asiakas itse vastuutyöntekijälle” tai ”Kelan virkailija”."),
    )
    through_organisation = forms.ModelChoiceField(
        label=_("Minkä organisaation kautta"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Jos peruutus tuli toisen osapuolen kautta."),
    )
    note = forms.CharField(
        label=_("Lisätieto"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["through_organisation"].queryset = _organisations()

    def clean_revoked_on(self):
        day = self.cleaned_data["revoked_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Peruutuspäivä ei voi olla tulevaisuudessa."))
        return day


class ScanUploadForm(PolkuForm):
    scan = ScanField(label=_("Skannattu lomake"), help_text=SCAN_HELP)


class StatutoryBasisForm(PolkuForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisaatio"), queryset=Organisation.objects.none(), required=False
    )
    organisation_kind = forms.ChoiceField(
        label=_("tai kaikki organisaatiot tyypistä"),
        choices=with_blank_choice(OrganisationKind.choices),
        required=False,
    )
    statute = forms.CharField(
        label=_("Säädös"),
        max_length=200,
        help_text=_(
            "Laki ja pykälä, esimerkiksi ”Laki sosiaalihuollon asiakkaan asemasta 812/2000, 17 §”."
        ),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Käyttötarkoitukset"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi käyttötarkoitus.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Tietoryhmät"),
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi tietoryhmä.")},
    )
    valid_from = forms.DateField(label=_("Alkaen"), widget=DateInput, initial=timezone.localdate)
    valid_until = forms.DateField(
        label=_("Asti"),
        required=False,
        widget=DateInput,
        help_text=_("Jätä tyhjäksi, jos peruste on voimassa toistaiseksi."),
    )
    description = forms.CharField(
        label=_("Lisätieto"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()

    def clean(self):
        """Every rule of the action at once, next to its field, unless the field has an error
        already (a missing statute says so itself)."""
        data = super().clean()
        errors = statutory_basis_errors(
            statute=data.get("statute") or "",
            organisation=data.get("organisation"),
            organisation_kind=data.get("organisation_kind") or "",
            purposes=data.get("purposes") or (),
            categories=data.get("categories") or (),
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data


class EndStatutoryBasisForm(PolkuForm):
    """The confirmation of no longer relying on a statutory basis: the page's button sends it."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class DisclosureChannel:
    """The channels of a disclosure made outside Polku (their labels: log_labels)."""

    CHOICES = [
        (code, CHANNEL_LABELS[code]) for code in ("phone", "secure_email", "meeting", "letter")
    ]


class DisclosureForm(PolkuForm):
    """A disclosure made outside Polku (a call, a secure e-mail), logged with its basis."""

    organisation = forms.ModelChoiceField(
        label=_("Vastaanottajaorganisaatio"), queryset=Organisation.objects.none()
    )
    recipient_description = forms.CharField(
        label=_("Vastaanottaja"),
        max_length=200,
        help_text=_("Nimi ja tehtävä, esimerkiksi ”Kerttu Kelalainen, työkykyneuvoja”."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Luovutetut tiedot"),
        choices=InformationCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi tietoryhmä.")},
    )
    purpose = forms.ChoiceField(
        label=_("Käyttötarkoitus"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("Kanava"), choices=DisclosureChannel.CHOICES, widget=forms.RadioSelect
    )
    what = forms.CharField(
        label=_("Mitä luovutettiin"),
        max_length=300,
        required=False,
        help_text=_("Tarkempi kuvaus; tyhjänä kirjataan tietoryhmät."),
    )
    oral_consent = forms.ModelChoiceField(
        label=_("Tapahtuma (suullinen suostumus)"),
        queryset=Consent.objects.none(),
        required=False,
        help_text=_("Valitse, jos luovutit tiedot suullisen suostumuksen tapahtuman aikana."),
    )
    disclosed_at = forms.TimeField(
        label=_("Luovutuksen aika (klo)"),
        required=False,
        widget=TIME_INPUT,
        help_text=_(
            "Tyhjänä nyt. Jos luovutit tiedot aiemmin tänään, esimerkiksi puhelun aikana, "
            "kirjaa kellonaika."
        ),
    )

    def __init__(self, *args, oral_consents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        if oral_consents is None:
            del self.fields["oral_consent"]
        else:
            self.fields["oral_consent"].queryset = oral_consents
            self.fields["oral_consent"].label_from_instance = lambda c: (
                f"{c.event_name} ({c.event_when})"
            )

    def disclosure_moment(self) -> datetime.datetime | None:
        """The moment of the disclosure: the time given, today in Helsinki; None for now."""
        time = self.cleaned_data.get("disclosed_at")
        if time is None:
            return None
        now = timezone.now()
        today = timezone.localdate(now, EVENT_TIME_ZONE)
        moment = datetime.datetime.combine(today, time, tzinfo=EVENT_TIME_ZONE)
        # A time more than half a day ahead is no slip of the minute but yesterday's: a call
        # just before midnight logged just after it. It is refused as made on an earlier day
        # (check_disclosed_at), not described as a disclosure in the future.
        if moment - now > datetime.timedelta(hours=12):
            yesterday = today - datetime.timedelta(days=1)
            moment = datetime.datetime.combine(yesterday, time, tzinfo=EVENT_TIME_ZONE)
        return moment
