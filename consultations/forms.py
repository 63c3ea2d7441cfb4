"""Forms of consultations. Times are entered and shown in Europe/Helsinki."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Max, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.forms import DateInput, PolkuForm, PolkuModelForm
from config.ordering import Alphabetical
from consultations.actions.requests import networks_for
from consultations.actions.sessions import not_members_on_the_day
from consultations.ics import HELSINKI, clock
from consultations.models import (
    ConsultationRequest,
    Network,
    NetworkMember,
    RequestStatus,
    Session,
)
from consultations.pseudonymity import check_pseudonymous
from services.i18n import in_name_order
from services.models import Organisation

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Guests invited with a new session; more are invited one by one from the session's page.
MAX_GUESTS = 30


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


def in_helsinki(naive: datetime.datetime) -> datetime.datetime:
    """The wall-clock time `naive` in Helsinki. A time the spring change to summer time skips
    (03.00-03.59 on its night) does not exist: refused, where it would silently become an
    hour later. An autumn time that occurs twice (the hour repeated when summer time ends)
    is its first occurrence, still in summer time (fold=0)."""
    aware = naive.replace(tzinfo=HELSINKI)
    try:
        wall_clock = aware.astimezone(datetime.UTC).astimezone(HELSINKI).replace(tzinfo=None)
    except OverflowError:
        return aware  # Far outside Polku's dates, which the field's range check refuses.
    if wall_clock != naive:
        raise ValidationError(
            _(
                "Tätä kellonaikaa ei ole, koska kelloja siirretään silloin tunnilla eteenpäin "
                "kesäaikaan. Valitse toinen aika."
            ),
            code="nonexistent",
        )
    return aware


class HelsinkiDateTimeField(forms.DateTimeField):
    """A wall-clock time in Helsinki (as the coordinator means it, also across DST): one
    that does not exist there is refused next to the field (in_helsinki)."""

    widget = DateTimeLocalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_LOCAL, "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return value.astimezone(HELSINKI).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else in_helsinki(value)
        if value in self.empty_values:
            return None
        for fmt in self.input_formats:
            try:
                naive = datetime.datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
            return in_helsinki(naive)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


def find_user(email: str):
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(_("Polussa ei ole käyttäjää tällä sähköpostiosoitteella."))
    return user


# A network's name in Swedish or English may be left out: the Finnish one is shown instead.
NAME_FALLS_BACK = _("Jos jätät tyhjäksi, näytetään suomenkielinen nimi.")


class NetworkForm(PolkuModelForm):
    """A new network; its convening organisation is that of the coordinator's active role
    (the only choice: create_network refuses any other). Its name in Finnish is required,
    in Swedish and English optional; each input is marked with its language, so that a
    screen reader and the spelling checker read it right."""

    class Meta:
        model = Network
        fields = [
            "name_fi",
            "name_sv",
            "name_en",
            "description",
            "convening_organisation",
            "default_place",
        ]
        widgets = {
            "name_fi": forms.TextInput(attrs={"lang": "fi"}),
            "name_sv": forms.TextInput(attrs={"lang": "sv"}),
            "name_en": forms.TextInput(attrs={"lang": "en"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"name_sv": NAME_FALLS_BACK, "name_en": NAME_FALLS_BACK}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        assignment = getattr(user, "active_assignment", None)
        field = self.fields["convening_organisation"]
        field.queryset = Organisation.objects.filter(
            pk=assignment.unit.organisation_id if assignment else None
        )
        field.empty_label = None
        field.help_text = _("Organisaatio, jonka roolissa toimit nyt.")


class MemberForm(PolkuForm):
    email = forms.EmailField(label=_("Jäsenen sähköposti Polussa"))
    organisation = forms.ModelChoiceField(
        label=_("Nimeävä organisaatio"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_(
            "Organisaatio, jossa jäsenellä on voimassa oleva rooli. Tyhjä: jäsenen oma organisaatio."
        ),
    )
    expertise = forms.CharField(label=_("Osaaminen"), max_length=200)
    active_from = forms.DateField(label=_("Alkaen"), widget=DateInput, initial=timezone.localdate)
    active_until = forms.DateField(label=_("Päättyen"), widget=DateInput, required=False)

    def clean_email(self):
        return find_user(self.cleaned_data["email"])


def membership_periods(network: Network, today: datetime.date) -> dict[int, list]:
    """The network's memberships not ended before `today` (current and future ones), as
    user id -> [(active_from, active_until), ...] in date order. One query."""
    periods: dict[int, list] = {}
    rows = (
        NetworkMember.objects.filter(network=network)
        .filter(Q(active_until__isnull=True) | Q(active_until__gte=today))
        .order_by("active_from")
        .values_list("user_id", "active_from", "active_until")
    )
    for user_id, active_from, active_until in rows:
        periods.setdefault(user_id, []).append((active_from, active_until))
    return periods


def member_on(periods: list, day: datetime.date) -> bool:
    return any(start <= day and (until is None or until >= day) for start, until in periods)


def _period_text(start: datetime.date, until: datetime.date | None, today: datetime.date) -> str:
    """A membership's period for the label; none for one begun and not ending."""
    dates = {
        "start": date_format(start, "SHORT_DATE_FORMAT"),
        "until": date_format(until, "SHORT_DATE_FORMAT") if until else "",
    }
    if start <= today:
        return _("jäsen %(until)s asti") % dates if until else ""
    if until is None:
        return _("jäsen %(start)s alkaen") % dates
    return _("jäsen %(start)s–%(until)s") % dates


class MembershipLabelMixin:
    """Names each person with the periods of their membership where it begins after today
    or ends: the coordinator sees who will be a member on the session's day. `periods`
    and `today` are set by the form (membership_periods)."""

    periods: dict[int, list] = {}
    today: datetime.date | None = None

    def label_from_instance(self, obj):
        label = f"{obj.get_full_name()} ({obj.organisation})"
        texts = [
            text
            for start, until in self.periods.get(obj.pk, ())
            if (text := _period_text(start, until, self.today))
        ]
        return f"{label}, {', '.join(texts)}" if texts else label


class MemberChoiceField(MembershipLabelMixin, forms.ModelChoiceField):
    pass


class MembersChoiceField(MembershipLabelMixin, forms.ModelMultipleChoiceField):
    pass


def chair_choices(network: Network, coordinator, member_ids, present_chair=None):
    """Who may chair: people of the convening organisation among the network's members
    (`member_ids`: current and future ones; clean() checks the session's day), and the
    coordinator when they belong to it. A session being changed offers its own
    coordinator's choices (another coordinator of the network may change it) and always
    its present chair, so that keeping the chair is never an error of the form."""
    User = get_user_model()
    choices = User.objects.filter(
        is_active=True, organisation=network.convening_organisation_id
    ).filter(pk__in=[*member_ids, coordinator.pk])
    if present_chair is not None:
        choices = choices | User.objects.filter(pk=present_chair.pk)
    return choices.select_related("organisation").order_by(
        Alphabetical("last_name"), Alphabetical("first_name")
    )


class SessionForm(PolkuForm):
    """A session's time, place and chair. The chair must be a member of the network on the
    session's day, or its coordinator (or stay who chairs it now): an error next to the
    chair otherwise. The choices are offered with their membership periods."""

    starts_at = HelsinkiDateTimeField(label=_("Alkaa"))
    duration_minutes = forms.IntegerField(
        label=_("Kesto (minuuttia)"), min_value=15, max_value=480, initial=90
    )
    place = forms.CharField(label=_("Paikka"), max_length=200, required=False)
    video_link = forms.URLField(
        label=_("Videoyhteyden osoite"), max_length=500, required=False, assume_scheme="https"
    )
    chair = MemberChoiceField(label=_("Puheenjohtaja"), queryset=get_user_model().objects.none())

    def __init__(self, *args, network: Network, coordinator, present_chair=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.coordinator = coordinator
        self.present_chair = present_chair
        self.today = timezone.localdate()
        self.periods = membership_periods(network, self.today)
        chair = self.fields["chair"]
        chair.queryset = chair_choices(network, coordinator, self.periods, present_chair)
        chair.periods, chair.today = self.periods, self.today
        chair.help_text = _(
            "Koollekutsuvasta organisaatiosta: %(org)s. Verkoston jäsen istunnon päivänä, "
            "tai koordinaattori."
        ) % {"org": network.convening_organisation}

    def members_on_the_day(self) -> set[int]:
        """Ids of the network's members on the day of the session's start, as entered (in
        cleaned_data): one query, once."""
        if not hasattr(self, "_members_on_the_day"):
            day = timezone.localdate(self.cleaned_data["starts_at"])
            self._members_on_the_day = set(
                NetworkMember.objects.active_on(day)
                .filter(network=self.network)
                .values_list("user_id", flat=True)
            )
        return self._members_on_the_day

    def clean(self):
        data = super().clean()
        if not (data.get("place") or "").strip() and not (data.get("video_link") or "").strip():
            self.add_error("place", _("Anna paikka tai videoyhteys (tai molemmat)."))
        chair = data.get("chair")
        if (
            chair is not None
            and data.get("starts_at") is not None
            and chair.pk != self.coordinator.pk
            and chair != self.present_chair
            and chair.pk not in self.members_on_the_day()
        ):
            self.add_error(
                "chair",
                _(
                    "%(name)s ei ole verkoston jäsen istunnon päivänä %(day)s. Valitse "
                    "puheenjohtajaksi jäsen tai koordinaattori."
                )
                % {
                    "name": chair.get_full_name(),
                    "day": date_format(timezone.localdate(data["starts_at"]), "SHORT_DATE_FORMAT"),
                },
            )
        return data


class NewSessionForm(SessionForm):
    """A new session. Offered as members to invite: the network's members of today and
    those whose membership begins later (with its date in the label). Ticked are the
    members on the day of `initial["starts_at"]`, else today's. A ticked person who is not
    a member on the session's day is refused by name next to the members, unless also
    listed as a guest (or chairing or coordinating: they take part anyway), as
    schedule_session refuses them."""

    members = MembersChoiceField(
        label=_("Kutsuttavat jäsenet"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Valittavina ovat verkoston nykyiset ja tulevat jäsenet; jäsenyyden alkamis- tai "
            "päättymispäivä näkyy nimen perässä. Kutsu vain ne, jotka ovat jäseniä istunnon "
            "päivänä. Muut voit kutsua vieraiksi."
        ),
    )
    guest_emails = forms.CharField(
        label=_("Vieraat"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Polun käyttäjien sähköpostiosoitteet, yksi riville."),
    )

    def __init__(self, *args, network: Network, coordinator, **kwargs):
        super().__init__(*args, network=network, coordinator=coordinator, **kwargs)
        members = (
            get_user_model()
            .objects.filter(pk__in=self.periods, is_active=True)
            .select_related("organisation")
            .order_by(in_name_order("organisation__"), Alphabetical("last_name"))
        )
        field = self.fields["members"]
        field.queryset = members
        field.periods, field.today = self.periods, self.today
        day = self._initial_day() or self.today
        field.initial = [user.pk for user in members if member_on(self.periods[user.pk], day)]
        if network.default_place:
            self.fields["place"].initial = network.default_place

    def _initial_day(self) -> datetime.date | None:
        """The day of the start given as the form's initial value, when it is a time."""
        try:
            starts_at = self.fields["starts_at"].to_python(self.initial.get("starts_at"))
        except ValidationError:
            return None
        return timezone.localdate(starts_at) if starts_at else None

    def clean(self):
        data = super().clean()
        if data.get("starts_at") is None or "members" not in data:
            return data
        taking_part_anyway = {
            self.coordinator.pk,
            *(user.pk for user in [data.get("chair")] if user is not None),
            *(user.pk for user in data.get("guest_emails") or ()),
        }
        members_on_the_day = self.members_on_the_day()
        not_members = [
            user
            for user in data["members"]
            if user.pk not in members_on_the_day and user.pk not in taking_part_anyway
        ]
        if not_members:
            self.add_error(
                "members",
                not_members_on_the_day(not_members, timezone.localdate(data["starts_at"])),
            )
        return data

    def clean_guest_emails(self):
        """The guests' users, looked up in one query; at most MAX_GUESTS addresses."""
        emails = {}  # lower-cased address -> as written; a repeat counts once
        for line in self.cleaned_data["guest_emails"].split():
            emails.setdefault(line.lower(), line)
        if len(emails) > MAX_GUESTS:
            raise ValidationError(
                _("Kutsu enintään %(max)s vierasta kerralla. Lisää muut istunnon sivulta.")
                % {"max": MAX_GUESTS}
            )
        users = {}
        for user in (
            get_user_model()
            .objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails, is_active=True)
            .order_by("pk")
        ):
            users.setdefault(user.email_lower, user)
        guests = [users[key] for key in emails if key in users]
        errors = [line for key, line in emails.items() if key not in users]
        if errors:
            raise ValidationError(
                _("Näillä osoitteilla ei ole Polun käyttäjää: %(emails)s")
                % {"emails": ", ".join(errors)}
            )
        return guests


class CancelSessionForm(PolkuForm):
    reason = forms.CharField(label=_("Perumisen syy"), max_length=300)


class GuestForm(PolkuForm):
    email = forms.EmailField(label=_("Vieraan sähköposti Polussa"))
    expertise = forms.CharField(label=_("Osaaminen"), max_length=200, required=False)

    def clean_email(self):
        return find_user(self.cleaned_data["email"])


# A page of text at most each: the network reads them in the few minutes given to a case.
REQUEST_TEXT_MAX_LENGTHS = {
    "question": 2000,
    "pseudonymous_summary": 4000,
    "background": 4000,
    "tried_so_far": 4000,
}


class RequestForm(PolkuModelForm):
    """The worker's request. The question and the summary every participant sees are
    checked for the client's names and identity code before anything is saved; each
    text has its REQUEST_TEXT_MAX_LENGTHS limit."""

    class Meta:
        model = ConsultationRequest
        fields = [
            "question",
            "pseudonymous_summary",
            "background",
            "tried_so_far",
            "includes_health_data",
            "urgency",
            "preferred_network",
        ]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "pseudonymous_summary": forms.Textarea(attrs={"rows": 4}),
            "background": forms.Textarea(attrs={"rows": 5}),
            "tried_so_far": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, client, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        for name, limit in REQUEST_TEXT_MAX_LENGTHS.items():
            field = self.fields[name]
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.widget.attrs["maxlength"] = str(limit)
        network = self.fields["preferred_network"]
        network.queryset = networks_for(client).select_related("convening_organisation")
        network.empty_label = _("Koordinaattori valitsee")
        if preview_url:
            # htmx refreshes the preview of who would see the case pseudonymously; only the
            # network and the health tick travel in the URL, never the texts.
            for name, other in (
                ("preferred_network", "#id_includes_health_data"),
                ("includes_health_data", "#id_preferred_network"),
            ):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-get": preview_url,
                        "hx-trigger": "change",
                        "hx-target": "#visibility-preview",
                        # Only the contents: the aria-live container itself stays.
                        "hx-swap": "innerHTML",
                        "hx-include": other,
                    }
                )

    def clean(self):
        data = super().clean()
        try:
            check_pseudonymous(
                self.client,
                question=data.get("question", ""),
                pseudonymous_summary=data.get("pseudonymous_summary", ""),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data


# The triage note and the reason for declining are shown on the triage page.
SEEN_BY_THE_COORDINATORS = _(
    "Pyytäjä ja verkoston koordinaattorit näkevät tämän, myös ne, joille tapaus näkyy "
    "pseudonyyminä. Älä kirjoita asiakkaan nimeä, henkilötunnusta, syntymäaikaa tai tarkkaa ikää."
)


class TriageForm(PolkuForm):
    network = forms.ModelChoiceField(label=_("Verkosto"), queryset=Network.objects.none())
    note = forms.CharField(
        label=_("Huomio pyytäjälle"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=SEEN_BY_THE_COORDINATORS,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.run_by(user).active()


class SessionChoiceField(forms.ModelChoiceField):
    """A session, with where its agenda leaves room when the queryset is annotated with
    `agenda_ends_at` (the end of its last case; PlaceOnSessionForm): the time a case placed
    without a start time takes (actions.requests.place_on_session), or that it is full."""

    def label_from_instance(self, obj):
        day = date_format(timezone.localtime(obj.starts_at, HELSINKI), "SHORT_DATE_FORMAT")
        label = f"{obj.network} {day} {clock(obj.starts_at)}–{clock(obj.ends_at)}"
        if not hasattr(obj, "agenda_ends_at"):
            return label
        free_from = max(obj.agenda_ends_at or obj.starts_at, obj.starts_at)
        if free_from >= obj.ends_at:
            return _("%(session)s, asialista täynnä") % {"session": label}
        return _("%(session)s, vapaata klo %(time)s alkaen") % {
            "session": label,
            "time": clock(free_from),
        }


class PlaceOnSessionForm(PolkuForm):
    session = SessionChoiceField(label=_("Istunto"), queryset=Session.objects.none())
    start_time = forms.TimeField(
        label=_("Tapauksen alkamisaika"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Tyhjä: edellisen tapauksen jälkeen."),
    )
    minutes = forms.IntegerField(
        label=_("Aikaa tapaukselle (minuuttia)"), min_value=5, max_value=240, initial=30
    )

    def __init__(self, *args, user, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = Session.objects.open_for_cases_of(user)
        if consultation.status == RequestStatus.TRIAGED:
            # Triaged for a network: its sessions (triage again to take it elsewhere).
            sessions = sessions.filter(network=consultation.network_id)
        self.fields["session"].queryset = (
            sessions.select_related("network")
            .annotate(agenda_ends_at=Max("agenda__ends_at"))
            .order_by("starts_at")
        )

    def starts_at(self):
        time = self.cleaned_data.get("start_time")
        session = self.cleaned_data["session"]
        if time is None:
            return None
        day = timezone.localtime(session.starts_at, HELSINKI).date()
        return datetime.datetime.combine(day, time, tzinfo=HELSINKI)


class DeclineForm(PolkuForm):
    reason = forms.CharField(
        label=_("Miksi pyyntöä ei oteta käsittelyyn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=SEEN_BY_THE_COORDINATORS,
    )


class WithdrawForm(PolkuForm):
    reason = forms.CharField(
        label=_("Miksi perut pyynnön?"),
        max_length=300,
        help_text=_(
            "Koordinaattori näkee syyn. Älä kirjoita asiakkaan nimeä, henkilötunnusta, "
            "syntymäaikaa tai tarkkaa ikää."
        ),
    )


SEEN_BY_EVERY_PARTICIPANT = _(
    "Kaikki osallistujat näkevät tämän, myös ne, joille tapaus näkyy pseudonyyminä. "
    "Älä kirjoita asiakkaan nimeä, henkilötunnusta, syntymäaikaa tai tarkkaa ikää, "
    "äläkä muiden esityslistan asiakkaiden nimiä."
)


class MinutesForm(PolkuForm):
    minutes = forms.CharField(
        label=_("Muistio"),
        help_text=SEEN_BY_EVERY_PARTICIPANT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RecommendationForm(PolkuForm):
    text = forms.CharField(
        label=_("Suositus"),
        help_text=SEEN_BY_EVERY_PARTICIPANT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label=_("Seurantapäivä"),
        widget=DateInput,
        initial=lambda: timezone.localdate() + datetime.timedelta(days=30),
    )
