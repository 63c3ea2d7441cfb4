"""Private calendar feeds: a secret address per user, revocable.

The address lets anyone who has it read the owner's sessions without signing in, so making
one and revoking it go to the security log (accounts.security_log) on commit:
consultations.feed_address_made and consultations.feed_address_revoked, naming the owner.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.security_log import log_event_on_commit
from consultations.access import hash_feed_token
from consultations.models import CalendarFeedToken


def revoke_feed_tokens(*, user, request=None) -> int:
    """Revokes the user's feed address; a calendar that polls it gets 404 from now on."""
    revoked = CalendarFeedToken.objects.live().filter(user=user).update(revoked_at=timezone.now())
    if revoked:
        log_event_on_commit("consultations.feed_address_revoked", request=request, user_id=user.pk)
    return revoked


def create_feed_token(*, user, request=None) -> str:
    """Makes a new secret feed address (revoking the old one) and returns its token.

    Only the token's hash is stored, so the address can be shown only now. The
    owner's row is locked (FOR NO KEY UPDATE) first: a second address made at the
    same moment (a double click) waits, then revokes this one, and the later
    address is the live one (the database allows one live address per user).
    """
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=user.pk)
            .values_list("pk", flat=True)
        )
        revoke_feed_tokens(user=user, request=request)
        CalendarFeedToken.objects.create(user=user, token_hash=hash_feed_token(token))
        log_event_on_commit("consultations.feed_address_made", request=request, user_id=user.pk)
    return token
