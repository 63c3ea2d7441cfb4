import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import COACH_ROLES
from audit.models import PRINT_LANGUAGES
from clients import team_scope
from clients.models import ClientPlan
from config.forms import (
    DateInput,
    LanguageRadioSelect,
    PolkuForm,
    PolkuModelForm,
    show_required,
    with_blank_choice,
)
from config.ordering import Alphabetical
from pathways.models import (
    CLIENT_SERVICES_END,
    COMPETENCE_MAX_LENGTH,
    PLAN_FIELDS,
    AbsenceReason,
    Attendance,
    EmployerContact,
    EndReason,
    ExitOutcome,
    InWorkSupport,
    IpsPhaseChange,
    JobcenterContract,
    PathwayStep,
    Placement,
    PlacementEndReason,
    ReviewDecision,
)
from pathways.step_rules import (
    YOUTH_WORKSHOP,
    arranging_organisations,
    exit_outcome_may_replace_follow_on,
    period_end_limit,
    replacement_follow_ons,
    required_fields,
    running_alongside,
)
from pathways.units import GroupedUnitChoiceField, employer_units, step_units
from services.i18n import in_name_order
from services.models import CatalogueEntry, NoRuleSetInForce, ServiceRuleSet, Unit

COMMON = ["unit", "coach", "start_on", "planned_end_on", "plan", "goal", "support_given"]
SCHEDULE = ["days_per_week", "hours_per_day"]
# The fields a step of each service shows, beyond the common ones.
FIELDS_BY_TYPE = {
    "rehabilitative_work_activity": SCHEDULE,
    "disability_work_activity": SCHEDULE,
    "work_coaching": [],
    "jobcenter_paid_work": ["income_clarification"],
    # The phase and benefits counselling are the coach's records (IpsPhaseForm, BenefitsCounsellingForm).
    "supported_employment": [],
    "social_rehabilitation": ["decision_reference", "group_activity", *SCHEDULE, "review_due"],
    "youth_workshop": SCHEDULE,
    "open_work": ["daily_compensation", "effects_discussed_on", "days_per_week"],
}
DATE_FIELDS = [
    "start_on",
    "planned_end_on",
    "effects_discussed_on",
    "review_due",
]
# Services without an end date: the form does not ask for one (the rules refuse it).
OPEN_ENDED = {"supported_employment"}


def follow_on_start(step) -> datetime.date:
    """The day a follow-on of `step` is offered to start: the day after its planned end, or
    today when that has passed or it has none."""
    today = timezone.localdate()
    if step.planned_end_on is None or step.planned_end_on < today:
        return today
    return step.planned_end_on + datetime.timedelta(days=1)


class StepForm(PolkuModelForm):
    """The plan of one step; which fields show depends on the service.

    The fields the service's rules demand (`step_rules.required_fields`) are shown as
    required, by the rule set in force on the start date entered (the step's own, or
    today on a new form): `rule_set`, None before any rules Polku holds. The rules
    check them once the form is sent (`actions.plan_step`, `update_step`), with their
    own messages, so the form lets them be empty.

    The form of a step being changed carries the plan as it was shown (`plan_state`,
    `PathwayStep.plan_state`), sent back in the hidden field `shown` so that `update_step`
    refuses to overwrite a change saved meanwhile by someone else."""

    class Meta:
        model = PathwayStep
        fields = list(PLAN_FIELDS)
        field_classes = {"unit": GroupedUnitChoiceField}
        widgets = {
            **{name: DateInput for name in DATE_FIELDS},
            "goal": forms.Textarea(attrs={"rows": 3}),
            "support_given": forms.Textarea(attrs={"rows": 3}),
            "income_clarification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args,
        service_type,
        client,
        current_coach=None,
        current_unit=None,
        follows=None,
        plan_state: str | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.service_type = service_type
        # A new step starts today, or a follow-on the day after the step it follows ends.
        self.starts_on = follow_on_start(follows) if follows else timezone.localdate()
        # Units of a kind that fits the service, the client's own organisation's first.
        self.fields["unit"].queryset = step_units(service_type, keep=current_unit)
        self.fields["unit"].arrange(client=client, service_type=service_type)
        self.fields["unit"].help_text = _(
            "Valittavina ovat palveluun sopivat yksiköt organisaatioittain, asiakkaan oman "
            "organisaation yksiköt ensin."
        )
        self.rules_on = None  # the day `rule_set` is in force on: what the page's notices read
        self.rule_set = self._rule_set_in_force(client)
        required = required_fields(self.rule_set, service_type.code) if self.rule_set else set()
        # A field the rules demand is asked for, even where the service does not usually ask.
        shown = (
            set(COMMON) | set(FIELDS_BY_TYPE.get(service_type.code, ["catalogue_entry"])) | required
        )
        if service_type.code in OPEN_ENDED:
            shown.discard("planned_end_on")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
            elif name in required:
                show_required(self.fields[name])
        self.fields["plan"].queryset = ClientPlan.objects.filter(client=client).in_force()
        self.fields["plan"].label_from_instance = lambda plan: (
            f"{plan.get_plan_type_display()} v{plan.version}"
        )
        self.fields["coach"].queryset = coach_choices(client, keep=current_coach)
        self.fields["coach"].label_from_instance = coach_label
        self.fields["coach"].help_text = _(
            "Valmentaja liitetään asiakkaan tiimiin. Valittavina ovat asiakkaan organisaation "
            "valmentajat ja ne muiden organisaatioiden valmentajat, joiden organisaation "
            "asiakkaan voimassa oleva suostumus kattaa."
        )
        if service_type.code == YOUTH_WORKSHOP:
            self.fields["unit"].label = _("Työpaja")
        self.fields["start_on"].initial = self.starts_on
        if "catalogue_entry" in self.fields:
            self.fields["catalogue_entry"].queryset = service_type_entries(service_type)
            self.fields["catalogue_entry"].error_messages["invalid_choice"] = _(
                "Valittu palvelu ei ole tämän jakson palvelua (%(service)s). Valitse valikosta "
                "jakson palvelun mukainen palvelu."
            ) % {"service": service_type.name}
        if plan_state is not None:
            self.fields["shown"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=plan_state
            )

    @property
    def missing_plan(self) -> tuple[str, str] | None:
        """The plan type (code, name) the rules in force demand when the client has no plan
        of that type in force: the page says so before anything is typed, with the way to
        write one. None when nothing is missing."""
        required = self.rule_set.required_plan_type if self.rule_set else ""
        if not required or self.fields["plan"].queryset.filter(plan_type=required).exists():
            return None
        return required, self.rule_set.get_required_plan_type_display()

    def _rule_set_in_force(self, client) -> ServiceRuleSet | None:
        """The rule set in force on the start date entered, else on the step's start date,
        else on the day offered (today, or a follow-on's): the organisation's own of the unit
        entered or the step's, else the client's organisation's own, else the general one."""
        days = [self.starts_on]
        if self.instance.pk:
            days.insert(0, self.instance.start_on)
        if self.is_bound:
            try:
                entered = self.fields["start_on"].to_python(self["start_on"].data)
            except ValidationError:
                entered = None
            if entered is not None:
                days.insert(0, entered)
        organisations = arranging_organisations(client, self._unit_chosen())
        for day in days:
            try:
                rule_set = ServiceRuleSet.objects.in_force(self.service_type, organisations, day)
            except NoRuleSetInForce:
                continue
            self.rules_on = day
            return rule_set
        return None

    def _unit_chosen(self) -> Unit | None:
        """The unit entered (one of those offered), else the step's own."""
        if self.is_bound:
            try:
                return self.fields["unit"].clean(self["unit"].data)
            except ValidationError:
                pass
        return self.instance.unit

    def show_current(self, step: PathwayStep) -> None:
        """The plan was changed meanwhile (`update_step` refused the save): the form keeps
        what the user typed, but now carries the plan as it is (`step`, read again), so the
        user who has checked it may save over it deliberately."""
        data = self.data.copy()
        data["shown"] = step.plan_state
        self.data = data

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("planned_end_on")
        if start and end and end < start:
            self.add_error(
                "planned_end_on", _("Suunniteltu päättyminen ei voi olla ennen jakson alkamista.")
            )
        return data


def coach_choices(client, *, keep=None):
    """The people a step's coach is chosen from: those whose coach role in force lets them
    join the client's care team (`clients.team_scope.candidates`: the client's organisation,
    or another organisation that the client's consent covers), each with those role
    assignments in `coach_assignments`. `keep`, the step's present coach, stays a choice
    even when no longer in scope, so that changing the step's other fields does not fail;
    the action lets no one else join out of scope."""
    in_scope = team_scope.candidates(client).filter(role__in=COACH_ROLES)
    people = Q(pk__in=in_scope.values("user"))
    if keep is not None:
        people |= Q(pk=keep.pk)
    return (
        User.objects.filter(people)
        .prefetch_related(
            Prefetch(
                "role_assignments",
                queryset=in_scope.select_related("unit").order_by(
                    "role", in_name_order("unit__"), "pk"
                ),
                to_attr="coach_assignments",
            )
        )
        .order_by(Alphabetical("last_name"), Alphabetical("first_name"), "pk")
    )


def coach_label(user) -> str:
    """A coach as a person to choose, "name – role, unit", so namesakes differ."""
    held = "; ".join(f"{a.get_role_display()}, {a.unit}" for a in user.coach_assignments)
    if not held:
        return _("%(name)s – nykyinen valmentaja") % {"name": user.get_full_name()}
    return f"{user.get_full_name()} – {held}"


def service_type_entries(service_type):
    """The active catalogue entries a step of `service_type` may name: those of that service type.

    An entry names the service type it provides (`CatalogueEntry.service_type`);
    one without a service type is information only and is not a step of a
    pathway. Offering another type's entry would only offer a choice the rules
    refuse (`step_rules.check_step`), so the choices are the service's own.
    """
    return CatalogueEntry.objects.filter(is_active=True, service_type=service_type).order_by(
        in_name_order()
    )


class EndStepForm(PolkuForm):
    ended_on = forms.DateField(
        label=_("Päättymispäivä"), widget=DateInput, initial=timezone.localdate
    )
    # A step that never started is cancelled (CancelStepForm), not ended. The reasons that
    # say the client's services end altogether are a group of their own: the only ones a
    # Jobcenter period ends with without a follow-on step (step_rules.services_end).
    end_reason = forms.ChoiceField(
        label=_("Päättymisen syy"),
        choices=with_blank_choice(
            [
                *(
                    c
                    for c in EndReason.choices
                    if c[0] != EndReason.CANCELLED and c[0] not in CLIENT_SERVICES_END
                ),
                (
                    _("Asiakkaan palvelut päättyvät kokonaan"),
                    [(reason.value, reason.label) for reason in CLIENT_SERVICES_END],
                ),
            ]
        ),
    )
    next_step = forms.ModelChoiceField(
        label=_("Jatkopolku"),
        queryset=PathwayStep.objects.none(),
        required=False,
        help_text=_("Seuraava palvelu. Suunnittele se ensin, jos sitä ei vielä ole."),
    )
    exit_outcome = forms.ChoiceField(
        label=_("Tulos, jos jatkopolkua ei ole"),
        choices=with_blank_choice(ExitOutcome.choices),
        required=False,
    )
    review_decision = forms.ChoiceField(
        label=_("Arvioinnin päätös"),
        choices=with_blank_choice(ReviewDecision.choices),
        required=False,
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        # Required by the rules (step_rules.endings), which refuse it empty next to the field.
        self.fields["end_reason"].required = False
        show_required(self.fields["end_reason"])
        rules = step.rule_set
        if rules and rules.max_duration_months:
            # A period closed late still ends on its last allowed day at the latest.
            limit = period_end_limit(step.start_on, rules.max_duration_months)
            self.fields["ended_on"].initial = min(timezone.localdate(), limit)
            self.fields["ended_on"].help_text = _(
                "Viimeinen mahdollinen päättymispäivä: %(limit)s."
            ) % {"limit": f"{limit:%-d.%-m.%Y}"}
        # What comes after the step: not a step started before it, nor a step running
        # alongside it (its companion, which ends with it, the work coaching of a disability
        # work activity or of a Jobcenter period): the action refuses each.
        candidates = (
            PathwayStep.objects.filter(client=step.client_id)
            .filter(Q(previous_step__isnull=True) | Q(previous_step=step))
            .exclude(pk=step.pk)
            .exclude(status="ended")
            .exclude(start_on__lt=step.start_on)
            .select_related("service_type", "rule_set")
        )
        listed = list(candidates)
        alongside = running_alongside(step, listed)
        self.fields["next_step"].queryset = candidates.exclude(pk__in=[s.pk for s in alongside])
        self.fields["next_step"].label_from_instance = lambda s: (
            f"{s.service_type}, {s.start_on:%-d.%-m.%Y}"
        )
        self.fields["next_step"].initial = step.next_step_id
        if step.service_type.code != "rehabilitative_work_activity":
            del self.fields["review_decision"]
        else:
            show_required(self.fields["review_decision"])


class CancelStepForm(PolkuForm):
    """The reason for cancelling `step`; when an ended step `ended` ends into it, also what
    replaces it there: another later step as its next step, or an outcome where its rules
    allow one (`actions.cancel_step` checks both)."""

    reason = forms.CharField(
        label=_("Perumisen syy"),
        max_length=PathwayStep._meta.get_field("cancellation_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esimerkiksi: asiakas aloitti opinnot, eikä jaksoa tarvita."),
    )

    def __init__(self, *args, step, ended=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ended = ended
        if ended is None:
            return
        self.fields["next_step"] = forms.ModelChoiceField(
            label=_("Päättyneen jakson uusi jatkopolku"),
            queryset=replacement_follow_ons(ended, cancelling=step),
            required=False,
            help_text=_(
                "Asiakkaan jakso, joka tulee päättyneen jakson jälkeen perutun jakson tilalle."
            ),
        )
        self.fields["next_step"].label_from_instance = lambda s: (
            f"{s.service_type}, {s.start_on:%-d.%-m.%Y}"
        )
        # When the client's services end altogether, the ended step has no next step at all
        # but that reason and an outcome: the one way a Jobcenter period loses its follow-on.
        self.fields["services_end_reason"] = forms.ChoiceField(
            label=_("Asiakkaan palvelut päättyvät kokonaan"),
            choices=with_blank_choice((r.value, r.label) for r in CLIENT_SERVICES_END),
            required=False,
            help_text=_(
                "Valitse syy vain, jos jakso perutaan, koska asiakkaan palvelut päättyvät "
                "kokonaan. Päättynyt jakso päättyy silloin tällä syyllä ilman jatkopolkua, "
                "ja sille valitaan tulos."
            ),
        )
        self.outcome_may_replace = exit_outcome_may_replace_follow_on(ended)
        self.fields["exit_outcome"] = forms.ChoiceField(
            label=(
                _("Päättyneen jakson tulos, jos uutta jatkopolkua ei ole")
                if self.outcome_may_replace
                else _("Päättyneen jakson tulos, kun asiakkaan palvelut päättyvät")
            ),
            choices=with_blank_choice(ExitOutcome.choices),
            required=False,
            initial=ended.exit_outcome,
        )

    def clean(self):
        data = super().clean()
        # An outcome replaces a follow-on only where the ended step's rules allow one, or
        # when the client's services end: otherwise it asks for a new follow-on, as before.
        if self.ended is not None and not (
            self.outcome_may_replace or data.get("services_end_reason")
        ):
            data["exit_outcome"] = ""
        return data


class PauseStepForm(PolkuForm):
    """Since when and why a running step pauses (`actions.set_step_status`)."""

    paused_on = forms.DateField(
        label=_("Tauko alkoi"), widget=DateInput, initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("Tauon syy"),
        max_length=PathwayStep._meta.get_field("pause_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esimerkiksi: sairausloma tai asiakkaan muu kuntoutusjakso."),
    )


class ResumeStepForm(PolkuForm):
    """The day a paused `step` resumed (`actions.set_step_status`): today unless the worker
    records a return that came earlier."""

    resumed_on = forms.DateField(
        label=_("Jatkui tauon jälkeen"), widget=DateInput, initial=timezone.localdate
    )

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resumed_on"].help_text = _(
            "Päivä, jona asiakas palasi jaksolle. Tauko alkoi %(date)s: jatkumispäivä voi olla "
            "aikaisintaan silloin ja viimeistään tänään."
        ) % {"date": f"{step.paused_on:%-d.%-m.%Y}"}


COMPENSATION = Attendance._meta.get_field("compensation")


class AttendanceWeekForm(PolkuForm):
    """One ISO week of attendance: a row per day (status, hours, absence reason, compensation)."""

    STATUS_CHOICES = [("", _("ei kirjattu")), ("present", _("läsnä")), ("absent", _("poissa"))]

    def __init__(
        self,
        *args,
        days: list[datetime.date],
        with_compensation: bool,
        existing: dict,
        closed: dict | None = None,
        **kwargs,
    ):
        """`closed` maps the days that take no attendance to why
        (actions.day_taking_no_attendance): their fields are shown, disabled, and what is
        sent for them is left out of the week."""
        super().__init__(*args, **kwargs)
        self.days = days
        self.with_compensation = with_compensation
        self.closed = closed or {}
        for day in days:
            key = day.isoformat()
            row = existing.get(day)
            self.fields[f"{key}-status"] = forms.ChoiceField(
                label=_("Tila"),
                choices=self.STATUS_CHOICES,
                required=False,
                initial=("present" if row.present else "absent") if row else "",
            )
            self.fields[f"{key}-hours"] = forms.DecimalField(
                label=_("Tunnit"),
                required=False,
                min_value=Decimal("0.25"),
                max_value=Decimal(24),
                decimal_places=2,
                initial=row.hours if row else None,
            )
            self.fields[f"{key}-reason"] = forms.ChoiceField(
                label=_("Poissaolon syy"),
                choices=with_blank_choice(AbsenceReason.choices),
                required=False,
                initial=row.absence_reason if row else "",
            )
            if with_compensation:
                self.fields[f"{key}-compensation"] = forms.DecimalField(
                    label=_("Korvaus €"),
                    required=False,
                    min_value=Decimal(0),
                    # What a day's compensation holds: a service without a cap (the general
                    # avotyö rules) is refused here rather than by the database.
                    max_digits=COMPENSATION.max_digits,
                    decimal_places=COMPENSATION.decimal_places,
                    initial=row.compensation if row else None,
                )
            # The day as shown, sent back so that the save notices a day recorded, changed or
            # cleared by someone else meanwhile (actions.record_week_attendance).
            self.fields[f"{key}-shown"] = forms.CharField(
                required=False,
                strip=False,
                widget=forms.HiddenInput,
                initial=row.grid_state if row else "",
            )
            if day in self.closed:
                for name in ("status", "hours", "reason", "compensation"):
                    if f"{key}-{name}" in self.fields:
                        self.fields[f"{key}-{name}"].disabled = True

    def clean(self):
        """A value typed for a day is not dropped while the week is said to be saved: hours, a
        reason or an amount on a day left unrecorded asks for the day's status, an amount or
        hours on a day absent and an absence reason on a day present are refused next to them.

        Except the value the day was saved with: switching a saved absent day to present leaves
        its old reason in the field (and a present day switched to absent its hours), which
        the user did not type for the new status. That value is let through and dropped on
        saving (actions.record_week_attendance keeps hours only for a day present and a
        reason only for a day absent); the same field changed to another value is refused.
        """
        data = super().clean()
        for day in self.days:
            key = day.isoformat()
            status = data.get(f"{key}-status")
            hours = data.get(f"{key}-hours")
            reason = data.get(f"{key}-reason")
            compensation = data.get(f"{key}-compensation")
            typed = hours is not None or reason or compensation is not None
            if not status and typed:
                self.add_error(f"{key}-status", _("Valitse, oliko asiakas läsnä vai poissa."))
                continue
            if status == "absent" and compensation is not None:
                self.add_error(
                    f"{key}-compensation",
                    _(
                        "Poissaolopäivältä ei makseta korvausta. Tyhjennä korvaus tai valitse läsnä."
                    ),
                )
            if (
                status == "absent"
                and hours is not None
                and hours != self.fields[f"{key}-hours"].initial
            ):
                self.add_error(
                    f"{key}-hours",
                    _("Poissaolopäivälle ei kirjata tunteja. Tyhjennä tunnit tai valitse läsnä."),
                )
            if status == "present" and reason and reason != self.fields[f"{key}-reason"].initial:
                self.add_error(
                    f"{key}-reason",
                    _(
                        "Läsnäolopäivälle ei kirjata poissaolon syytä. Tyhjennä syy tai valitse "
                        "poissa."
                    ),
                )
        return data

    def rows(self):
        for day in self.days:
            key = day.isoformat()
            yield {
                "day": day,
                "closed": self.closed.get(day, ""),
                "status": self[f"{key}-status"],
                "hours": self[f"{key}-hours"],
                "reason": self[f"{key}-reason"],
                "compensation": self[f"{key}-compensation"] if self.with_compensation else None,
                "shown": self[f"{key}-shown"],
            }

    def days_with_errors(self) -> list[dict]:
        """The days with a refused value, in the grid's order, each with the first of its fields
        that holds one (status, hours, reason, compensation): the error summary links to it."""
        days = []
        for row in self.rows():
            fields = (row[name] for name in ("status", "hours", "reason", "compensation"))
            invalid = next((field for field in fields if field is not None and field.errors), None)
            if invalid is not None:
                days.append({"day": row["day"], "field": invalid})
        return days

    def week(self) -> dict:
        values = {}
        for day in self.days:
            if day in self.closed:
                continue
            key = day.isoformat()
            status = self.cleaned_data.get(f"{key}-status")
            if not status:
                values[day] = None
                continue
            values[day] = {
                "present": status == "present",
                "hours": self.cleaned_data.get(f"{key}-hours"),
                "absence_reason": self.cleaned_data.get(f"{key}-reason") or "",
                "compensation": self.cleaned_data.get(f"{key}-compensation"),
            }
        return values

    def shown(self) -> dict[datetime.date, str]:
        """The state each day of the week was shown with (`Attendance.grid_state`), for the
        days `week` holds."""
        return {
            day: self.cleaned_data.get(f"{day.isoformat()}-shown") or ""
            for day in self.days
            if day not in self.closed
        }

    def show_recorded(self, days: list[datetime.date], existing: dict) -> None:
        """Shows `days` as they are recorded now (`existing`, as for the form), in place of
        what was sent for them: their record changed after the grid was opened, so the user
        checks the day as it now is. The other days keep what the user typed; saving the
        grid again saves over the days shown now, not over what was there before."""
        data = self.data.copy()
        for day in days:
            key = day.isoformat()
            row = existing.get(day)
            values = {
                "status": ("present" if row.present else "absent") if row else "",
                "hours": row.hours if row and row.hours is not None else "",
                "reason": row.absence_reason if row else "",
                "compensation": row.compensation if row and row.compensation is not None else "",
                "shown": row.grid_state if row else "",
            }
            for name, value in values.items():
                data[f"{key}-{name}"] = str(value)
        self.data = data


class JobcenterContractForm(PolkuModelForm):
    """The paid job of the Jobcenter period `step`; the employer unit is chosen from units
    that employ people, the client's own organisation's first."""

    class Meta:
        model = JobcenterContract
        fields = [
            "employer_unit",
            "employer_name",
            "job_title",
            "weekly_hours",
            "hourly_wage",
            "contract_start",
            "contract_end",
        ]
        widgets = {"contract_start": DateInput, "contract_end": DateInput}
        field_classes = {"employer_unit": GroupedUnitChoiceField}

    def __init__(self, *args, step, **kwargs):
        super().__init__(*args, **kwargs)
        keep = self.instance.employer_unit if self.instance.employer_unit_id else None
        self.fields["employer_unit"].queryset = employer_units(keep=keep)
        self.fields["employer_unit"].arrange(client=step.client, service_type=step.service_type)
        self.fields["employer_unit"].help_text = _(
            "Yksiköt organisaatioittain, asiakkaan oman organisaation yksiköt ensin. Jos "
            "työnantaja ei ole luettelossa, kirjoita sen nimi."
        )
        # The paid job usually runs for the whole period at the period's own unit: a new
        # contract starts on the period's start, ends on its planned end (the worker shortens
        # it if need be) and names the period's unit as the employer when it may be one.
        if self.instance.pk is None:
            self.fields["contract_start"].initial = step.start_on
            self.fields["contract_end"].initial = step.planned_end_on
            if (
                step.unit_id
                and self.fields["employer_unit"].queryset.filter(pk=step.unit_id).exists()
            ):
                self.fields["employer_unit"].initial = step.unit_id
        if step.planned_end_on:
            self.fields["contract_start"].help_text = _(
                "Jakso: %(start)s–%(end)s. Työsopimuksen on oltava jakson sisällä."
            ) % {"start": f"{step.start_on:%-d.%-m.%Y}", "end": f"{step.planned_end_on:%-d.%-m.%Y}"}

    def clean(self):
        data = super().clean()
        if not data.get("employer_unit") and not data.get("employer_name"):
            self.add_error(
                "employer_name", _("Valitse työnantajayksikkö tai kirjoita työnantajan nimi.")
            )
        start, end = data.get("contract_start"), data.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", _("Työsopimus ei voi päättyä ennen alkamistaan."))
        return data


class IncomeClarificationForm(PolkuModelForm):
    """The Jobcenter period's income clarification, as its coach records it."""

    class Meta:
        model = PathwayStep
        fields = ["income_clarification"]
        widgets = {"income_clarification": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income_clarification"].required = True
        self.fields["income_clarification"].help_text = _(
            "Miten palkka vaikuttaa asiakkaan etuuksiin, esimerkiksi vammaisetuuksiin ja "
            "asumistukeen, ja mitä asiakkaan kanssa sovittiin."
        )


class EmployerContactForm(PolkuModelForm):
    class Meta:
        model = EmployerContact
        fields = ["contacted_on", "employer_name", "kind", "note"]
        widgets = {"contacted_on": DateInput, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = timezone.localdate()


class InWorkSupportForm(PolkuModelForm):
    class Meta:
        model = InWorkSupport
        fields = ["supported_on", "note"]
        widgets = {"supported_on": DateInput, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supported_on"].initial = timezone.localdate()


class IpsPhaseForm(PolkuModelForm):
    """The IPS phase the client entered, and when."""

    class Meta:
        model = IpsPhaseChange
        fields = ["phase", "entered_on", "note"]
        widgets = {"entered_on": DateInput, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entered_on"].initial = timezone.localdate()


class BenefitsCounsellingForm(PolkuForm):
    given_on = forms.DateField(
        label=_("Etuusneuvonta annettu"), widget=DateInput, initial=timezone.localdate
    )


class PlacementForm(PolkuModelForm):
    """A job start, studies or another outcome as it begins; its end is recorded when it comes,
    with a reason (EndPlacementForm)."""

    class Meta:
        model = Placement
        fields = ["kind", "organisation_name", "weekly_hours", "started_on"]
        widgets = {"started_on": DateInput}


class EndPlacementForm(PolkuForm):
    """When and why a job or studies ended (`actions.end_placement` checks both: a reason
    missing is refused there, next to the field)."""

    ended_on = forms.DateField(
        label=_("Päättymispäivä"), widget=DateInput, initial=timezone.localdate
    )
    end_reason = forms.ChoiceField(
        label=_("Päättymisen syy"),
        choices=with_blank_choice(PlacementEndReason.choices),
        required=False,
    )


class CancelPlacementForm(PolkuForm):
    """Why a job or studies that have not begun are cancelled (`actions.cancel_placement`)."""

    reason = forms.CharField(
        label=_("Perumisen syy"),
        max_length=Placement._meta.get_field("cancellation_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Esimerkiksi: työnantaja perui työpaikan."),
    )


class CertificateForm(PolkuForm):
    issued_on = forms.DateField(label=_("Päivämäärä"), widget=DateInput, initial=timezone.localdate)
    qualification = forms.CharField(
        label=_("Tutkinto tai tutkinnon osa"), required=False, max_length=200
    )
    competences = forms.CharField(
        label=_("Osoitettu osaaminen"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competences"].help_text = _(
            "Yksi osaaminen riville, esim. “Käsityökalujen turvallinen käyttö”; enintään "
            "%(limit)s merkkiä riviltä."
        ) % {"limit": COMPETENCE_MAX_LENGTH}

    def clean_competences(self):
        lines = [line.strip() for line in self.cleaned_data["competences"].splitlines()]
        # Each line too long is named by its number as the user sees the rows, blank ones
        # included: the database would otherwise cut it short without a word.
        too_long = [
            ValidationError(
                _("Rivi %(line)s on liian pitkä: enintään %(limit)s merkkiä (nyt %(length)s)."),
                params={"line": number, "limit": COMPETENCE_MAX_LENGTH, "length": len(line)},
            )
            for number, line in enumerate(lines, 1)
            if len(line) > COMPETENCE_MAX_LENGTH
        ]
        if too_long:
            raise ValidationError(too_long)
        lines = [line for line in lines if line]
        if not lines:
            raise ValidationError(_("Nimeä vähintään yksi osoitettu osaaminen."))
        return lines


class PrintSummaryForm(PolkuForm):
    language = forms.ChoiceField(
        label=_("Kieli"),
        choices=PRINT_LANGUAGES,
        widget=LanguageRadioSelect,
    )
    sections = forms.MultipleChoiceField(
        label=_("Osiot"),
        choices=[
            ("situation", _("Tilanne ja tavoitteet asiakkaan omin sanoin")),
            ("timeline", _("Palvelupolun aikajana")),
            ("services", _("Nykyiset ja seuraavat palvelut yhteystietoineen")),
            ("dates", _("Tulevat päivämäärät")),
            ("contacts", _("Keneen ottaa yhteyttä")),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Valitse vähintään yksi osio.")},
    )

    def __init__(self, *args, sections, **kwargs):
        """`sections`: those the user may print (summary.sections_for); only they are offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["sections"]
        field.choices = [choice for choice in field.choices if choice[0] in sections]
