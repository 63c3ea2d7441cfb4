"""What a consent form says (its parties, purposes, kind and days) and the checks on it,
before anything is saved."""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consents.models import (
    EVENT_KINDS_TIMED_BY_SOURCE,
    EVENT_TIME_ZONE,
    Consent,
    ConsentMethod,
    GiverKind,
    InformationCategory,
    Purpose,
)
from services.models import Organisation, OrganisationKind

# An oral consent is recorded on its event's day (the database checks it too, as
# consent_oral_recorded_on_event_day).
ORAL_RECORDED_ON_EVENT_DAY = "consent_oral_recorded_on_event_day"
ORAL_RECORDED_TOO_LATE = gettext_lazy(
    "Suullinen suostumus kirjataan tapahtuman päivänä, tapahtuman aikana "
    "tai heti sen jälkeen. Myöhemmin sitä ei voi kirjata."
)
ORAL_RECORDED_IN_ADVANCE = gettext_lazy(
    "Suullinen suostumus kirjataan tapahtuman päivänä, kun asiakas antaa sen. "
    "Etukäteen sitä ei voi kirjata."
)
# Nothing is signed for an oral consent: it takes no scan.
ORAL_HAS_NO_FORM = gettext_lazy("Suullisesta suostumuksesta ei ole allekirjoitettua lomaketta.")


@dataclasses.dataclass(frozen=True)
class ConsentTerms:
    """What one consent version says. Health information is asked for by `health`
    (the separate tick), never by listing it among `categories`. An oral consent's
    event that Polku does not hold (a call with Kela) starts at `event_starts` and
    ends at `event_ends`, wall-clock times in Helsinki on `event_date`."""

    method: str
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    signed_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date | None = None
    health: bool = False
    organisations: tuple[Organisation, ...] = ()
    organisation_kinds: tuple[str, ...] = ()
    form: str = ""
    form_description: str = ""
    giver_kind: str = GiverKind.CLIENT
    giver_name: str = ""
    giver_basis: str = ""
    purpose_description: str = ""
    event_kind: str = ""
    event_name: str = ""
    event_date: datetime.date | None = None
    event_reference: str = ""
    event_starts: datetime.time | None = None
    event_ends: datetime.time | None = None

    @property
    def event_timed_here(self) -> bool:
        """An oral consent's event whose start and end are recorded with the consent: any
        event but one Polku holds itself (a consultation session has its own times)."""
        return (
            self.method == ConsentMethod.ORAL
            and bool(self.event_kind)
            and self.event_kind not in EVENT_KINDS_TIMED_BY_SOURCE
        )

    def normalised(self) -> "ConsentTerms":
        """Oral consent lives on its event's day and has no form; written consent has no event.
        Only an event Polku does not hold keeps times of its own."""
        if self.method == ConsentMethod.ORAL:
            day = self.event_date
            terms = dataclasses.replace(
                self, form="", form_description="", signed_on=day, valid_from=day, valid_until=day
            )
            if terms.event_timed_here:
                return terms
            return dataclasses.replace(terms, event_starts=None, event_ends=None)
        return dataclasses.replace(
            self,
            event_kind="",
            event_name="",
            event_date=None,
            event_reference="",
            event_starts=None,
            event_ends=None,
        )

    def _event_moment(self, time: datetime.time | None) -> datetime.datetime | None:
        if time is None or self.event_date is None:
            return None
        return datetime.datetime.combine(self.event_date, time, tzinfo=EVENT_TIME_ZONE)

    def content_errors(self) -> dict[str, list[str]]:
        """Field name -> messages of the rules that hold whatever the method: the giver, the
        parties, the purposes and the information categories. The form tells them also when
        the method is still to be chosen, so that all is told at once."""
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if not self.organisations and not self.organisation_kinds:
            add("organisations", _("Valitse vähintään yksi osapuoli: organisaatio tai tyyppi."))
        if OrganisationKind.KELA in self.organisation_kinds and any(
            o.kind == OrganisationKind.KELA for o in self.organisations
        ):
            # Kela is one organisation: named twice, it would be told of a revocation twice.
            add(
                "organisation_kinds",
                _(
                    "Kela on valittu sekä nimettynä organisaationa että organisaatiotyyppinä. "
                    "Valitse Kela vain kerran."
                ),
            )
        if not self.purposes:
            add("purposes", _("Valitse vähintään yksi käyttötarkoitus."))
        if InformationCategory.HEALTH in self.categories:
            add(
                "health",
                _("Terveystiedot ovat erityinen tietoryhmä: merkitse ne erillisellä rastilla."),
            )
        if not self.categories and not self.health:
            add("categories", _("Valitse vähintään yksi tietoryhmä."))
        if self.giver_kind != GiverKind.CLIENT:
            if not self.giver_name.strip():
                add("giver_name", _("Kirjaa huoltajan tai edustajan nimi."))
            if not self.giver_basis.strip():
                add("giver_basis", _("Kirjaa edustuksen peruste."))
        return errors

    def errors(self) -> dict[str, list[str]]:
        """Field name -> messages; empty when the terms may be recorded."""
        errors = self.content_errors()

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.method == ConsentMethod.ORAL:
            if not self.event_kind:
                add(
                    "event_kind", _("Suullinen suostumus koskee yhtä tapahtumaa: valitse sen laji.")
                )
            if not self.event_name.strip():
                add("event_name", _("Nimeä tapahtuma, jota suullinen suostumus koskee."))
            if self.event_date is None:
                add("event_date", _("Kirjaa tapahtuman päivä."))
            elif self.event_date < timezone.localdate(timezone=EVENT_TIME_ZONE):
                # It covers disclosures within its event only, and those are logged the same
                # day: recorded days later it would reach back to disclosures long made.
                add("event_date", ORAL_RECORDED_TOO_LATE)
            elif self.event_date > timezone.localdate(timezone=EVENT_TIME_ZONE):
                # It is given at the event, not promised for it beforehand.
                add("event_date", ORAL_RECORDED_IN_ADVANCE)
            if self.event_timed_here:
                # The consent covers disclosures within the event only: its end must be known.
                if self.event_starts is None:
                    add("event_starts", _("Kirjaa, mihin aikaan tapahtuma alkaa."))
                if self.event_ends is None:
                    add("event_ends", _("Kirjaa, mihin aikaan tapahtuma päättyy."))
                elif self.event_starts is not None and self.event_ends <= self.event_starts:
                    add(
                        "event_ends",
                        _("Tapahtuman on päätyttävä samana päivänä myöhemmin kuin se alkaa."),
                    )
        else:
            if not self.form:
                add("form", _("Valitse lomake."))
            if self.form == "other" and not self.form_description.strip():
                add("form_description", _("Kerro, mikä lomake tai asiakirja."))
            if self.valid_until is not None and self.valid_until < self.valid_from:
                add("valid_until", _("Päättymispäivä ei voi olla ennen alkamispäivää."))
            if self.valid_from < self.signed_on:
                add("valid_from", _("Suostumus ei voi olla voimassa ennen kuin se on annettu."))
        if self.signed_on and self.signed_on > timezone.localdate():
            add("signed_on", _("Antopäivä ei voi olla tulevaisuudessa."))
        return errors

    def validate(self) -> None:
        errors = self.errors()
        if errors:
            raise ValidationError(errors)

    def model_fields(self) -> dict:
        categories = [c for c in InformationCategory if c in self.categories]
        if self.health:
            categories.append(InformationCategory.HEALTH)
        return {
            "method": self.method,
            "purposes": [p.value for p in Purpose if p in self.purposes],
            "purpose_description": self.purpose_description.strip(),
            "categories": [str(c) for c in categories],
            "health_confirmed": self.health,
            "signed_on": self.signed_on,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "form": self.form,
            "form_description": self.form_description.strip(),
            "giver_kind": self.giver_kind,
            "giver_name": self.giver_name.strip() if self.giver_kind != GiverKind.CLIENT else "",
            "giver_basis": self.giver_basis.strip() if self.giver_kind != GiverKind.CLIENT else "",
            "event_kind": self.event_kind,
            "event_name": self.event_name.strip(),
            "event_date": self.event_date,
            "event_reference": self.event_reference.strip(),
            "event_starts_at": self._event_moment(self.event_starts),
            "event_ends_at": self._event_moment(self.event_ends),
        }

    @classmethod
    def of(cls, consent: Consent) -> "ConsentTerms":
        """The terms of a stored version, as the starting point of a change."""
        parties = list(consent.parties.select_related("organisation"))
        return cls(
            method=consent.method,
            purposes=tuple(consent.purposes),
            categories=tuple(c for c in consent.categories if c != InformationCategory.HEALTH),
            health=consent.health_confirmed,
            signed_on=consent.signed_on,
            valid_from=consent.valid_from,
            valid_until=consent.valid_until,
            organisations=tuple(p.organisation for p in parties if p.organisation_id),
            organisation_kinds=tuple(p.organisation_kind for p in parties if p.organisation_kind),
            form=consent.form,
            form_description=consent.form_description,
            giver_kind=consent.giver_kind,
            giver_name=consent.giver_name,
            giver_basis=consent.giver_basis,
            purpose_description=consent.purpose_description,
            event_kind=consent.event_kind,
            event_name=consent.event_name,
            event_date=consent.event_date,
            event_reference=consent.event_reference,
            event_starts=_wall_clock(consent.event_starts_at),
            event_ends=_wall_clock(consent.event_ends_at),
        )


def _wall_clock(moment: datetime.datetime | None) -> datetime.time | None:
    return None if moment is None else timezone.localtime(moment, EVENT_TIME_ZONE).time()
