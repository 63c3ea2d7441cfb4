"""Private calendar feeds: a secret address per user, revocable."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from consultations.access import hash_feed_token
from consultations.models import CalendarFeedToken


def revoke_feed_tokens(*, user) -> int:
    """Revokes the user's feed address; a calendar that polls it gets 404 from now on."""
    return CalendarFeedToken.objects.live().filter(user=user).update(revoked_at=timezone.now())


def create_feed_token(*, user) -> str:
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
        revoke_feed_tokens(user=user)
        CalendarFeedToken.objects.create(user=user, token_hash=hash_feed_token(token))
    return token
