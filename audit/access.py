"""The only way an audit view reaches a client or a user: the DPO of their organisation.

Every other role is refused with 403 (the log pages are not theirs to see at
all); a client or user of another organisation answers as if it did not exist.
"""

import uuid

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audit.models import LogReportPrint
from audit.subjects import ClientSubject, describe_clients, find_client_by_identity_code


def dpo_organisation_id(user) -> int:
    """The organisation whose logs the user reads; PermissionDenied unless acting as DPO."""
    if not rules.has_perm("audit.view_logs", user):
        raise PermissionDenied
    return user.active_assignment.unit.organisation_id


def find_client_for_dpo(user, identity_code: str) -> ClientSubject | None:
    """The client with this identity code if it belongs to the DPO's organisation, else None.

    A client of another organisation and no client at all give the same None,
    so the answer does not tell whether the code exists. Raises ValidationError
    for an invalid code and PermissionDenied for anyone but a DPO.
    """
    organisation_id = dpo_organisation_id(user)
    return find_client_by_identity_code(identity_code, organisation_id)


def get_client_subject_for_dpo(user, client_id: uuid.UUID) -> ClientSubject:
    """The client with UUID `client_id` of the DPO's organisation; 404 otherwise (one query)."""
    organisation_id = dpo_organisation_id(user)
    subject = describe_clients([client_id]).get(client_id)
    if subject is None or subject.organisation_id != organisation_id:
        raise Http404
    return subject


def organisation_users(user):
    """The users of the DPO's organisation, whose access logs the DPO may read: those homed in
    it and those who hold or held a role in one of its units (`UserQuerySet.of_organisation`).
    The log shows a user's rows written while acting for this organisation only (the rows
    record the organisation of the actor's active role: `AccessLogQuerySet.acting_for`)."""
    organisation_id = dpo_organisation_id(user)
    return get_user_model().objects.of_organisation(organisation_id)


def get_user_for_dpo(user, user_id: uuid.UUID):
    """A user of the DPO's organisation by UUID; 404 for a user of another organisation."""
    try:
        return organisation_users(user).get(uuid=user_id)
    except get_user_model().DoesNotExist:
        raise Http404 from None


def get_log_report_for_dpo(user, report_id: uuid.UUID) -> LogReportPrint:
    """A printed log report, for the DPO who asked for it while they act as DPO of its
    organisation; 404 for anyone else's (a colleague prints their own)."""
    organisation_id = dpo_organisation_id(user)
    try:
        return LogReportPrint.objects.get(
            uuid=report_id, organisation_id=organisation_id, requested_by=user
        )
    except LogReportPrint.DoesNotExist:
        raise Http404 from None
