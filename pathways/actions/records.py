"""What the coach of a step records while it runs: attendance week by week, the Jobcenter
contract, IPS phases, employer contacts and in-work support, benefits counselling, the
Jobcenter period's income clarification and the youth workshop's competence certificate
(placements: `pathways.actions.placements`)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.history import history_context
from clients.access import log_client_access
from config.numbers import plain_number
from pathways import step_rules
from pathways.actions.common import format_day, lock_client
from pathways.models import (
    COMPETENCE_MAX_LENGTH,
    Attendance,
    CompetenceCertificate,
    EmployerContact,
    InWorkSupport,
    IpsPhase,
    IpsPhaseChange,
    JobcenterContract,
    PathwayStep,
    StepStatus,
)
from pathways.pauses import pause_holding, pauses_of
from pathways.querysets import first_job_start


def last_attendance_day(step: PathwayStep) -> datetime.date | None:
    """The last day of `step`'s period that may take attendance (None: no end in sight). An
    ended step's is its end, and a step whose planned end is still ahead, that end. A step
    not ended runs on past its planned end until it is ended (the coach closes it
    afterwards, `end_step`), so its days after the planned end count too, up to the last
    day the rule set lets such a period last (`period_end_limit` of its maximum length:
    it could not be ended later either), or without end for a service with no such limit;
    the days still ahead are closed as such (`day_taking_no_attendance`). Reads the step's
    rule set only for a step running past its planned end; one with no rules in force for
    its start (a start before the rules Polku holds) is held to its planned end."""
    if step.ended_on:
        return step.ended_on
    planned = step.planned_end_on
    if planned is None or planned >= timezone.localdate():
        return planned
    rules = step.rule_set
    if rules is None:
        try:
            rules = step_rules.rule_set_for(step)
        except ValidationError:
            return planned
    if rules.max_duration_months:
        return step_rules.period_end_limit(step.start_on, rules.max_duration_months)
    return None


def day_taking_no_attendance(step: PathwayStep, day: datetime.date) -> str:
    """Why `day` takes no attendance of `step` whatever is recorded on it ("" when it may):
    the step was cancelled before it started, the day is outside the period (before its
    start, after `last_attendance_day`), or it has not come yet. The grid shows those days
    closed with this text; the action refuses them."""
    if step.is_cancelled:
        return _("Jakso on peruttu ennen alkuaan: sille ei kirjata läsnäoloja.")
    if day < step.start_on or ((last := last_attendance_day(step)) and day > last):
        return _("Päivä ei ole jakson aikana.")
    if day > timezone.localdate():
        return _("Läsnäoloa ei voi kirjata tulevalle päivälle.")
    return ""


def record_week_attendance(
    *,
    step: PathwayStep,
    recorded_by,
    days: dict[datetime.date, dict],
    shown: dict[datetime.date, str] | None = None,
) -> int:
    """Saves one week of attendance: for each day {present, hours, absence_reason, compensation} or None to clear.

    `shown` is, for the grid's days, the state each day was shown with
    (`Attendance.grid_state`, "" for a day not recorded). A day whose record is no longer
    what the grid showed, recorded, changed or cleared meanwhile by the coach or in another
    tab, is refused on its status and nothing of the week is saved: saving the stale grid
    would overwrite or delete an expense-allowance or avotyö payment day the user never saw.
    A day None that was not recorded when shown is left as it is; only a day shown recorded
    and cleared by the user is deleted.

    Compensation above the rule set's daily cap is refused, and so are the
    rule set's schedule rules (step_rules.check_attendance): a present day
    shorter than the minimum hours, and more present days in a calendar week
    than the maximum, counting the days already saved there for the client in
    the same service (a period ending on Wednesday and the next starting on
    Thursday share the week). A step cancelled before it started takes none.

    A day of a pause of the step (`set_step_status`: the latest one or an earlier one,
    from the step's history, `pauses.pauses_of`), from the day it began until the day
    before the step resumed, takes no present day: the client was on a break (sick leave,
    another rehabilitation), so no hours were worked, no avotyö compensation is paid and
    no Kela expense-allowance day counts. An absence is recorded on such a day: it pays
    nothing and tells why the client was away, as a work-activity unit marks the days of
    a sick leave in its register.
    Errors are keyed by the grid's field of the day it concerns, "<ISO date>-<status,
    hours, reason or compensation>" (a short day on its hours, a day beyond the week's
    limit, outside the period or present in a pause on its status); nothing of the week is saved when
    any day is refused. The days are checked against the step's row locked in the
    transaction, so a copy loaded before the step ended or was cancelled cannot
    record past its end, nor a present day in a pause recorded meanwhile.

    An avotyö day present is a day paid: one recorded without an amount is paid the
    step's agreed daily compensation (an amount given, 0 € included, is kept); with
    none agreed, the amount is asked for on the day.
    """
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.attendance.recorded"),
    ):
        # Under the client's lock: the days kept from earlier recordings of the same weeks,
        # of this step and of the client's other steps in the same service, count.
        client = lock_client(step.client)
        # The step as it is now, not as the caller loaded it: a period ended or cancelled
        # meanwhile takes no days past its end.
        step = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("service_type", "rule_set")
            .get(pk=step.pk)
        )
        step.client = client
        rules = step.rule_set or step_rules.rule_set_for(step)
        cap = rules.compensation_cap_per_day
        paid_daily = step.service_type.code == step_rules.OPEN_WORK
        # A step never paused has no pause in its history either: no query for it.
        pauses = pauses_of(step) if step.paused_on else []
        days = dict(days)
        if shown is not None:
            _refuse_days_changed_meanwhile(step, shown)
        errors: dict[str, list[str]] = {}
        for day, values in days.items():
            if values is None:
                continue
            if paid_daily and values.get("present") and values.get("compensation") is None:
                values = days[day] = {**values, "compensation": step.daily_compensation}
            key = day.isoformat()
            if closed := day_taking_no_attendance(step, day):
                errors[f"{key}-status"] = [closed]
            elif values.get("present") and (pause := pause_holding(pauses, day)):
                errors[f"{key}-status"] = [
                    _(
                        "Jakso oli tauolla tänä päivänä (tauko alkoi %(date)s), joten läsnäoloa "
                        "ei kirjata. Kirjaa päivä poissaoloksi tai jätä se kirjaamatta."
                    )
                    % {"date": format_day(pause.paused_on)}
                ]
            elif values.get("present") and not values.get("hours"):
                errors[f"{key}-hours"] = [_("Kirjaa läsnäolotunnit.")]
            elif not values.get("present") and not values.get("absence_reason"):
                errors[f"{key}-reason"] = [_("Valitse poissaolon syy.")]
            elif paid_daily and values.get("present") and values.get("compensation") is None:
                errors[f"{key}-compensation"] = [_("Kirjaa päivän korvaus.")]
            elif cap is not None and (values.get("compensation") or Decimal(0)) > cap:
                errors[f"{key}-compensation"] = [
                    _("Korvaus voi olla enintään %(cap)s € päivässä (%(source)s).")
                    % {
                        # As the step form's same message gives it (`check_step`).
                        "cap": plain_number(cap),
                        "source": rules.translated_source,
                    }
                ]
        present_hours = {
            day: values.get("hours")
            for day, values in days.items()
            if values is not None and values.get("present")
        }
        kept = []
        if rules.max_days_per_week and present_hours:
            first, last = min(present_hours), max(present_hours)
            kept = list(
                Attendance.objects.filter(
                    step__client=step.client_id,
                    step__service_type=step.service_type_id,
                    present=True,
                    day__range=(
                        first - datetime.timedelta(days=first.weekday()),
                        last + datetime.timedelta(days=6 - last.weekday()),
                    ),
                )
                .exclude(step=step, day__in=list(days))
                .values_list("day", flat=True)
            )
        for violation in step_rules.check_attendance(rules, present_hours, kept_present=kept):
            errors.setdefault(violation.field, []).append(violation.message)
        if errors:
            raise ValidationError(errors)
        saved = 0
        for day, values in sorted(days.items()):
            if values is None:
                if shown is None or shown.get(day):
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
        log_client_access(
            recorded_by,
            step.client,
            "pathways.attendance.recorded",
            step,
            detail=f"{min(days)}–{max(days)}",
        )
    return saved


def _refuse_days_changed_meanwhile(step: PathwayStep, shown: dict[datetime.date, str]) -> None:
    """ValidationError on the status of each day of `shown` whose record is no longer what
    the grid showed; read under the step's lock, so no recording of the week slips between
    this check and the save."""
    recorded = {
        row.day: row.grid_state for row in Attendance.objects.filter(step=step, day__in=list(shown))
    }
    changed = sorted(day for day, state in shown.items() if recorded.get(day, "") != state)
    if changed:
        raise ValidationError(
            {
                f"{day.isoformat()}-status": ValidationError(
                    _(
                        "Päivän %(date)s kirjaus muuttui sen jälkeen, kun viikko avattiin. "
                        "Päivällä näkyy nyt sen tämänhetkinen kirjaus: tarkista se ja tallenna "
                        "viikko uudelleen. Viikosta ei tallennettu mitään."
                    )
                    % {"date": format_day(day)},
                    code="changed_meanwhile",
                )
                for day in changed
            }
        )


def save_jobcenter_contract(*, step: PathwayStep, saved_by, **fields) -> JobcenterContract:
    """Records the paid job of a Jobcenter period; the contract must lie within the period.
    An ended period's contract is a record of what was agreed and stays as it is."""
    if step.service_type.code != step_rules.JOBCENTER:
        raise ValidationError(_("Työsopimus kirjataan vain Jobcenter-jaksolle."))
    start, end = fields["contract_start"], fields["contract_end"]
    with (
        transaction.atomic(),
        history_context(saved_by, "pathways.jobcenter_contract.saved"),
    ):
        # The period's dates as they are now: a change of the period waits for this save.
        lock_client(step.client)
        step = PathwayStep.objects.select_related("client").get(pk=step.pk)
        if step.status == StepStatus.ENDED:
            raise ValidationError(_("Päättyneen jakson työsopimusta ei voi muuttaa."))
        outside = {}
        if start < step.start_on:
            outside["contract_start"] = _("Työsopimuksen on oltava Jobcenter-jakson sisällä.")
        if step.planned_end_on and end > step.planned_end_on:
            outside["contract_end"] = _("Työsopimuksen on oltava Jobcenter-jakson sisällä.")
        if outside:
            raise ValidationError(outside)
        contract, _created = JobcenterContract.objects.update_or_create(step=step, defaults=fields)
        log_client_access(saved_by, step.client, "pathways.jobcenter_contract.saved", contract)
    return contract


def record_income_clarification(
    *, step: PathwayStep, recorded_by, income_clarification: str
) -> PathwayStep:
    """Records how the wage of a Jobcenter period affects the client's benefits (tuloselvitys,
    DOMAIN.md: recorded for a disability-services client), as the coach or the responsible
    worker wrote it; a later one replaces it (the change history keeps the earlier). Refused
    for a period that has ended or another service, and without text (ValidationError on
    `income_clarification`)."""
    require_type(step, step_rules.JOBCENTER)
    text = income_clarification.strip()
    if not text:
        raise ValidationError({"income_clarification": _("Kirjaa tuloselvitys.")})
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.income_clarification.recorded"),
    ):
        lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("client")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Päättyneen jakson tuloselvitystä ei voi muuttaa."))
        locked.income_clarification = text
        locked.save(update_fields=["income_clarification"])
        step.income_clarification = text
        log_client_access(
            recorded_by, locked.client, "pathways.income_clarification.recorded", locked
        )
    return locked


class RecordedAlready(ValidationError):
    """The same record (every field the same) is on the step already: a double submit, or the
    same form sent again from a stale page. Nothing new is recorded, as with a repeated
    recommendation (`consultations.actions.RecommendationRecordedAlready`)."""


def _refuse_repeat(model, step: PathwayStep, **fields) -> None:
    """Raises RecordedAlready when a row of `model` with these fields is on the step; read
    under the step's lock (`lock_step`), so of two identical submits the second sees the first."""
    if model.objects.filter(step=step, **fields).exists():
        raise RecordedAlready(_("Sama kirjaus on jo tallennettu tälle jaksolle."))


def add_employer_contact(*, step: PathwayStep, recorded_by, **fields) -> EmployerContact:
    """A contact that happened: not in the future (it would silence the no-contact alert), not
    before the step's start, not after its end, none in a step cancelled before it started;
    checked against the step locked in the transaction (`lock_step`). The step's no-contact
    alerts are settled (marked read in every inbox they reached): an employer has now been
    contacted. The same contact again (every field the same, as a double submit sends) is
    refused with RecordedAlready."""
    from notifications.actions import settle_reminders
    from pathways.reminders import IPS_NO_EMPLOYER_CONTACT

    require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.employer_contact.added"),
    ):
        locked = lock_step(step)
        _check_progress_date(locked, fields["contacted_on"], "contacted_on")
        _refuse_repeat(EmployerContact, locked, **fields)
        contact = EmployerContact.objects.create(step=locked, recorded_by=recorded_by, **fields)
        log_client_access(recorded_by, locked.client, "pathways.employer_contact.added", contact)
        settle_reminders(rule=IPS_NO_EMPLOYER_CONTACT, concerning=locked)
    return contact


def add_in_work_support(*, step: PathwayStep, recorded_by, **fields) -> InWorkSupport:
    """Support that was given: not in the future, not before the step's start, not after its end,
    none in a step cancelled before it started, and at work: only once a job start of the step
    has been recorded, not before the job began (ValidationError next to the day). Checked
    against the step locked in the transaction (`lock_step`), its job starts read under the
    lock. The same support again (day and text, as a double submit sends) is refused with
    RecordedAlready."""
    require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.in_work_support.added"),
    ):
        locked = lock_step(step)
        _check_progress_date(locked, fields["supported_on"], "supported_on")
        job_start = first_job_start(locked)
        if job_start is None:
            raise ValidationError(
                {
                    "supported_on": _(
                        "Tukea työssä kirjataan, kun asiakkaan työ on alkanut. Kirjaa ensin "
                        "työllistyminen."
                    )
                }
            )
        if fields["supported_on"] < job_start:
            raise ValidationError(
                {
                    "supported_on": _("Päivä ei voi olla ennen työn alkamista (%(date)s).")
                    % {"date": format_day(job_start)}
                }
            )
        _refuse_repeat(InWorkSupport, locked, **fields)
        support = InWorkSupport.objects.create(step=locked, recorded_by=recorded_by, **fields)
        log_client_access(recorded_by, locked.client, "pathways.in_work_support.added", support)
    return support


def lock_step(step: PathwayStep) -> PathwayStep:
    """The step as it is now, for a record of what happened in it: its client locked first
    (as every write of the client's pathway), then its own row, so a step ended or cancelled
    at the same moment takes its turn and the record is checked against its end as saved,
    not against a copy loaded before (`_check_within_step`)."""
    client = lock_client(step.client)
    locked = (
        PathwayStep.objects.select_for_update(of=("self",))
        .select_related("service_type")
        .get(pk=step.pk)
    )
    locked.client = client
    return locked


def _lock_open_ips_step(step: PathwayStep) -> PathwayStep:
    """The IPS step locked for a record of its progress: planned or active, never ended or
    paused. Locked as every write of the client's pathway locks (`lock_step`: the client
    first, then the step), so a record racing a change of the step waits its turn instead of
    deadlocking with it."""
    require_type(step, step_rules.SUPPORTED_EMPLOYMENT)
    locked = lock_step(step)
    check_ips_step_open(locked)
    return locked


def check_ips_step_open(locked: PathwayStep) -> None:
    """An IPS step takes a record of its progress (a phase, benefits counselling, a job start
    or studies: `placements.record_placement`) only while planned or active: a paused or
    ended step's phase history stays as it was. `locked` is the step as `lock_step` read it."""
    if locked.status not in (StepStatus.PLANNED, StepStatus.ACTIVE):
        raise ValidationError(
            _("IPS-jaksoon kirjataan vain, kun jakso on suunniteltu tai käynnissä.")
        )


def _check_progress_date(
    step: PathwayStep, day: datetime.date, field: str, *, within_step: bool = True
) -> None:
    """A record of what happened: not in the future, not before the step's start and, unless
    `within_step` is False (a certificate is given at or after the end), not after its end."""
    if day > timezone.localdate():
        raise ValidationError({field: _("Päivä ei voi olla tulevaisuudessa.")})
    _check_within_step(step, day, field, until_end=within_step)


def _check_within_step(
    step: PathwayStep, day: datetime.date, field: str, *, until_end: bool = True
) -> None:
    """Not before the step's start and, with `until_end`, not after the end of an ended step;
    nothing in a step cancelled before it started (it never ran: its end on its start date
    is only the mark of the cancellation)."""
    if step.is_cancelled:
        raise ValidationError(
            _("Jakso on peruttu ennen alkuaan, joten sille ei kirjata tapahtumia eikä tuloksia.")
        )
    if day < step.start_on:
        raise ValidationError(
            {
                field: _("Päivä ei voi olla ennen jakson alkamista (%(date)s).")
                % {"date": format_day(step.start_on)}
            }
        )
    if until_end and step.ended_on and day > step.ended_on:
        raise ValidationError(
            {
                field: _("Päivä ei voi olla jakson päättymisen (%(date)s) jälkeen.")
                % {"date": format_day(step.ended_on)}
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
    """Records that an IPS step entered a phase on a date; the step is in it from that day on.

    The date is not in the future, not before the step's start and not before the previous
    phase change; the same phase twice in a row is refused. While a job that begins later
    awaits (its in-work support is dated ahead by record_placement), another phase may be
    recorded before it, but not in-work support itself: that begins with the job
    (ValidationError next to the phase, naming the day).
    """
    if phase not in IpsPhase.values:
        raise ValidationError({"phase": _("Valitse vaihe.")})
    with (
        transaction.atomic(),
        history_context(recorded_by, "pathways.ips_phase.recorded"),
    ):
        locked = _lock_open_ips_step(step)
        _check_progress_date(locked, entered_on, "entered_on")
        today = timezone.localdate()
        previous = locked.phase_changes.entered_by(today).last()
        if previous and entered_on < previous.entered_on:
            raise ValidationError(
                {
                    "entered_on": _("Päivä ei voi olla ennen edellistä vaihemuutosta (%(date)s).")
                    % {"date": format_day(previous.entered_on)}
                }
            )
        if previous and previous.phase == phase:
            raise ValidationError({"phase": _("Asiakas on jo tässä vaiheessa.")})
        awaited = locked.phase_changes.ahead_of(today).first()
        if awaited and phase == IpsPhase.IN_WORK_SUPPORT:
            raise ValidationError(
                {
                    "phase": _("Tuki työssä alkaa, kun työ alkaa %(date)s.")
                    % {"date": format_day(awaited.entered_on)}
                }
            )
        change = IpsPhaseChange.objects.create(
            step=locked,
            phase=phase,
            entered_on=entered_on,
            note=note,
            recorded_by=recorded_by,
        )
        log_client_access(
            recorded_by, locked.client, "pathways.ips_phase.recorded", change, detail=phase
        )
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
        log_client_access(
            recorded_by, locked.client, "pathways.benefits_counselling.recorded", locked
        )
    return locked


def issue_certificate(
    *, step: PathwayStep, issued_by, competences: list[str], **fields
) -> CompetenceCertificate:
    """Issues a youth workshop's competence certificate naming the competences shown; dated
    not in the future and not before the workshop period started (it may be given at or after
    its end); none for a period cancelled before it started, checked against the step locked
    in the transaction (`lock_step`). A competence longer than COMPETENCE_MAX_LENGTH is
    refused next to "competences" (the database would cut it short). The same certificate
    again (every field the same, as a double submit sends) is refused with RecordedAlready."""
    require_type(step, step_rules.YOUTH_WORKSHOP)
    with (
        transaction.atomic(),
        history_context(issued_by, "pathways.certificate.issued"),
    ):
        locked = lock_step(step)
        _check_progress_date(locked, fields["issued_on"], "issued_on", within_step=False)
        competences = [c.strip() for c in competences if c.strip()]
        if not competences:
            raise ValidationError({"competences": _("Nimeä vähintään yksi osoitettu osaaminen.")})
        if any(len(c) > COMPETENCE_MAX_LENGTH for c in competences):
            # PostgreSQL would cut the line to the limit on the cast, without a word.
            raise ValidationError(
                {
                    "competences": _("Osaaminen on enintään %(limit)s merkkiä riviltä.")
                    % {"limit": COMPETENCE_MAX_LENGTH}
                }
            )
        _refuse_repeat(CompetenceCertificate, locked, competences=competences, **fields)
        certificate = CompetenceCertificate.objects.create(
            step=locked, issued_by=issued_by, competences=competences, **fields
        )
        log_client_access(issued_by, locked.client, "pathways.certificate.issued", certificate)
    return certificate


def require_type(step: PathwayStep, code: str) -> None:
    """Refuses a record that belongs to another service (an IPS contact on a workshop step)."""
    if step.service_type.code != code:
        raise PermissionDenied
