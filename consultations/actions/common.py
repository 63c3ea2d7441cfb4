"""What the consultations actions share: audit rows and invitations on commit."""

import functools

from django.db import IntegrityError, transaction

from audit.actions import log_access
from audit.models import Basis
from clients.access import relation_to

# Task kinds (registered with labels in ConsultationsConfig.ready()).
RECOMMENDATION_TASK = "consultations.recommendation"
WORK_PAIR_OFFER_TASK = "consultations.work_pair_offer"
REQUEST_DECLINED_TASK = "consultations.request_declined"

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def log_case(actor, client, action: str, obj, detail: str = "") -> None:
    """An access-log row for a write on a case: a team member's own relation, otherwise
    the consultation is the basis (the coordinator running it)."""
    relation = relation_to(actor, client)
    log_access(
        actor=actor,
        client_id=client.uuid,
        action=action,
        basis=relation.basis if relation.visible else Basis.CONSULTATION,
        obj=obj,
        detail=detail,
    )


def send_invitations_on_commit(session, user_ids, method: str = REQUEST) -> None:
    """Enqueues the invitation e-mails after the transaction commits (never before)."""
    from consultations.tasks import send_invitations_task

    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(
            functools.partial(send_invitations_task.delay, session.pk, ids, method)
        )


def violated(error: IntegrityError, constraint: str) -> bool:
    cause = getattr(error, "__cause__", None)
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name == constraint or constraint in str(error)
