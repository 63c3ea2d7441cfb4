from django.db import migrations, models


class Migration(migrations.Migration):
    """A consent is revoked on or after the day it was given."""

    dependencies = [
        ("consents", "0001_consents_versions_parties_scans_statutory_bases"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True)
                | models.Q(revoked_on__gte=models.F("signed_on")),
                name="consent_revoked_not_before_given",
            ),
        ),
    ]
