"""Steps paused before the pause was dated get the day their latest pause began, read from
their change history (the first event of the run of events that ends paused), and never
before the step's start; without history, the start date. Their reason stays empty: it was
not asked then (the step page says so)."""

from django.db import migrations
from django.utils import timezone


def date_the_pauses(apps, schema_editor):
    PathwayStep = apps.get_model("pathways", "PathwayStep")
    PathwayStepEvent = apps.get_model("pathways", "PathwayStepEvent")
    for step in PathwayStep.objects.filter(status="paused", paused_on__isnull=True):
        since = None
        for event in PathwayStepEvent.objects.filter(pgh_obj=step.pk).order_by("-pgh_id"):
            if event.status != "paused":
                break
            since = event.pgh_created_at
        paused_on = timezone.localdate(since) if since else step.start_on
        step.paused_on = max(paused_on, step.start_on)
        step.save(update_fields=["paused_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0012_step_pause_date_and_reason"),
    ]

    operations = [
        migrations.RunPython(date_the_pauses, migrations.RunPython.noop),
    ]
