"""What the consultations actions share: audit rows, the check of texts every participant
reads, and invitations on commit."""

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.actions import log_access
from audit.models import Basis
from clients.access import relation_to
from consultations.log_labels import IDENTIFYING_TEXT_REFUSED
from consultations.pseudonymity import (
    check_pseudonymous,
    identifying_mentions,
    names_another_client,
)

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


def refuse_identifying(actor, client, *, obj, others=(), **texts: str) -> None:
    """check_pseudonymous for texts that participants who see the case only pseudonymously
    read, written by someone who may see it so too (a coordinator's note or reason, the
    minutes, a recommendation): the refusal says neither what matched nor whose it was.
    A refusal still tells a writer who typed a guess that it was right, so each one is in
    the access log of the client it identified (this case's, or another's on the agenda),
    outside any transaction of the action: the log review sees a writer probing."""
    try:
        check_pseudonymous(client, others=others, tell_what=False, **texts)
    except ValidationError:
        fields = ", ".join(texts)
        texts = list(texts.values())
        if any(identifying_mentions(client, text) for text in texts):
            log_case(actor, client, IDENTIFYING_TEXT_REFUSED, obj, fields)
        for other in others:
            if any(names_another_client([other], text) for text in texts):
                log_case(actor, other, IDENTIFYING_TEXT_REFUSED, obj, fields)
        raise


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
