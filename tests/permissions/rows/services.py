"""The service catalogue: every signed-in staff role may read it (no client data)."""

from services.factories import CatalogueEntryFactory
from services.models import CatalogueEntry
from tests.permissions.matrix import ALL_ROLES, Row


def _an_entry(world) -> dict:
    entry = CatalogueEntry.objects.active().first() or CatalogueEntryFactory()
    return {"pk": entry.pk}


ROWS = {
    "services:catalogue": Row(allowed=ALL_ROLES),
    "services:entry": Row(allowed=ALL_ROLES, kwargs=_an_entry),
}
