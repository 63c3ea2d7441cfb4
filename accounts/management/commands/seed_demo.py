"""Loads the demo data of every app, in dependency order; safe to run again.

Each app that has demo data holds it in `<app>/demo.py` with a `seed()`
function; this command calls them in INSTALLED_APPS order, so lower apps'
data exists before higher apps use it. Then it runs the reminder sweep once,
so the demo's inboxes show what is due today from the first sign-in rather
than after beat's next hourly sweep.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.actions import sweep_reminders


class Command(BaseCommand):
    help = "Loads Polku's demo organisations, users and clients (never in production)."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError(
                "seed_demo refuses to run when POLKU_ENV=production: the demo credentials are public."
            )
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if (
                    not config.path.startswith(str(settings.BASE_DIR))
                    or find_spec(module_name) is None
                ):
                    continue
                import_module(module_name).seed()
                self.stdout.write(f"demo data: {config.label}")
        swept = sweep_reminders()
        if swept is not None:
            self.stdout.write(f"reminders due today: {swept.total} new")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
