"""Asking for a follow-on step: the coach who logs a step but may not plan steps
(PERMISSIONS.md) asks the client's responsible worker to plan what comes after it, as a
Jobcenter period cannot be ended without a follow-on step."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.history import history_context
from clients.access import log_client_access
from clients.querysets import responsible_worker_of
from notifications.actions import create_task, reopen_tasks, settle_tasks
from notifications.models import Task
from notifications.texts import Text
from pathways.actions.common import format_day, lock_client
from pathways.models import PathwayStep, StepStatus

# The responsible worker's task when a step's coach asks for its follow-on step.
FOLLOW_ON_REQUESTED_TASK = "pathways.follow_on_requested"


def follow_on_request_key(step: PathwayStep) -> str:
    """The key of the one task that asks for `step`'s follow-on."""
    return f"{FOLLOW_ON_REQUESTED_TASK}:{step.pk}"


def settle_follow_on_requests(steps: list[PathwayStep], *, by) -> int:
    """The steps ended, were cancelled or got their follow-on step (by `by`): the requests
    to plan their follow-on still open in the responsible worker's inbox are checked off
    (`notifications.actions.settle_tasks`), in the caller's transaction. Returns how many."""
    return settle_tasks(keys=[follow_on_request_key(step) for step in steps], by=by)


def reopen_follow_on_requests(steps: list[PathwayStep]) -> int:
    """The planned follow-on of these running steps was cancelled: the requests for their
    follow-on that were checked off are open again (`notifications.actions.reopen_tasks`),
    in the caller's transaction. Returns how many."""
    return reopen_tasks(keys=[follow_on_request_key(step) for step in steps])


def follow_on_requested(step: PathwayStep) -> Task | None:
    """The task that asked for `step`'s follow-on, if one was asked for. One query."""
    return Task.objects.filter(key=follow_on_request_key(step)).first()


def ask_for_follow_on(*, step: PathwayStep, asked_by) -> Task:
    """Gives the client's responsible worker a task to plan `step`'s follow-on step: titled
    with the client and the service, due on the step's planned end, linking to the step.
    The caller has checked "pathways.ask_for_follow_on".

    Once per step (the task's key): asking again returns the task asked for first. Refused
    with ValidationError, nothing saved: a step ended or with a follow-on already, a client
    without a responsible worker. Writes the access-log row "pathways.follow_on.requested";
    the task's history by pghistory.
    """
    with transaction.atomic(), history_context(asked_by, "pathways.follow_on.requested"):
        client = lock_client(step.client)
        locked = (
            PathwayStep.objects.select_for_update(of=("self",))
            .select_related("service_type")
            .get(pk=step.pk)
        )
        if locked.status == StepStatus.ENDED:
            raise ValidationError(_("Jakso on jo päättynyt."))
        if locked.next_step_id is not None:
            raise ValidationError(_("Jaksolla on jo jatkopolku."))
        worker = responsible_worker_of(client)
        if worker is None:
            raise ValidationError(
                _(
                    "Asiakkaalla ei ole vastuutyöntekijää, jota pyytää. Ota yhteyttä "
                    "asiakkaan yksikön esihenkilöön."
                )
            )
        service = lazy(lambda: locked.service_type.name, str)()
        if locked.planned_end_on:
            description = Text(
                gettext_noop(
                    "{name} pyytää suunnittelemaan jatkopolun jaksolle {service}, joka päättyy "
                    "{date}. Jakson päättäminen odottaa jatkopolkua."
                ),
                name=asked_by.get_full_name(),
                service=service,
                date=format_day(locked.planned_end_on),
            )
        else:
            description = Text(
                gettext_noop("{name} pyytää suunnittelemaan jatkopolun jaksolle {service}."),
                name=asked_by.get_full_name(),
                service=service,
            )
        task = create_task(
            assignee=worker,
            kind=FOLLOW_ON_REQUESTED_TASK,
            title=Text(
                gettext_noop("Suunnittele jatkopolku jaksolle {service}: {client}"),
                service=service,
                client=client.display_name,
            ),
            description=description,
            due_date=locked.planned_end_on,
            concerning=locked,
            client_id=client.uuid,
            link=reverse("pathways:step", kwargs={"client_id": client.uuid, "step_id": locked.pk}),
            created_by=asked_by,
            key=follow_on_request_key(locked),
        )
        log_client_access(
            asked_by,
            client,
            "pathways.follow_on.requested",
            locked,
            detail=locked.service_type.code,
        )
    return task
