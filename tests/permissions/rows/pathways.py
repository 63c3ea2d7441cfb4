from accounts.roles import Role
from pathways.factories import make_step
from tests.permissions.rows.clients import VISIBLE, client_kwargs, client_row

R = Role
PLANNERS = frozenset({R.SOCIAL_WORKER, R.HEALTH_PROFESSIONAL})
LOGGERS = frozenset({R.SOCIAL_WORKER, R.WORK_COACH})  # the responsible worker and the step's coach


def step_kwargs(code):
    def kwargs(world):
        # One step per service in a world: the matrix asks for the kwargs once per role.
        step = world.extra.get(code)
        if step is None:
            step = world.extra[code] = make_step(
                world.client,
                code,
                created_by=world.users[R.SOCIAL_WORKER],
                coach=world.users[R.WORK_COACH],
                days_per_week=3,
                hours_per_day=5,
            )
        return {"client_id": world.client.uuid, "step_id": step.pk}

    return kwargs


REHAB = step_kwargs("rehabilitative_work_activity")


def planned_step_kwargs(world):
    """A step planned to start next month: only a step not yet started can be cancelled."""
    import datetime

    from django.utils import timezone

    step = world.extra.get("planned")
    if step is None:
        step = world.extra["planned"] = make_step(
            world.client,
            "volunteering",
            created_by=world.users[R.SOCIAL_WORKER],
            start_on=timezone.localdate() + datetime.timedelta(days=30),
        )
    return {"client_id": world.client.uuid, "step_id": step.pk}


def paused_step_kwargs(world):
    """Studies on a pause since today, coached by the world's work coach: only a paused step
    is resumed."""
    from django.utils import timezone

    step = world.extra.get("paused")
    if step is None:
        today = timezone.localdate()
        step = world.extra["paused"] = make_step(
            world.client,
            "education",
            created_by=world.users[R.SOCIAL_WORKER],
            coach=world.users[R.WORK_COACH],
            status="paused",
            paused_on=today,
            pause_reason="Sairausloma",
        )
    return {"client_id": world.client.uuid, "step_id": step.pk}


def placement_kwargs(days_from_today):
    """A placement (studies) of the world's rehabilitative work activity step, begun
    `days_from_today` ago (negative) or beginning then: only one that has begun is ended, only
    one that has not is cancelled."""

    def kwargs(world):
        import datetime

        from django.utils import timezone

        from pathways.models import Placement

        step_kwargs_ = REHAB(world)
        key = f"placement {days_from_today}"
        placement = world.extra.get(key)
        if placement is None:
            placement = world.extra[key] = Placement.objects.create(
                client=world.client,
                step_id=step_kwargs_["step_id"],
                kind="studies",
                organisation_name="Stadin AO",
                started_on=timezone.localdate() + datetime.timedelta(days=days_from_today),
                recorded_by=world.users[R.WORK_COACH],
            )
        return {**step_kwargs_, "placement_id": placement.pk}

    return kwargs


ROWS = {
    "pathways:step_create": client_row(PLANNERS, kwargs=client_kwargs),
    "pathways:step": client_row(VISIBLE, kwargs=REHAB, logs="pathways.step.viewed"),
    "pathways:step_edit": client_row(PLANNERS, kwargs=REHAB, logs="pathways.step.viewed"),
    "pathways:step_end": client_row(LOGGERS, kwargs=REHAB, logs="pathways.step.viewed"),
    "pathways:step_cancel": client_row(
        PLANNERS, kwargs=planned_step_kwargs, logs="pathways.step.viewed"
    ),
    "pathways:step_status": client_row(
        LOGGERS,
        kwargs=REHAB,
        method="POST",
        data=lambda world: {"status": "paused"},
        allowed_status=302,
    ),
    # Who logs the step but may not plan steps (its coach) asks the responsible worker to plan
    # its follow-on; who may plan it plans it (403).
    "pathways:step_ask_follow_on": client_row(
        LOGGERS - PLANNERS,
        kwargs=step_kwargs("jobcenter_paid_work"),
        method="POST",
        allowed_status=302,
    ),
    "pathways:step_pause": client_row(LOGGERS, kwargs=REHAB, logs="pathways.step.viewed"),
    "pathways:step_resume": client_row(
        LOGGERS, kwargs=paused_step_kwargs, logs="pathways.step.viewed"
    ),
    "pathways:attendance": client_row(LOGGERS, kwargs=REHAB, logs="pathways.attendance.viewed"),
    "pathways:jobcenter_contract": client_row(
        LOGGERS, kwargs=step_kwargs("jobcenter_paid_work"), logs="pathways.step.viewed"
    ),
    "pathways:income_clarification": client_row(
        LOGGERS, kwargs=step_kwargs("jobcenter_paid_work"), logs="pathways.step.viewed"
    ),
    "pathways:employer_contact": client_row(
        LOGGERS, kwargs=step_kwargs("supported_employment"), logs="pathways.step.viewed"
    ),
    "pathways:in_work_support": client_row(
        LOGGERS, kwargs=step_kwargs("supported_employment"), logs="pathways.step.viewed"
    ),
    "pathways:ips_phase": client_row(
        LOGGERS, kwargs=step_kwargs("supported_employment"), logs="pathways.step.viewed"
    ),
    "pathways:benefits_counselling": client_row(
        LOGGERS, kwargs=step_kwargs("supported_employment"), logs="pathways.step.viewed"
    ),
    "pathways:placement": client_row(LOGGERS, kwargs=REHAB, logs="pathways.step.viewed"),
    "pathways:placement_end": client_row(
        LOGGERS, kwargs=placement_kwargs(-5), logs="pathways.step.viewed"
    ),
    "pathways:placement_cancel": client_row(
        LOGGERS, kwargs=placement_kwargs(20), logs="pathways.step.viewed"
    ),
    "pathways:certificate": client_row(
        LOGGERS, kwargs=step_kwargs("youth_workshop"), logs="pathways.step.viewed"
    ),
}


PRINTERS = frozenset({R.SOCIAL_WORKER, R.HEALTH_PROFESSIONAL, R.COORDINATOR, R.MANAGER})


def ready_document(client, requested_by):
    """A printed summary whose PDF is stored (under the test's private root): downloadable."""
    import uuid

    from django.utils import timezone

    from audit.models import PrintStatus
    from pathways import printing
    from pathways.models import PrintedDocument

    document_uuid = uuid.uuid4()
    name, checksum = printing.store(b"%PDF-1.7\n%matrix\n", f"{document_uuid}.pdf")
    return PrintedDocument.objects.create(
        uuid=document_uuid,
        client=client,
        kind="pathway_summary",
        language="fi",
        # No section of the client's plans, which the manager does not print
        # (tests/pathways/test_summary_plan_sections.py).
        sections=["services"],
        template_version="test",
        requested_by=requested_by,
        status=PrintStatus.READY,
        file_name=name,
        checksum=checksum,
        size=18,
        rendered_at=timezone.now(),
    )


def document_kwargs(world):
    document = world.extra.get("document")
    if document is None:
        document = world.extra["document"] = ready_document(
            world.client, world.users[R.SOCIAL_WORKER]
        )
    return {"client_id": world.client.uuid, "document_id": document.uuid}


def certificate_kwargs(world):
    from pathways.models import CompetenceCertificate

    kwargs = step_kwargs("youth_workshop")(world)
    certificate = world.extra.get("certificate")
    if certificate is None:
        certificate = world.extra["certificate"] = CompetenceCertificate.objects.create(
            step_id=kwargs["step_id"],
            issued_on=world.client.created_at.date(),
            competences=["Puutyöt"],
            issued_by=world.users[R.WORK_COACH],
        )
    return {**kwargs, "certificate_id": certificate.pk}


ROWS.update(
    {
        "pathways:print_summary": client_row(
            PRINTERS, kwargs=client_kwargs, logs="pathways.summary_dialog.viewed"
        ),
        "pathways:print_certificate": client_row(
            LOGGERS,
            kwargs=certificate_kwargs,
            method="POST",
            data=lambda world: {"language": "fi"},
            allowed_status=302,
        ),
        "pathways:document": client_row(
            PRINTERS, kwargs=document_kwargs, logs="pathways.summary.viewed"
        ),
        # Background polling: shows only the document's progress, no client data.
        "pathways:document_status": client_row(PRINTERS, kwargs=document_kwargs, logs=""),
        # The download is a print handed over to the client: logged as a print.
        "pathways:document_download": client_row(
            PRINTERS, kwargs=document_kwargs, logs="pathways.summary.printed"
        ),
    }
)
