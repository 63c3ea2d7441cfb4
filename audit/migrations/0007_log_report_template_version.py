from django.db import migrations, models


class Migration(migrations.Migration):
    """A printed log report records the version of the template it was printed with, as a
    printed summary does. The reports printed before carry "unrecorded": their template's
    version was not kept, and no version number would be true of them all."""

    dependencies = [
        ("audit", "0006_disclosure_recorded_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="logreportprint",
            name="template_version",
            field=models.CharField(default="unrecorded", max_length=20),
            preserve_default=False,
        ),
    ]
