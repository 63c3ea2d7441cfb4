"""Re-encrypts every identity code with the newest key of POLKU_IDENTITY_CODE_KEYS.

Rotation: put the new key first in POLKU_IDENTITY_CODE_KEYS (keep the old ones
after it), deploy, run this command, then remove the old keys.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from clients import identity
from clients.models import Client


class Command(BaseCommand):
    help = "Re-encrypts stored identity codes with the newest key."

    def handle(self, *args, **options):
        rotated = 0
        with transaction.atomic():
            for client in (
                Client.objects.select_for_update()
                .only("pk", "identity_code_encrypted")
                .iterator(2000)
            ):
                client.identity_code_encrypted = identity.rotate(client.identity_code_encrypted)
                client.save(update_fields=["identity_code_encrypted"])
                rotated += 1
        self.stdout.write(f"Re-encrypted {rotated} identity codes.")
