from django.db import migrations, models


class Migration(migrations.Migration):
    """A printed log report counts the jobs that started rendering it, so a job redelivered
    after its worker died mid-render does not render it again (audit.printing.render_queued).
    The reports printed before start at zero."""

    dependencies = [
        ("audit", "0008_basis_identity_code_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="logreportprint",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
