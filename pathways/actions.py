"""Writes on pathways. Each action checks the step's rules against the rule set in
force on its start date, runs in one transaction with the client locked (two
workers planning at once cannot both pass a companion check), writes the
access-log row, and leaves the change history to pghistory's triggers."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.actions import log_access
from audit.history import history_context
from clients.access import relation_to
from clients.models import CareTeamMembership, Client, TeamRole
from pathways import step_rules
from pathways.models import (
    Attendance,
    CompetenceCertificate,
    DocumentKind,
    DocumentStatus,
    EmployerContact,
    InWorkSupport,
    IpsPhase,
    IpsPhaseChange,
    JobcenterContract,
    PathwayStep,
    Placement,
    PrintedDocument,
    StepStatus,
)
from services.calendar import add_months

STEP_FIELDS = (
    "service_type",
    "catalogue_entry",
    "unit",
    "coach",
    "start_on",
    "planned_end_on",
    "days_per_week",
    "hours_per_day",
    "plan",
    "goal",
    "support_given",
    "decision_reference",
    "group_activity",
    "ips_phase",
    "benefits_counselling_on",
    "daily_compensation",
    "effects_discussed_on",
    "income_clarification",
    "review_due",
)


def _log(user, client, action, obj, detail=""):
    log_access(
        actor=user,
        client_id=client.uuid,
        action=action,
        basis=relation_to(user, client).basis,
        obj=obj,
        detail=detail,
    )


def _lock_client(client: Client) -> Client:
    return (
        Client.objects.select_for_update()
        .select_related("responsible_unit__organisation")
        .get(pk=client.pk)
    )


def _validate(step: PathwayStep) -> None:
    rules = step_rules.rule_set_for(step)
    companions = list(
        PathwayStep.objects.filter(client=step.client_id)
        .exclude(pk=step.pk)
        .select_related("service_type")
    )
    step_rules.raise_for(step_rules.check_step(step, rules, companions=companions))
    step.rule_set = rules
    if step.review_due is None and rules.review_interval_months:
        step.review_due = add_months(step.start_on, rules.review_interval_months)


def _save(step: PathwayStep) -> None:
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError as error:
        if "step_no_overlap_per_client_and_service" in str(error):
            raise ValidationError(
                {
                    "start_on": _(
                        "Asiakkaalla on jo samaan aikaan jakso tässä palvelussa. Jaksot eivät voi olla päällekkäin."
                    )
                }
            ) from None
        raise


def plan_step(
    *, client: Client, planned_by, follows: PathwayStep | None = None, **fields
) -> PathwayStep:
    """Plans a step for the client: checks every rule of its service, adds the coach to the care team.

    A service that must run alongside this one, and itself requires this one
    (rehabilitative work activity always includes work coaching), is planned
    with it for the same period and coach, in the same transaction.
    `follows` is a running step of the client whose follow-on this is: it is
    linked at once, so the step's end has its follow-on before it comes.
    """
    with (
        transaction.atomic(),
        history_context(planned_by, "pathways.step.planned"),
    ):
        client = _lock_client(client)
        step = PathwayStep(client=client, created_by=planned_by, **fields)
        if step.start_on <= timezone.localdate():
            step.status = StepStatus.ACTIVE
        if step.service_type.code == step_rules.SUPPORTED_EMPLOYMENT and not step.ips_phase:
            step.ips_phase = IpsPhase.AGREEMENT
        for companion in _mutual_companions_missing(step):
            _save(companion)
            _log(
                planned_by,
                client,
                "pathways.step.planned",
                companion,
                detail=companion.service_type.code,
            )
        _validate(step)
        _save(step)
        if follows is not None:
            _link_follow_on(follows, step)
        if step.coach_id:
            _ensure_coach_membership(client, step.coach, planned_by)
        _log(planned_by, client, "pathways.step.planned", step, detail=step.service_type.code)
    return step


def _link_follow_on(previous: PathwayStep, step: PathwayStep) -> None:
    locked = PathwayStep.objects.select_for_update().get(pk=previous.pk)
    if locked.client_id != step.client_id or locked.status == StepStatus.ENDED:
        raise ValidationError(_("Jatkopolku suunnitellaan asiakkaan käynnissä olevalle jaksolle."))
    if locked.next_step_id is not None:
        raise ValidationError(_("Jaksolla on jo jatkopolku."))
    locked.next_step = step
    locked.save(update_fields=["next_step"])


def _mutual_companions_missing(step: PathwayStep) -> list[PathwayStep]:
    """Required companions that in turn require this step's service and are not planned yet."""
    rules = step_rules.rule_set_for(step)
    existing = list(
        PathwayStep.objects.filter(client=step.client_id).select_related("service_type")
    )
    covered = {
        c.service_type.code
        for c in existing
        if step_rules.covers(c, step.start_on, step.planned_end_on)
    }
    companions = []
    for required in rules.requires.all():
        if required.code in covered:
            continue
        companion = PathwayStep(
            client=step.client,
            service_type=required,
            start_on=step.start_on,
            planned_end_on=step.planned_end_on,
            coach=step.coach,
            unit=step.unit,
            status=step.status,
            created_by=step.created_by,
        )
        companion_rules = step_rules.rule_set_for(companion)
        mutual = {t.code for t in companion_rules.requires.all()} | {
            t.code for t in companion_rules.requires_one_of.all()
        }
        if step.service_type.code in mutual:
            companion.rule_set = companion_rules
            companions.append(companion)
    return companions


def update_step(*, step: PathwayStep, changed_by, **fields) -> PathwayStep:
    """Changes a step's plan (dates, schedule, facts); the rules are checked again."""
    if step.status == StepStatus.ENDED:
        raise ValidationError(_("Päättynyttä jaksoa ei voi muuttaa."))
    with (
        transaction.atomic(),
        history_context(changed_by, "pathways.step.changed"),
    ):
        _lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update()
            .select_related("client__responsible_unit__organisation", "service_type")
            .get(pk=step.pk)
        )
        default_review = (
            locked.rule_set
            and locked.rule_set.review_interval_months
            and add_months(locked.start_on, locked.rule_set.review_interval_months)
        )
        for name, value in fields.items():
            setattr(locked, name, value)
        if default_review and locked.review_due == default_review:
            # The default follows the start date and the rule set; a date chosen by hand stays.
            locked.review_due = None
        first_phase = locked.phase_changes.order_by("entered_on").first()
        if first_phase and first_phase.entered_on < locked.start_on:
            raise ValidationError(
                {
                    "start_on": _(
                        "Jakso ei voi alkaa ensimmäisen kirjatun IPS-vaiheen (%(date)s) jälkeen."
                    )
                    % {"date": _day(first_phase.entered_on)}
                }
            )
        _validate(locked)
        _save(locked)
        if locked.coach_id:
            _ensure_coach_membership(locked.client, locked.coach, changed_by)
        _log(
            changed_by,
            locked.client,
            "pathways.step.changed",
            locked,
            detail=", ".join(sorted(fields)),
        )
    return locked


def set_step_status(*, step: PathwayStep, status: str, changed_by) -> PathwayStep:
    """Starts, pauses or resumes a step (ending has its own action)."""
    if status not in (StepStatus.PLANNED, StepStatus.ACTIVE, StepStatus.PAUSED):
        raise ValidationError(_("Jakso päätetään päättämislomakkeella."))
    with (
        transaction.atomic(),
        history_context(changed_by, "pathways.step.status_changed"),
    ):
        locked = PathwayStep.objects.select_for_update().select_related("client").get(pk=step.pk)
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Päättynyttä jaksoa ei voi muuttaa."))
        locked.status = status
        locked.save(update_fields=["status"])
        _log(changed_by, locked.client, "pathways.step.status_changed", locked, detail=status)
    return locked


def end_step(
    *,
    step: PathwayStep,
    ended_by,
    ended_on: datetime.date,
    end_reason: str,
    next_step: PathwayStep | None = None,
    exit_outcome: str = "",
    review_decision: str = "",
) -> PathwayStep:
    """Ends a step with a reason and a follow-on step or an exit outcome.

    A Jobcenter paid-work period needs a follow-on step; a rehabilitative work
    activity period needs its review decision. Nothing is saved when refused.
    """
    with (
        transaction.atomic(),
        history_context(ended_by, "pathways.step.ended"),
    ):
        locked = (
            PathwayStep.objects.select_for_update()
            .select_related("client", "service_type")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Jakso on jo päättynyt."))
        if ended_on > timezone.localdate():
            raise ValidationError(
                {
                    "ended_on": _(
                        "Jakso päätetään päättymispäivänä tai sen jälkeen. Jatkopolun voi "
                        "suunnitella jo nyt jakson sivulta."
                    )
                }
            )
        if next_step is not None and (
            next_step.client_id != locked.client_id or next_step.pk == locked.pk
        ):
            raise ValidationError(
                {"next_step": _("Jatkopolun on oltava saman asiakkaan toinen jakso.")}
            )
        if (
            next_step is not None
            and PathwayStep.objects.filter(next_step=next_step).exclude(pk=locked.pk).exists()
        ):
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso on jo toisen jakson jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                }
            )
        locked.ended_on, locked.end_reason = ended_on, end_reason
        locked.next_step, locked.exit_outcome, locked.review_decision = (
            next_step,
            exit_outcome,
            review_decision,
        )
        step_rules.raise_for(step_rules.check_ending(locked))
        locked.status = StepStatus.ENDED
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as error:
            # Another worker chose the same follow-on step at the same moment.
            if "next_step" not in str(error):
                raise
            raise ValidationError(
                {
                    "next_step": _(
                        "Valittu jakso on jo toisen jakson jatkopolku. Valitse toinen jakso tai suunnittele uusi."
                    )
                }
            ) from None
        if (
            locked.coach_id
            and not PathwayStep.objects.open()
            .filter(client=locked.client, coach=locked.coach)
            .exists()
        ):
            CareTeamMembership.objects.filter(
                client=locked.client, user=locked.coach, role=TeamRole.COACH, ended_on__isnull=True
            ).update(ended_on=max(ended_on, timezone.localdate()))
        _log(
            ended_by,
            locked.client,
            "pathways.step.ended",
            locked,
            detail=exit_outcome or "follow-on",
        )
    return locked


def _ensure_coach_membership(client, coach, added_by) -> None:
    exists = CareTeamMembership.objects.filter(
        client=client, user=coach, ended_on__isnull=True
    ).exists()
    if not exists:
        CareTeamMembership.objects.create(
            client=client, user=coach, role=TeamRole.COACH, created_by=added_by
        )


def record_week_attendance(
    *, step: PathwayStep, recorded_by, days: dict[datetime.date, dict]
) -> int:
    """Saves one week of attendance: for each day {present, hours, absence_reason, compensation} or None to clear.

    Compensation above the rule set's daily cap is refused; nothing of the
    week is saved when any day is refused.
    """
    rules = step.rule_set or step_rules.rule_set_for(step)
    cap = rules.compensation_cap_per_day
    errors = {}
    for day, values in days.items():
        if values is None:
            continue
        if day < step.start_on or (step.end_or_planned_end and day > step.end_or_planned_end):
            errors[day.isoformat()] = _("Päivä ei ole jakson aikana.")
        elif day > timezone.localdate():
            errors[day.isoformat()] = _("Läsnäoloa ei voi kirjata tulevalle päivälle.")
        elif values.get("present") and not values.get("hours"):
            errors[day.isoformat()] = _("Kirjaa läsnäolotunnit.")
        elif not values.get("present") and not values.get("absence_reason"):
            errors[day.isoformat()] = _("Valitse poissaolon syy.")
        elif cap is not None and (values.get("compensation") or Decimal(0)) > cap:
            errors[day.isoformat()] = _(
                "Korvaus voi olla enintään %(cap)s € päivässä (%(source)s)."
            ) % {
                "cap": f"{cap:.2f}".replace(".", ","),
                "source": rules.source,
            }
    if errors:
        raise ValidationError(errors)
    saved = 0
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.attendance.recorded"),
    ):
        PathwayStep.objects.select_for_update().get(pk=step.pk)
        for day, values in sorted(days.items()):
            if values is None:
                Attendance.objects.filter(step=step, day=day).delete()
                continue
            present = bool(values.get("present"))
            Attendance.objects.update_or_create(
                step=step,
                day=day,
                defaults={
                    "present": present,
                    "hours": values.get("hours") if present else None,
                    "absence_reason": "" if present else values.get("absence_reason", ""),
                    "compensation": values.get("compensation") if present else None,
                    "recorded_by": recorded_by,
                    "recorded_at": timezone.now(),
                },
            )
            saved += 1
        _log(
            recorded_by,
            step.client,
            "pathways.attendance.recorded",
            step,
            detail=f"{min(days)}–{max(days)}",
        )
    return saved


def save_jobcenter_contract(*, step: PathwayStep, saved_by, **fields) -> JobcenterContract:
    """Records the paid job of a Jobcenter period; the contract must lie within the period."""
    if step.service_type.code != step_rules.JOBCENTER:
        raise ValidationError(_("Työsopimus kirjataan vain Jobcenter-jaksolle."))
    start, end = fields["contract_start"], fields["contract_end"]
    outside = {}
    if start < step.start_on:
        outside["contract_start"] = _("Työsopimuksen on oltava Jobcenter-jakson sisällä.")
    if step.planned_end_on and end > step.planned_end_on:
        outside["contract_end"] = _("Työsopimuksen on oltava Jobcenter-jakson sisällä.")
    if outside:
        raise ValidationError(outside)
    with (
        transaction.atomic(),
        history_context(saved_by, "pathways.jobcenter_contract.saved"),
    ):
        contract, _created = JobcenterContract.objects.update_or_create(step=step, defaults=fields)
        _log(saved_by, step.client, "pathways.jobcenter_contract.saved", contract)
    return contract


def add_employer_contact(*, step: PathwayStep, recorded_by, **fields) -> EmployerContact:
    """A contact that happened: not in the future (it would silence the no-contact alert), not
    before the step's start."""
    _require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    _check_progress_date(step, fields["contacted_on"], "contacted_on")
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.employer_contact.added"),
    ):
        contact = EmployerContact.objects.create(step=step, recorded_by=recorded_by, **fields)
        _log(recorded_by, step.client, "pathways.employer_contact.added", contact)
    return contact


def add_in_work_support(*, step: PathwayStep, recorded_by, **fields) -> InWorkSupport:
    """Support that was given: not in the future, not before the step's start."""
    _require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    _check_progress_date(step, fields["supported_on"], "supported_on")
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.in_work_support.added"),
    ):
        support = InWorkSupport.objects.create(step=step, recorded_by=recorded_by, **fields)
        _log(recorded_by, step.client, "pathways.in_work_support.added", support)
    return support


def record_placement(
    *, client: Client, recorded_by, step: PathwayStep | None = None, **fields
) -> Placement:
    """Records an outcome (job start, studies); a job start in IPS moves the step to in-work support."""
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.placement.recorded"),
    ):
        placement = Placement.objects.create(
            client=client, step=step, recorded_by=recorded_by, **fields
        )
        if (
            step
            and step.service_type.code == step_rules.SUPPORTED_EMPLOYMENT
            and fields["kind"] in ("open_market_job", "subsidised_job")
        ):
            _enter_in_work_support(step, fields["started_on"], recorded_by)
        _log(recorded_by, client, "pathways.placement.recorded", placement, detail=fields["kind"])
    return placement


def _enter_in_work_support(step: PathwayStep, started_on: datetime.date, recorded_by) -> None:
    """A job start moves an IPS step to in-work support, dated by the job start (not before the
    step's start or its previous phase change, not after today unless the step itself starts later)."""
    locked = PathwayStep.objects.select_for_update().get(pk=step.pk)
    if locked.ips_phase == IpsPhase.IN_WORK_SUPPORT:
        return
    previous = locked.phase_changes.last()
    entered_on = max(
        min(started_on, timezone.localdate()),
        locked.start_on,
        previous.entered_on if previous else locked.start_on,
    )
    IpsPhaseChange.objects.create(
        step=locked, phase=IpsPhase.IN_WORK_SUPPORT, entered_on=entered_on, recorded_by=recorded_by
    )
    PathwayStep.objects.filter(pk=step.pk).update(ips_phase=IpsPhase.IN_WORK_SUPPORT)


def _day(day: datetime.date) -> str:
    return f"{day:%-d.%-m.%Y}"


def _lock_open_ips_step(step: PathwayStep) -> PathwayStep:
    """The IPS step locked for a record of its progress: planned or active, never ended or paused."""
    _require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    locked = (
        PathwayStep.objects.select_for_update()
        .select_related("client", "service_type")
        .get(pk=step.pk)
    )
    if locked.status not in (StepStatus.PLANNED, StepStatus.ACTIVE):
        raise ValidationError(
            _("IPS-jaksoon kirjataan vain, kun jakso on suunniteltu tai käynnissä.")
        )
    return locked


def _check_progress_date(step: PathwayStep, day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("Päivä ei voi olla tulevaisuudessa.")})
    if day < step.start_on:
        raise ValidationError(
            {
                field: _("Päivä ei voi olla ennen jakson alkamista (%(date)s).")
                % {"date": _day(step.start_on)}
            }
        )


def record_ips_phase(
    *,
    step: PathwayStep,
    phase: str,
    entered_on: datetime.date,
    recorded_by,
    note: str = "",
) -> IpsPhaseChange:
    """Records that an IPS step entered a phase on a date; the step's current phase follows.

    The date is not in the future, not before the step's start and not before
    the previous phase change; the same phase twice in a row is refused.
    """
    if phase not in IpsPhase.values:
        raise ValidationError({"phase": _("Valitse vaihe.")})
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.ips_phase.recorded"),
    ):
        locked = _lock_open_ips_step(step)
        _check_progress_date(locked, entered_on, "entered_on")
        previous = locked.phase_changes.last()
        if previous and entered_on < previous.entered_on:
            raise ValidationError(
                {
                    "entered_on": _("Päivä ei voi olla ennen edellistä vaihemuutosta (%(date)s).")
                    % {"date": _day(previous.entered_on)}
                }
            )
        if previous and previous.phase == phase:
            raise ValidationError({"phase": _("Asiakas on jo tässä vaiheessa.")})
        change = IpsPhaseChange.objects.create(
            step=locked,
            phase=phase,
            entered_on=entered_on,
            note=note,
            recorded_by=recorded_by,
        )
        locked.ips_phase = phase
        locked.save(update_fields=["ips_phase"])
        step.ips_phase = phase
        _log(recorded_by, locked.client, "pathways.ips_phase.recorded", change, detail=phase)
    return change


def record_benefits_counselling(
    *, step: PathwayStep, given_on: datetime.date, recorded_by
) -> PathwayStep:
    """Records the day benefits counselling was given in an IPS step (a later one replaces it)."""
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.benefits_counselling.recorded"),
    ):
        locked = _lock_open_ips_step(step)
        _check_progress_date(locked, given_on, "given_on")
        locked.benefits_counselling_on = given_on
        locked.save(update_fields=["benefits_counselling_on"])
        step.benefits_counselling_on = given_on
        _log(recorded_by, locked.client, "pathways.benefits_counselling.recorded", locked)
    return locked


def issue_certificate(
    *, step: PathwayStep, issued_by, competences: list[str], **fields
) -> CompetenceCertificate:
    _require_type(step, step_rules.YOUTH_WORKSHOP)
    competences = [c.strip() for c in competences if c.strip()]
    if not competences:
        raise ValidationError({"competences": _("Nimeä vähintään yksi osoitettu osaaminen.")})
    with (
        transaction.atomic(),
        history_context(issued_by, "pathways.certificate.issued"),
    ):
        certificate = CompetenceCertificate.objects.create(
            step=step, issued_by=issued_by, competences=competences, **fields
        )
        _log(issued_by, step.client, "pathways.certificate.issued", certificate)
    return certificate


def _require_type(step: PathwayStep, code: str) -> None:
    if step.service_type.code != code:
        raise PermissionDenied


def request_pathway_summary(
    *, client: Client, requested_by, language: str, sections: list[str]
) -> "PrintedDocument":
    """Queues a pathway summary PDF; the rendering task is enqueued only after the transaction commits."""
    from pathways.printing import TEMPLATE_VERSION
    from pathways.summary import SECTIONS

    sections = [section for section in SECTIONS if section in sections]
    if not sections:
        raise ValidationError({"sections": _("Valitse vähintään yksi osio.")})
    with transaction.atomic():
        document = PrintedDocument.objects.create(
            client=client,
            kind=DocumentKind.PATHWAY_SUMMARY,
            language=language,
            sections=sections,
            template_version=TEMPLATE_VERSION,
            requested_by=requested_by,
        )
        _log(
            requested_by,
            client,
            "pathways.summary.requested",
            document,
            detail=f"{language}: {', '.join(sections)}",
        )
        transaction.on_commit(lambda: _enqueue_render(document.pk))
    return document


def request_certificate_pdf(
    *, certificate: CompetenceCertificate, requested_by, language: str
) -> "PrintedDocument":
    """Queues the PDF of a youth workshop's competence certificate."""
    from pathways.printing import TEMPLATE_VERSION

    client = certificate.step.client
    with transaction.atomic():
        document = PrintedDocument.objects.create(
            client=client,
            kind=DocumentKind.COMPETENCE_CERTIFICATE,
            language=language,
            certificate=certificate,
            template_version=TEMPLATE_VERSION,
            requested_by=requested_by,
        )
        _log(requested_by, client, "pathways.certificate_pdf.requested", document)
        transaction.on_commit(lambda: _enqueue_render(document.pk))
    return document


def _enqueue_render(document_id: int) -> None:
    from pathways.tasks import render_document_pdf_task

    render_document_pdf_task.delay(document_id)


def render_document(*, document_id: int) -> "PrintedDocument":
    """Renders a queued document to PDF, stores it privately with its checksum. Safe to run twice."""
    from pathways import printing
    from pathways.certificates import render_certificate_html
    from pathways.summary import render_summary_html

    with transaction.atomic():
        document = (
            PrintedDocument.objects.select_for_update()
            .select_related("client__responsible_unit__organisation")
            .get(pk=document_id)
        )
        if document.status == DocumentStatus.READY:
            return document
        document.status = DocumentStatus.RENDERING
        document.save(update_fields=["status"])
    try:
        with translation.override(document.language):
            if document.kind == DocumentKind.PATHWAY_SUMMARY:
                html = render_summary_html(document)
            else:
                html = render_certificate_html(document)
            pdf = printing.render_pdf(html)
        name, checksum = printing.store(pdf, f"{document.uuid}.pdf")
    except Exception as error:
        PrintedDocument.objects.filter(pk=document.pk).update(
            status=DocumentStatus.FAILED, error=str(error)[:300]
        )
        raise
    PrintedDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.READY,
        file_name=name,
        checksum=checksum,
        size=len(pdf),
        rendered_at=timezone.now(),
    )
    document.refresh_from_db()
    return document


def record_print_handed_over(*, document: "PrintedDocument", by) -> None:
    """The download of a printed document: logged as a print and as a disclosure to the client."""
    from audit.actions import log_disclosure
    from audit.models import Basis

    _log(by, document.client, "pathways.document.printed", document, detail=document.kind)
    with translation.override("fi"):  # the log is kept in Finnish, whatever the user reads
        log_disclosure(
            actor=by,
            client_id=document.client.uuid,
            recipient_organisation=None,
            recipient_description=_("Asiakas itse"),
            what=document.get_kind_display(),
            basis=Basis.CLIENT_REQUEST,
            channel="pdf",
        )
