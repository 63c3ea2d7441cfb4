"""Re-encrypts every identity code with the newest key of POLKU_IDENTITY_CODE_KEYS and,
with --rehash, recomputes the search hash with POLKU_IDENTITY_CODE_HASH_KEY.

Encryption key: put the new key first in POLKU_IDENTITY_CODE_KEYS (keep the
old ones after it), deploy, run this command, then remove the old keys.

Hash key: the search hash of every client must be recomputed before anyone
searches or registers with the new key, or a search misses and a duplicate
slips past the unique hash. Set the new POLKU_IDENTITY_CODE_HASH_KEY and run
`rotate_identity_code_key --rehash` in the release step, with `migrate`, before
the new web processes start serving.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from clients import identity
from clients.models import Client


class Command(BaseCommand):
    help = "Re-encrypts stored identity codes with the newest key; --rehash also recomputes the search hash."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rehash",
            action="store_true",
            help="Recompute each search hash with the current POLKU_IDENTITY_CODE_HASH_KEY.",
        )

    def handle(self, *args, rehash=False, **options):
        fields = ["identity_code_encrypted", *(["identity_code_hash"] if rehash else [])]
        rotated = 0
        with transaction.atomic():
            batch = []
            for client in Client.objects.select_for_update().only("pk", *fields).iterator(2000):
                client.identity_code_encrypted = identity.rotate(client.identity_code_encrypted)
                if rehash:
                    code = identity.decrypt(client.identity_code_encrypted)
                    client.identity_code_hash = identity.search_hash(code)
                batch.append(client)
                if len(batch) == 2000:
                    Client.objects.bulk_update(batch, fields)
                    rotated += len(batch)
                    batch = []
            Client.objects.bulk_update(batch, fields)
            rotated += len(batch)
        done = "Re-encrypted and re-hashed" if rehash else "Re-encrypted"
        self.stdout.write(f"{done} {rotated} identity codes.")
