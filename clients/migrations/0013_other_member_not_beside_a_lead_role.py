"""The database refuses an open "other member" membership beside the same person's open
responsible worker's or sote contact person's membership of the client (migration 0012
ended those that were)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0012_end_other_memberships_beside_a_lead_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="careteammembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("ended_on__isnull", True), ("role__in", ["responsible_worker", "other"])
                ),
                fields=("client", "user"),
                name="responsible_worker_not_also_other",
            ),
        ),
        migrations.AddConstraint(
            model_name="careteammembership",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("ended_on__isnull", True), ("role__in", ["sote_contact", "other"])
                ),
                fields=("client", "user"),
                name="sote_contact_not_also_other",
            ),
        ),
    ]
