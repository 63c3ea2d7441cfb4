"""The only way a view gets a services object for a user."""

from django.shortcuts import get_object_or_404

from services.models import CatalogueEntry


def get_catalogue_entry_for_user(user, entry_id: int) -> CatalogueEntry:
    """An active catalogue entry, with its provider and service type; 404 otherwise.

    The catalogue holds no client data: every signed-in staff user may read it.
    """
    return get_object_or_404(CatalogueEntry.objects.active().for_listing(), pk=entry_id)
