"""The only way a view reaches a consent, a scan or a statutory basis.

The client comes through `clients.access.get_client_for_user` (404 when the
client is out of reach, 403 when the permission is missing); the object must
belong to that client, else 404, so ids of other clients' consents reveal
nothing.
"""

from django.http import Http404

from clients.access import get_client_for_user, log_client_access
from consents.models import Consent, ConsentScan, StatutoryBasis


def get_consent_for_user(
    user, client_id, consent_id: int, *, permission: str, log_action: str | None
) -> tuple:
    """(client, consent version) if the user has `permission` on the client.

    Http404 when the client is out of reach or the consent is not the
    client's; PermissionDenied when the client is visible but the permission
    is missing. When `log_action` is given, one access-log row names the
    consent version.
    """
    client = get_client_for_user(user, client_id, permission=permission, log_action=None)
    try:
        consent = Consent.objects.select_related("recorded_by", "revoked_by").get(
            pk=consent_id, client=client
        )
    except Consent.DoesNotExist:
        raise Http404 from None
    if log_action:
        log_client_access(user, client, log_action, consent)
    return client, consent


def get_scan_for_user(user, client_id, consent_id: int, scan_id: int) -> tuple:
    """(client, consent, scan) for downloading; the caller logs the download.

    Http404 also for a scan that is quarantined or was refused: such a file is
    never served.
    """
    client, consent = get_consent_for_user(
        user, client_id, consent_id, permission="consents.download_scan", log_action=None
    )
    try:
        scan = ConsentScan.objects.available().get(pk=scan_id, consent=consent)
    except ConsentScan.DoesNotExist:
        raise Http404 from None
    return client, consent, scan


def get_statutory_basis_for_user(
    user, client_id, basis_id: int, *, permission: str, log_action: str | None = None
) -> tuple:
    """(client, statutory basis) of that client; 404 for another client's basis. When
    `log_action` is given, one access-log row names the basis."""
    client = get_client_for_user(user, client_id, permission=permission, log_action=None)
    try:
        basis = StatutoryBasis.objects.select_related("organisation").get(
            pk=basis_id, client=client
        )
    except StatutoryBasis.DoesNotExist:
        raise Http404 from None
    if log_action:
        log_client_access(user, client, log_action, basis)
    return client, basis
