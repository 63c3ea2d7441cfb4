"""Tells the county's archive process which clients' records are past their retention
(clients.retention): per organisation, how many go to the archive's permanent sample and
how many are to be destroyed; with --list, each client's UUID, organisation, closing day and
what becomes of the records, as semicolon-separated lines (no names, no identity codes).

Listing the clients is processing their data, so --list writes an access-log row for each
client listed (no user: the archive process, on the statutory basis).
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from audit.actions import log_list_hits
from audit.models import Basis
from clients.models import Client
from clients.retention import kept_permanently, kept_permanently_condition, retention_cutoff

LISTED = "clients.client.retention_listed"


class Command(BaseCommand):
    help = "Counts (or with --list lists) the clients whose records are past their retention."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", help="Only this organisation's (its slug).")
        parser.add_argument(
            "--list",
            action="store_true",
            dest="as_list",
            help="One line per client: UUID;organisation;closed on;archive or destroy.",
        )

    def handle(self, *args, organisation=None, as_list=False, **options):
        today = timezone.localdate()
        clients = Client.objects.past_retention(today)
        if organisation:
            clients = clients.filter(organisation__slug=organisation)
        cutoff = retention_cutoff(today)
        if as_list:
            self._list(clients)
            return
        counts = (
            clients.values("organisation__slug")
            .annotate(past=Count("pk"), archive=Count("pk", filter=kept_permanently_condition()))
            .order_by("organisation__slug")
        )
        for row in counts:
            self.stdout.write(
                f"{row['organisation__slug']}: {row['past']} past retention (closed on or "
                f"before {cutoff:%Y-%m-%d}): {row['archive']} to the archive, "
                f"{row['past'] - row['archive']} to destroy"
            )
        if not counts:
            self.stdout.write(
                f"No client records past retention (closed on or before {cutoff:%Y-%m-%d})."
            )

    def _list(self, clients) -> None:
        rows = list(
            clients.order_by("closed_on", "pk").values_list(
                "uuid", "organisation__slug", "closed_on", "birth_date"
            )
        )
        with transaction.atomic():
            log_list_hits(
                actor=None,
                client_ids=[uuid for uuid, *_rest in rows],
                action=LISTED,
                basis=Basis.STATUTE,
                detail="clients_past_retention --list",
            )
        for uuid, slug, closed_on, birth_date in rows:
            disposition = "archive" if kept_permanently(birth_date) else "destroy"
            self.stdout.write(f"{uuid};{slug};{closed_on:%Y-%m-%d};{disposition}")
