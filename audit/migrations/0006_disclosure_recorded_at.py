from django.db import migrations, models


class Migration(migrations.Migration):
    """A disclosure-log row keeps when it was written as well as when the disclosure was
    made (`at`, earlier for a call logged after hanging up); empty on the rows written
    before, which were written as the disclosure was made."""

    dependencies = [
        ("audit", "0005_print_language_is_printed"),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosurelogentry",
            name="recorded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="kirjattu lokiin"),
        ),
        migrations.AddConstraint(
            model_name="disclosurelogentry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recorded_at__isnull", True),
                    ("at__lte", models.F("recorded_at")),
                    _connector="OR",
                ),
                name="disclosure_logged_after_made",
            ),
        ),
    ]
