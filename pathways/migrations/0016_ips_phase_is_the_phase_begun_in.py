"""An IPS step's `ips_phase` is the phase it began in; its phase on a day is read from the dated
phase changes (a job that begins later moves it to in-work support on that day, not at once).
Until now the column followed the latest change: a step with changes gets back the phase its
change history saved when it was planned (none without history: unknown, as the step page
already treated it). Backwards, the column follows the latest change again."""

from django.db import migrations, models

PHASES = [
    ("agreement", "Sopimus"),
    ("profiling", "Urasuunnittelu ja profilointi"),
    ("job_search", "Nopea työnhaku"),
    ("employer_work", "Työnantajayhteistyö"),
    ("in_work_support", "Tuki työssä"),
]


def phase_begun_in(apps, schema_editor):
    PathwayStep = apps.get_model("pathways", "PathwayStep")
    PathwayStepEvent = apps.get_model("pathways", "PathwayStepEvent")
    for step in PathwayStep.objects.filter(phase_changes__isnull=False).distinct():
        first = (
            PathwayStepEvent.objects.filter(pgh_obj=step.pk)
            .order_by("pgh_id")
            .values_list("ips_phase", flat=True)
            .first()
        )
        if step.ips_phase != (first or ""):
            step.ips_phase = first or ""
            step.save(update_fields=["ips_phase"])


def latest_phase(apps, schema_editor):
    PathwayStep = apps.get_model("pathways", "PathwayStep")
    IpsPhaseChange = apps.get_model("pathways", "IpsPhaseChange")
    for step in PathwayStep.objects.filter(phase_changes__isnull=False).distinct():
        latest = (
            IpsPhaseChange.objects.filter(step=step)
            .order_by("entered_on", "recorded_at", "pk")
            .last()
        )
        if step.ips_phase != latest.phase:
            step.ips_phase = latest.phase
            step.save(update_fields=["ips_phase"])


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0015_jobcenter_period_ends_when_client_services_end"),
    ]

    operations = [
        migrations.AlterField(
            model_name="pathwaystep",
            name="ips_phase",
            field=models.CharField(
                blank=True, choices=PHASES, max_length=20, verbose_name="vaihe alussa"
            ),
        ),
        migrations.AlterField(
            model_name="pathwaystepevent",
            name="ips_phase",
            field=models.CharField(
                blank=True, choices=PHASES, max_length=20, verbose_name="vaihe alussa"
            ),
        ),
        migrations.RunPython(phase_begun_in, latest_phase),
    ]
