from django.db import migrations, models


class Migration(migrations.Migration):
    """A printed document counts the jobs that started rendering it, so a job redelivered
    after its worker died mid-render does not render it again (audit.printing.render_queued).
    The documents printed before start at zero."""

    dependencies = [
        ("pathways", "0019_attendance_history_keeps_deletes"),
    ]

    operations = [
        migrations.AddField(
            model_name="printeddocument",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
