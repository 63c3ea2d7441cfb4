"""Demo data of the services app: the seeds' organisations and units, the reference
service types and rule sets, and the catalogue for the partially work-able.

`seed()` is called by `manage.py seed_demo` and is safe to run again.
"""

from django.apps import apps

from services.demo.catalogue import seed_catalogue
from services.demo.organisations import seed_organisations
from services.reference import load_service_types


def seed() -> None:
    seed_organisations()
    # The data migration loads them; loading again restores them in a flushed test database.
    load_service_types(apps)
    seed_catalogue()
