"""Lower-cases the users' e-mail addresses before the case-insensitive unique constraint
(0006). Two users whose addresses differ only in letter case stop the migration: which of
the two accounts is the person's is for an administrator to decide, not for a migration."""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


def lowercase_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashes = (
        User.objects.annotate(address=Lower("email"))
        .values("address")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("address")
    )
    if clashes:
        ids = {
            clash["address"]: sorted(
                User.objects.filter(email__iexact=clash["address"]).values_list("pk", flat=True)
            )
            for clash in clashes
        }
        listing = "; ".join(f"users {user_ids}" for user_ids in ids.values())
        raise RuntimeError(
            "Cannot make e-mail addresses unique ignoring letter case: these users' addresses "
            f"differ only in case ({listing}). Change or close one account of each pair "
            "(accounts.User.email), then run migrate again."
        )
    User.objects.exclude(email=Lower("email")).update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_invitation")]

    operations = [migrations.RunPython(lowercase_emails, migrations.RunPython.noop)]
