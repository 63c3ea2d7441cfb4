"""Client plans and their goals, and the service-need assessment."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.history import history_context
from clients.access import log_client_access
from clients.models import (
    ASSESSMENT_COMPLETED_FIXED_TRIGGER,
    ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER,
    Client,
    ClientPlan,
    GoalStatus,
    PlanGoal,
    PlanStatus,
    ServiceNeedAssessment,
    SpecialSupport,
)
from services.calendar import add_months


def _review_default(plan_type: str) -> datetime.date:
    """The default next review: POLKU_PLAN_REVIEW_MONTHS[plan type] months from today (3 by default)."""
    return add_months(timezone.localdate(), settings.POLKU_PLAN_REVIEW_MONTHS.get(plan_type, 3))


CLOSED_RELATIONSHIP = gettext_lazy(
    "Asiakkuus on päättynyt, joten suunnitelmaa tai arviota ei voi enää muuttaa. Avaa "
    "asiakkuus ensin uudelleen."
)


def _lock_open_client(client_id: int) -> Client:
    """Locks the client's row (the order every plan action keeps) and refuses a closed
    relationship (clients.write_plan reads the same): ValidationError."""
    locked = Client.objects.select_for_update().get(pk=client_id)
    if not locked.is_active:
        raise ValidationError(CLOSED_RELATIONSHIP)
    return locked


# A plan's goals are few and short, each in the client's own words.
GOALS_MAX = 20
GOAL_MAX_LENGTH = 500


def clean_goals(goals: list[str]) -> list[str]:
    """The goals stripped, empty ones left out; ValidationError on `goals` for none, for
    more than GOALS_MAX or for one longer than GOAL_MAX_LENGTH characters."""
    goals = [goal.strip() for goal in goals if goal.strip()]
    if not goals:
        raise ValidationError({"goals": _("Kirjaa vähintään yksi tavoite.")})
    if len(goals) > GOALS_MAX:
        raise ValidationError(
            {
                "goals": _("Kirjaa enintään %(max)s tavoitetta. Yhdistä tai tiivistä tavoitteita.")
                % {"max": GOALS_MAX}
            }
        )
    for number, goal in enumerate(goals, start=1):
        if len(goal) > GOAL_MAX_LENGTH:
            raise ValidationError(
                {
                    "goals": _(
                        "Tavoite %(number)s on liian pitkä: enintään %(max)s merkkiä. "
                        "Yksi tavoite riville."
                    )
                    % {"number": number, "max": GOAL_MAX_LENGTH}
                }
            )
    return goals


def create_plan(
    *, client: Client, written_by, plan_type: str, goals: list[str], **fields
) -> ClientPlan:
    """Creates version 1 of a plan of `plan_type` with its goals. A client has one plan of a
    type: once it exists, a change is a revision of the version the writer has read
    (`revise_plan`), so creating it again (a double submit, or a colleague starting from a
    blank form) is refused on `plan_type`, checked under the client's lock, instead of
    quietly replacing the version in force. A closed relationship is refused under the same
    lock (reopen it first)."""
    goals = clean_goals(goals)
    with transaction.atomic(), history_context(written_by, "clients.plan.created"):
        _lock_open_client(client.pk)
        if ClientPlan.objects.filter(client=client, plan_type=plan_type).current().exists():
            raise ValidationError(
                {
                    "plan_type": _(
                        "Asiakkaalla on jo tämän lajin suunnitelma. Avaa se suunnitelmista ja "
                        "tee siitä uusi versio."
                    )
                }
            )
        plan = _new_plan_version(client, written_by, plan_type, None, goals, fields)
    return plan


def revise_plan(*, plan: ClientPlan, revised_by, goals: list[str], **fields) -> ClientPlan:
    """A revision is a new version that supersedes `plan`; the old version stays readable.
    Refused (ValidationError) for a revision of another than the current version, and for a
    closed relationship, both checked under the client's lock."""
    goals = clean_goals(goals)
    with transaction.atomic(), history_context(revised_by, "clients.plan.revised"):
        _lock_open_client(plan.client_id)
        current = (
            ClientPlan.objects.filter(client=plan.client_id, plan_type=plan.plan_type)
            .current()
            .first()
        )
        if current is None or current.pk != plan.pk:
            raise ValidationError(
                _("Suunnitelmasta on jo uudempi versio. Avaa uusin versio ja muokkaa sitä.")
            )
        return _new_plan_version(plan.client, revised_by, plan.plan_type, plan, goals, fields)


def _check_plan(fields: dict) -> None:
    """A plan is written with the client: it records their own view, and its next review
    lies ahead (a revision is a review, so it sets the next one). ValidationError next to
    the field otherwise; the database refuses a plan without the client's view too
    (CLIENT_VIEW_RECORDED)."""
    errors = {}
    if not str(fields.get("client_view") or "").strip():
        errors["client_view"] = _("Kirjaa asiakkaan oma näkemys hänen omin sanoin.")
    review_on = fields.get("next_review_on")
    if review_on and review_on < timezone.localdate():
        errors["next_review_on"] = _("Arviointipäivä ei voi olla menneisyydessä.")
    if errors:
        raise ValidationError(errors)


def _new_plan_version(client, by, plan_type, previous, goals, fields) -> ClientPlan:
    fields = dict(fields)
    fields.pop("plan_type", None)
    _check_plan(fields)
    if not fields.get("next_review_on"):
        fields["next_review_on"] = _review_default(plan_type)
    in_force = (
        ClientPlan.objects.filter(client=client, plan_type=plan_type).in_force().first()
        if previous
        else None
    )
    plan = ClientPlan.objects.create(
        client=client,
        plan_type=plan_type,
        version=(previous.version + 1) if previous else 1,
        supersedes=previous,
        created_by=by,
        **fields,
    )
    previous_status = {g.text: g.status for g in previous.goals.all()} if previous else {}
    PlanGoal.objects.bulk_create(
        PlanGoal(
            plan=plan, position=index, text=text, status=previous_status.get(text, GoalStatus.OPEN)
        )
        for index, text in enumerate(goals)
    )
    log_client_access(
        by, client, "clients.plan.created" if not previous else "clients.plan.revised", plan
    )
    if in_force is not None:
        _withdraw_moved_review_reminders(plan, in_force)
    return plan


def _withdraw_moved_review_reminders(plan: ClientPlan, before: ClientPlan) -> None:
    """A decided version (not a draft) takes the place of `before`, the version in force: when
    it moves the review date or closes the plan, the "review coming" reminders not yet due,
    written for `before`'s date, are taken back (they concern the plan's first version); the
    next sweep reminds of the new date. The reminders of `before`'s date that are past it
    ("review overdue", and "review coming" whose day has passed) are settled, marked read for
    their recipient: the review they ask for is done, or the plan closed, and the rows stay
    as the record of what the inbox said. A draft leaves `before` in force and its reminders."""
    from clients.reminders import PLAN_REVIEW_DUE, PLAN_REVIEW_OVERDUE
    from notifications.actions import settle_reminders, withdraw_reminders

    if plan.status == PlanStatus.DRAFT:
        return
    if plan.status != PlanStatus.CLOSED and plan.next_review_on == before.next_review_on:
        return
    first = (
        ClientPlan.objects.filter(client=plan.client_id, plan_type=plan.plan_type)
        .order_by("version")
        .first()
    )
    withdraw_reminders(rule=PLAN_REVIEW_DUE, concerning=first)
    settle_reminders(rule=PLAN_REVIEW_DUE, concerning=first)
    settle_reminders(rule=PLAN_REVIEW_OVERDUE, concerning=first)


def set_goal_status(*, goal: PlanGoal, status: str, changed_by) -> PlanGoal:
    """Sets a goal's status on the current version of its plan (an old version is a record),
    while the client relationship is open."""
    if status not in GoalStatus.values:
        raise ValidationError({"status": _("Valitse tavoitteen tila.")})
    with transaction.atomic(), history_context(changed_by, "clients.goal.changed"):
        # The client first, as a revision does: a goal does not change while its plan is revised.
        _lock_open_client(goal.plan.client_id)
        locked = PlanGoal.objects.select_for_update().select_related("plan__client").get(pk=goal.pk)
        if ClientPlan.objects.filter(supersedes=locked.plan_id).exists():
            raise ValidationError(
                _(
                    "Suunnitelmasta on jo uudempi versio. Muuta tavoitteen tilaa uusimmassa versiossa."
                )
            )
        if locked.status == status:
            return locked
        locked.status = status
        locked.save(update_fields=["status"])
        client = locked.plan.client
        log_client_access(changed_by, client, "clients.goal.changed", locked, detail=status)
    return locked


ASSESSMENT_COMPLETED_IN_FUTURE = gettext_lazy(
    "Valmistumispäivä ei voi olla tulevaisuudessa. Kirjaa arvio valmistuneeksi sinä päivänä, "
    "kun se valmistuu."
)

ASSESSMENT_COMPLETED_FIXED = gettext_lazy(
    "Valmistunutta palvelutarpeen arviota ei voi enää muuttaa. Jos siihen tarvitaan "
    "korjaus, aloita uusi arvio."
)


ASSESSMENT_STARTED_IN_FUTURE = gettext_lazy("Aloituspäivä ei voi olla tulevaisuudessa.")

# Social Welfare Act §36: the client's own opinion and view of their service need is recorded.
ASSESSMENT_NEEDS_CLIENT_VIEW = gettext_lazy(
    "Valmistuneeseen arvioon kirjataan asiakkaan oma näkemys palvelutarpeestaan."
)


# Social Welfare Act §3: the assessment finds whether the client needs special support.
ASSESSMENT_NEEDS_SPECIAL_SUPPORT = gettext_lazy(
    "Valmistuneeseen arvioon kirjataan, tarvitseeko asiakas erityistä tukea."
)


def _refuse_a_second_open_assessment(client: Client, assessment) -> None:
    """ValidationError on `started_on` when the client has another assessment in progress:
    the worker continues (or completes) that one instead of starting a second."""
    other = (
        ServiceNeedAssessment.objects.filter(client=client, completed_on__isnull=True)
        .exclude(pk=getattr(assessment, "pk", None))
        .order_by("started_on")
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "started_on": _(
                    "Asiakkaalla on jo kesken oleva palvelutarpeen arvio, aloitettu %(date)s. "
                    "Jatka sitä tai kirjaa se valmistuneeksi ennen uuden aloittamista."
                )
                % {"date": f"{other.started_on:%-d.%-m.%Y}"}
            }
        )


def refuse_closing_with_assessment_in_progress(client: Client) -> None:
    """The check `close_client` runs (registered with `on_closing` in ClientsConfig.ready()):
    a client relationship closes only when no service-need assessment is in progress. A
    closed client's assessment is not saved (`save_assessment`), so one left in progress
    would stay half done until the relationship is reopened. ValidationError naming its
    start day otherwise: it is completed first, with its conclusion (an assessment is never
    removed). One query, under the client's row lock `close_client` holds, which
    `save_assessment` takes too."""
    started_on = (
        ServiceNeedAssessment.objects.filter(client=client, completed_on__isnull=True)
        .order_by("started_on")
        .values_list("started_on", flat=True)
        .first()
    )
    if started_on is not None:
        raise ValidationError(
            _(
                "Asiakkaalla on kesken palvelutarpeen arvio, aloitettu %(date)s. Kirjaa se "
                "ensin valmistuneeksi johtopäätöksineen arvion sivulla."
            )
            % {"date": date_format(started_on, "SHORT_DATE_FORMAT")}
        )


def save_assessment(
    *, client: Client, written_by, assessment: ServiceNeedAssessment | None = None, **fields
):
    """Creates or updates a service-need assessment, started no later than today. A
    completed one has a conclusion and the client's own view of their service need (the
    database refuses it without the view too: constraint
    assessment_completed_has_client_view), says whether the client needs special support
    (not "not assessed"), and is completed no earlier than it started and no later than
    today (the database refuses a completion day still to come too: trigger
    assessment_completed_not_in_future).
    Only an assessment in progress is updated: one stored as completed is a record, and
    a correction is a new assessment (ValidationError without a field, read from the
    database, not from `assessment`, which a bound form has already changed; the database
    refuses it too: trigger assessment_completed_fixed).
    Raises ValidationError naming the field, or without a field for a closed client
    relationship (checked under the client's lock); nothing is saved then."""
    if (
        assessment is not None
        and assessment.pk is not None
        and ServiceNeedAssessment.objects.filter(
            pk=assessment.pk, completed_on__isnull=False
        ).exists()
    ):
        raise ValidationError(ASSESSMENT_COMPLETED_FIXED)
    started = fields.get("started_on") or getattr(assessment, "started_on", None)
    completed = fields.get("completed_on", getattr(assessment, "completed_on", None))
    conclusion = fields.get("conclusion", getattr(assessment, "conclusion", ""))
    errors = {}
    if started and started > timezone.localdate():
        errors["started_on"] = ASSESSMENT_STARTED_IN_FUTURE
    if completed and completed > timezone.localdate():
        errors["completed_on"] = ASSESSMENT_COMPLETED_IN_FUTURE
    elif started and completed and completed < started:
        errors["completed_on"] = _("Valmistumispäivä ei voi olla ennen aloituspäivää.")
    if completed and not (conclusion or "").strip():
        errors["conclusion"] = _("Valmistuneeseen arvioon kirjataan johtopäätös.")
    client_view = fields.get("client_view", getattr(assessment, "client_view", ""))
    if completed and not (client_view or "").strip():
        errors["client_view"] = ASSESSMENT_NEEDS_CLIENT_VIEW
    special_support = fields.get(
        "special_support", getattr(assessment, "special_support", SpecialSupport.NOT_ASSESSED)
    )
    if completed and special_support in ("", SpecialSupport.NOT_ASSESSED):
        errors["special_support"] = ASSESSMENT_NEEDS_SPECIAL_SUPPORT
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic(), history_context(written_by, "clients.assessment.saved"):
            # One assessment in progress at a time: the client's row is locked, so two
            # workers starting one at once do not both get theirs.
            _lock_open_client(client.pk)
            if not completed:
                _refuse_a_second_open_assessment(client, assessment)
            if assessment is None:
                assessment = ServiceNeedAssessment(client=client, author=written_by)
            for name, value in fields.items():
                setattr(assessment, name, value)
            assessment.save()
            log_client_access(written_by, client, "clients.assessment.saved", assessment)
    except IntegrityError as error:
        # Completed by another writer since the check above (whose save held the lock).
        if ASSESSMENT_COMPLETED_FIXED_TRIGGER in str(error):
            raise ValidationError(ASSESSMENT_COMPLETED_FIXED) from None
        # The database's clock, behind the application's at midnight, still saw yesterday.
        if ASSESSMENT_COMPLETED_NOT_IN_FUTURE_TRIGGER not in str(error):
            raise
        raise ValidationError({"completed_on": ASSESSMENT_COMPLETED_IN_FUTURE}) from None
    return assessment
