import datetime
import uuid

import rules
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clients import identity, team_scope
from clients.actions import (
    ASSESSMENT_COMPLETED_IN_FUTURE,
    ASSESSMENT_NEEDS_CLIENT_VIEW,
    ASSESSMENT_NEEDS_SPECIAL_SUPPORT,
    ASSESSMENT_STARTED_IN_FUTURE,
    CLIENT_CHANGED_MEANWHILE,
    CONTACT_FIELDS,
    HANDOVER_NOTE_MAX_LENGTH,
    check_closing_day,
    check_preferred_contact,
    check_relationship_home,
    check_roles_beside,
    clean_access_request_reason,
    clean_goals,
    parse_permanent_identity_code,
)
from clients.models import (
    CareTeamMembership,
    CaseNote,
    Client,
    ClientPlan,
    CommunicationNeed,
    GoalStatus,
    ServiceNeedAssessment,
    SpecialSupport,
    TeamRole,
)
from config.forms import DateInput, PolkuForm, PolkuModelForm, with_blank_choice
from config.ordering import Alphabetical
from config.query import is_ascii_number
from services.i18n import in_name_order

CLIENT_FIELDS = [
    "first_names",
    "last_name",
    "calling_name",
    "language",
    "other_language",
    "interpreter_needed",
    "phone",
    "email",
    "street_address",
    "postal_code",
    "city",
    "address_non_disclosure",
    "preferred_contact",
    "communication_needs",
    "accessibility_notes",
    "relationship_home",
]

# A non-disclosed address (turvakielto) and its flag: only the responsible worker sees or changes them.
ADDRESS_FIELDS = ["street_address", "postal_code", "city", "address_non_disclosure"]


class ClientForm(PolkuModelForm):
    communication_needs = forms.MultipleChoiceField(
        label=_("Kommunikointi ja saavutettavuus"),
        choices=CommunicationNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {"accessibility_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.address_hidden = bool(
            self.instance.pk
            and self.instance.address_non_disclosure
            and not rules.has_perm("clients.view_protected_address", user, self.instance)
        )
        if self.address_hidden:
            # Left out of the form: never rendered, never bound, the stored address stays as it is.
            for name in ADDRESS_FIELDS:
                del self.fields[name]
        else:
            # Shown on screen, never printed, whatever the stored flag: the worker may tick it
            # on this very form, and a refused form comes back with the address filled in.
            for name in ADDRESS_FIELDS:
                self.fields[name].template_name = "forms/screen_only_field.html"
        if self.instance.pk:
            # The values the user was shown travel with the form: only what they changed is
            # written, and update_client refuses a change over a colleague's made meanwhile.
            # A field whose shown value was not sent (a page opened before the form carried
            # them, an empty list of choices) is compared with the stored row, as before.
            for name, field in self.fields.items():
                field.show_hidden_initial = (
                    not self.is_bound or self.add_initial_prefix(name) in self.data
                )

    def shown_values(self) -> dict:
        """update_client's `shown`: the value each changed field had when the form was shown,
        for the fields whose shown value was sent."""
        shown = {}
        for name in self.changed_data:
            field, key = self.fields[name], self.add_initial_prefix(name)
            if field.show_hidden_initial:
                raw = self._widget_data_value(field.hidden_widget(), key)
                shown[name] = field.to_python(raw)
        return shown

    def show_stored(self, client: Client, error: ValidationError) -> None:
        """The form sent again after update_client refused changes a colleague overtook
        (`error`): those fields are shown as having the stored values, so that saving once
        more, after checking, writes the user's values."""
        if not hasattr(error, "error_dict"):
            return
        data = self.data.copy()
        for name, messages in error.message_dict.items():
            if CLIENT_CHANGED_MEANWHILE not in messages or name not in self.fields:
                continue
            value = getattr(client, name)
            key = self.add_initial_prefix(name)
            if isinstance(value, list):
                data.setlist(key, value)
            else:
                data[key] = "" if value is None else str(value)
        self.data = data

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not (is_ascii_number(code) and len(code) == 5):
            raise ValidationError(_("Postinumerossa on viisi numeroa."))
        return code

    def clean(self):
        data = super().clean()
        if data.get("language") == "other" and not data.get("other_language"):
            self.add_error("other_language", _("Kerro, mikä kieli."))
        # Checked when it is chosen, not on every save: an employment expert who is the
        # responsible worker of a client a colleague moved to social services still saves
        # other changes (update_client checks it only when it changes, too).
        home = data.get("relationship_home")
        if home and (self.instance.pk is None or home != self.instance.relationship_home):
            try:
                check_relationship_home(
                    role=getattr(self.user, "active_role", None),
                    relationship_home=home,
                )
            except ValidationError as error:
                self.add_error(None, error)
        self._check_preferred_contact(data)
        return data

    def _check_preferred_contact(self, data) -> None:
        """actions.check_preferred_contact on what the form holds. An address left out of the
        form (non-disclosed, address_hidden) is the stored one; a detail with an error of its
        own counts as given (its error is next to it)."""

        def value(name):
            if name in self.errors:
                return "given"
            return data.get(name) if name in self.fields else getattr(self.instance, name)

        try:
            check_preferred_contact({name: value(name) for name in CONTACT_FIELDS})
        except ValidationError as error:
            self.add_error(None, error)


class RegisterClientForm(ClientForm):
    identity_code = forms.CharField(
        label=_("Henkilötunnus"),
        max_length=11,
        help_text=_("Esimerkiksi 010594Y9032."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    identity_code_is_temporary = forms.BooleanField(
        label=_("Väliaikainen henkilötunnus (yksilönumero 900–999)"), required=False
    )

    field_order = ["identity_code", "identity_code_is_temporary", *CLIENT_FIELDS]

    def clean(self):
        data = super().clean()
        code = data.get("identity_code")
        if code:
            try:
                parsed = identity.parse_identity_code(
                    code, allow_temporary=data.get("identity_code_is_temporary", False)
                )
            except ValidationError as error:
                self.add_error("identity_code", error)
            else:
                data["identity_code"] = parsed.value
        return data


class ReplaceIdentityCodeForm(PolkuForm):
    """The permanent identity code that replaces a client's temporary one."""

    identity_code = forms.CharField(
        label=_("Pysyvä henkilötunnus"),
        max_length=11,
        help_text=_("Väliaikainen henkilötunnus jää asiakkaan muutoshistoriaan."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_identity_code(self):
        try:
            return parse_permanent_identity_code(self.cleaned_data["identity_code"]).value
        except ValidationError as error:
            raise ValidationError(error.message_dict["identity_code"]) from None


class FindByIdentityCodeForm(PolkuForm):
    identity_code = forms.CharField(
        label=_("Henkilötunnus"),
        max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_identity_code(self):
        code = self.cleaned_data["identity_code"]
        identity.parse_identity_code(code, allow_temporary=True)
        return code.strip().upper()


class CloseClientForm(PolkuForm):
    closed_on = forms.DateField(
        label=_("Päättymispäivä"), widget=DateInput, initial=timezone.localdate
    )
    reason = forms.CharField(label=_("Päättymisen syy"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client

    def clean_closed_on(self):
        """The day's own rules beside the reason's, so that both are told at once."""
        day = self.cleaned_data["closed_on"]
        try:
            check_closing_day(self.client, day)
        except ValidationError as error:
            raise ValidationError(error.message_dict["closed_on"]) from None
        return day


def membership_valid_until_field() -> forms.DateField:
    """The last day of a care-team membership, where empty means until further notice."""
    return forms.DateField(
        label=_("Voimassa asti"),
        widget=DateInput,
        required=False,
        help_text=_(
            "Jätä tyhjäksi, jos jäsenyys on voimassa toistaiseksi. Pääsy asiakkaan tietoihin "
            "päättyy tämän päivän jälkeen."
        ),
    )


def assignment_label(assignment) -> str:
    """A role assignment as a person to choose: "name – role, unit", so namesakes differ."""
    return f"{assignment.user.get_full_name()} – {assignment.get_role_display()}, {assignment.unit}"


class AddMemberForm(PolkuForm):
    assignment = forms.ModelChoiceField(
        label=_("Henkilö"),
        queryset=None,
        help_text=_(
            "Asiakkaan organisaation työntekijät ja ne muiden organisaatioiden työntekijät, "
            "joiden organisaation asiakkaan voimassa oleva suostumus kattaa palvelujen "
            "suunnittelua varten kaikki tiimin näkemät tiedot: henkilötiedot, palvelupolun ja "
            "suunnitelmat, tulot ja etuudet sekä työ- ja toimintakyvyn (terveystiedot myös, jos "
            "henkilö lukee terveystietoja sisältäviä kirjauksia). Suppeampi suostumus ei riitä "
            "tiimin jäsenyyteen."
        ),
    )
    role = forms.ChoiceField(
        label=_("Rooli tiimissä"),
        choices=[c for c in TeamRole.choices if c[0] != TeamRole.RESPONSIBLE_WORKER],
    )
    started_on = forms.DateField(
        label=_("Alkaen"),
        widget=DateInput,
        initial=timezone.localdate,
        required=False,
        help_text=_("Tyhjänä tästä päivästä."),
    )
    valid_until = membership_valid_until_field()
    note = forms.CharField(label=_("Lisätieto"), required=False, max_length=300)

    def __init__(self, *args, client, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        field = self.fields["assignment"]
        field.queryset = (
            # Not the manager's own roles (team_scope.may_add_themselves).
            team_scope.candidates(client, actor=actor)
            .select_related("user", "unit")
            .order_by(
                Alphabetical("user__last_name"),
                Alphabetical("user__first_name"),
                "role",
                in_name_order("unit__"),
                "pk",
            )
        )
        field.label_from_instance = assignment_label

    def clean(self):
        data = super().clean()
        assignment, role = data.get("assignment"), data.get("role")
        if assignment and role and not team_scope.fits(role, assignment.role):
            if team_scope.fits(TeamRole.WORK_PAIR, assignment.role):
                # PERMISSIONS.md: a coordinator joins only as work pair, by the responsible
                # worker (they read health-related notes).
                message = _(
                    "%(role)s liittyy asiakkaan tiimiin vain työparina. Työparin lisää "
                    "asiakkaan vastuutyöntekijä, tai hän hyväksyy työparin tarjouksen."
                ) % {"role": assignment.get_role_display()}
            else:
                message = _("Henkilön rooli ei sovi tiimin rooliin %(role)s.") % {
                    "role": TeamRole(role).label
                }
            self.add_error("role", message)
        elif assignment and role:
            try:
                check_roles_beside(client=self.client, user=assignment.user, role=role)
            except ValidationError as error:
                self.add_error(None, error)
        return data

    def member(self) -> dict:
        """The action's arguments: the chosen person, not the assignment they were chosen by."""
        data = dict(self.cleaned_data)
        data["user"] = data.pop("assignment").user
        return data


class EndMembershipForm(PolkuForm):
    """The confirmation of ending a care-team membership: the page's button sends it."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class MembershipPeriodForm(PolkuForm):
    valid_until = membership_valid_until_field()


def handover_note_field(*, rows: int) -> forms.CharField:
    """The handover note of a transfer or a caseload handover; the action holds the limit."""
    return forms.CharField(
        label=_("Luovutusmuistio"),
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=HANDOVER_NOTE_MAX_LENGTH,
        help_text=_(
            "Näkyy asiakkaan tiimissä uuden vastuutyöntekijän kohdalla. Enintään 300 merkkiä; "
            "pidemmät tiedot asiakaskirjaukseen."
        ),
    )


class TransferForm(PolkuForm):
    assignment = forms.ModelChoiceField(label=_("Uusi vastuutyöntekijä"), queryset=None)
    handover_note = handover_note_field(rows=4)
    # The responsible worker's membership the form was shown with (empty: none): the transfer
    # is refused if responsibility moved meanwhile (clients.actions.transfer_responsibility).
    responsible = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, client, actor, **kwargs):
        from clients.querysets import responsible_worker_candidates

        super().__init__(*args, **kwargs)
        self.current_responsible = (
            CareTeamMembership.objects.filter(
                client=client, role=TeamRole.RESPONSIBLE_WORKER, ended_on__isnull=True
            )
            .values_list("pk", flat=True)
            .first()
        )
        self.fields["responsible"].initial = self.current_responsible
        # Not the manager's own roles (team_scope.may_add_themselves).
        excluding = None if team_scope.may_add_themselves(actor, client) else actor
        self.fields["assignment"].queryset = (
            responsible_worker_candidates(client, excluding=excluding)
            .select_related("user", "unit")
            .order_by(Alphabetical("user__last_name"), Alphabetical("user__first_name"), "pk")
        )
        self.fields["assignment"].label_from_instance = assignment_label

    def shown_responsible(self) -> dict:
        """The action's `shown_responsible`, when the form sent it (a page opened before the
        field existed sends none)."""
        if self.add_prefix("responsible") not in self.data:
            return {}
        return {"shown_responsible": self.cleaned_data["responsible"]}

    def show_current_responsible(self) -> None:
        """Shown again after a refusal, the form carries the responsibility of now: the
        worker has been told it moved, and a second submit goes on from there."""
        self.data = self.data.copy()
        self.data[self.add_prefix("responsible")] = self.current_responsible or ""


class BreakTheGlassForm(PolkuForm):
    reason = forms.CharField(
        label=_("Peruste"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Miksi tarvitset asiakkaan tiedot nyt? Peruste tallentuu lokiin ja esihenkilö tarkastaa sen."
        ),
    )


class BreakTheGlassReviewForm(PolkuForm):
    """The reviewer's optional note on a break-the-glass event (the list page draws the field)."""

    note = forms.CharField(required=False, max_length=2000)


class ClientPlanForm(PolkuModelForm):
    goals = forms.CharField(
        label=_("Tavoitteet"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Yksi tavoite riville, asiakkaan omin sanoin."),
    )

    class Meta:
        model = ClientPlan
        fields = [
            "plan_type",
            "status",
            "client_view",
            "strengths",
            "goals",
            "agreed_services",
            "participants",
            "next_review_on",
        ]
        widgets = {
            "client_view": forms.Textarea(attrs={"rows": 4}),
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "agreed_services": forms.Textarea(attrs={"rows": 3}),
            "participants": forms.Textarea(attrs={"rows": 2}),
            "next_review_on": DateInput,
        }

    def __init__(self, *args, revising=False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            self.fields["plan_type"].disabled = True
        self.fields["next_review_on"].required = False
        self.fields["next_review_on"].help_text = _(
            "Jos jätät tyhjäksi, arviointi on suunnitelmatyypin mukaan: %(defaults)s."
        ) % {"defaults": "; ".join(self._default_reviews())}

    def _default_reviews(self):
        """Each plan type's default review interval, as the action applies it (settings)."""
        for plan_type, label in self.fields["plan_type"].choices:
            if plan_type:
                months = settings.POLKU_PLAN_REVIEW_MONTHS.get(plan_type, 3)
                yield ngettext(
                    "%(plan_type)s %(months)s kuukauden kuluttua",
                    "%(plan_type)s %(months)s kuukauden kuluttua",
                    months,
                ) % {"plan_type": label, "months": months}

    def clean_goals(self):
        try:
            return clean_goals(self.cleaned_data["goals"].splitlines())
        except ValidationError as error:
            raise ValidationError(error.message_dict["goals"]) from None


class GoalStatusForm(PolkuForm):
    status = forms.ChoiceField(label=_("Tavoitteen tila"), choices=GoalStatus.choices)


class AssessmentForm(PolkuModelForm):
    class Meta:
        model = ServiceNeedAssessment
        fields = ["started_on", "completed_on", "client_view", "special_support", "conclusion"]
        widgets = {
            "started_on": DateInput,
            "completed_on": DateInput,
            "client_view": forms.Textarea(attrs={"rows": 5}),
            "conclusion": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "Not assessed" is the answer not yet given: a form sent without it keeps that.
        self.fields["special_support"].required = False

    def clean_special_support(self):
        return self.cleaned_data.get("special_support") or SpecialSupport.NOT_ASSESSED

    def clean(self):
        data = super().clean()
        started, completed = data.get("started_on"), data.get("completed_on")
        if started and started > timezone.localdate():
            self.add_error("started_on", ASSESSMENT_STARTED_IN_FUTURE)
        if completed and completed > timezone.localdate():
            self.add_error("completed_on", ASSESSMENT_COMPLETED_IN_FUTURE)
        elif started and completed and completed < started:
            self.add_error("completed_on", _("Valmistumispäivä ei voi olla ennen aloituspäivää."))
        if completed and not data.get("conclusion", "").strip():
            self.add_error("conclusion", _("Valmistuneeseen arvioon kirjataan johtopäätös."))
        if completed and not data.get("client_view", "").strip():
            self.add_error("client_view", ASSESSMENT_NEEDS_CLIENT_VIEW)
        if completed and data.get("special_support") == SpecialSupport.NOT_ASSESSED:
            self.add_error("special_support", ASSESSMENT_NEEDS_SPECIAL_SUPPORT)
        return data


class CaseNoteForm(PolkuModelForm):
    class Meta:
        model = CaseNote
        fields = ["written_on", "kind", "text", "health_related"]
        widgets = {"written_on": DateInput, "text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, amends: CaseNote | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Offered to every team member, who writes their own notes (PERMISSIONS.md): the
        # writer is told who reads the note then, themselves among them (readable_by).
        self.fields["health_related"].help_text = _(
            "Terveystietoja sisältävän kirjauksen näkevät vain sen kirjoittaja sekä "
            "sosiaalityöntekijä, sosiaaliohjaaja, terveydenhuollon ammattilainen ja "
            "työkykykoordinaattori."
        )
        if amends is not None and amends.health_related:
            # The amendment adds to a note only the health-note readers read: so is it.
            field = self.fields["health_related"]
            field.initial = True
            field.disabled = True
            field.help_text = _(
                "Täydennettävä kirjaus sisältää terveystietoja, joten täydennyskin näkyy vain "
                "sosiaalityöntekijälle, sosiaaliohjaajalle, terveydenhuollon ammattilaiselle ja "
                "työkykykoordinaattorille."
            )

    def clean_written_on(self):
        value = self.cleaned_data["written_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Kirjauksen päivä ei voi olla tulevaisuudessa."))
        if value < timezone.localdate() - datetime.timedelta(days=365):
            raise ValidationError(_("Kirjauksen päivä on yli vuoden takaa. Tarkista päivämäärä."))
        return value


class NewCaseNoteForm(CaseNoteForm):
    """The form of a new note (or amendment), with the one-time token of this showing of the
    form: sent twice, it is the same note (clients.actions.add_note). Not required: a form
    shown before the token existed still saves, only without that protection."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def renew_token(self) -> None:
        """The form sent again with changes after its note was saved (add_note refused it):
        it keeps what the user typed under a new token, so sending it once more, knowingly,
        writes a new note."""
        data = self.data.copy()
        data["submission_token"] = str(uuid.uuid4())
        self.data = data


class AssignmentChoiceField(forms.ChoiceField):
    """A choice among role assignments read beforehand (`offered`, a list): many such fields
    share one read instead of asking the database each (a ModelChoiceField's queryset is
    read once per field, to render and again to validate). Cleans to the assignment chosen;
    one not offered is refused as any choice not in the list."""

    def __init__(self, *, offered, **kwargs):
        self.offered = list(offered)
        self._by_pk = {str(a.pk): a for a in self.offered}
        choices = [
            (str(a.pk), f"{a.user.get_full_name()} ({a.get_role_display()})") for a in self.offered
        ]
        super().__init__(choices=with_blank_choice(choices), **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self._by_pk.get(value)


class HandoverForm(PolkuForm):
    """One choice of new responsible worker per client of the leaving worker: the colleagues
    of the unit whom that client's own transfer may go to (responsible_worker_roles), not
    the manager handing over (`actor`), who hands no client to a role of their own
    (clients.team_scope.may_add_themselves). The colleagues' assignments are read once, for
    every client's choice and its validation alike, so the page's queries do not grow with
    the caseload."""

    handover_note = handover_note_field(rows=3)

    def __init__(self, *args, from_user, unit, actor, **kwargs):
        from accounts.models import RoleAssignment
        from clients.models import Client
        from clients.querysets import responsible_worker_roles

        super().__init__(*args, **kwargs)
        self.clients = list(
            Client.objects.filter(
                memberships__user=from_user,
                memberships__role=TeamRole.RESPONSIBLE_WORKER,
                memberships__ended_on__isnull=True,
                responsible_unit=unit,
            ).order_by("search_name")
        )
        colleagues = list(
            RoleAssignment.objects.current()
            .filter(unit=unit, user__is_active=True)
            .exclude(user__in=[from_user.pk, actor.pk])
            .select_related("user", "unit")
            .order_by(Alphabetical("user__last_name"), Alphabetical("user__first_name"))
        )
        for client in self.clients:
            roles = responsible_worker_roles(client)
            self.fields[f"client_{client.pk}"] = AssignmentChoiceField(
                label=client.full_name, offered=[a for a in colleagues if a.role in roles]
            )
        self.order_fields([f"client_{c.pk}" for c in self.clients] + ["handover_note"])

    def assignments(self) -> dict:
        return {
            client.pk: (
                self.cleaned_data[f"client_{client.pk}"].user,
                self.cleaned_data[f"client_{client.pk}"].unit,
            )
            for client in self.clients
        }


class AccessRequestForm(PolkuForm):
    identity_code = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Miksi tarvitset pääsyn?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pyyntö välitetään asiakkaan vastuutyöntekijälle. Et saa asiakkaan tietoja ennen kuin sinut lisätään tiimiin."
        ),
    )

    def clean_identity_code(self):
        code = self.cleaned_data["identity_code"]
        identity.parse_identity_code(code, allow_temporary=True)
        return code

    def clean_reason(self):
        try:
            return clean_access_request_reason(self.cleaned_data["reason"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from None
