import datetime
from zoneinfo import ZoneInfo

from django.db import migrations

HELSINKI = ZoneInfo("Europe/Helsinki")
TIMED_BY_SOURCE = ["", "consultation_session"]


def cover_the_recorded_day(apps, schema_editor):
    """Until now an oral consent for an event Polku does not hold (a call with Kela) covered
    its event's whole day: it keeps covering that day, no more. Runs before 0005 makes the
    columns read-only content."""
    Consent = apps.get_model("consents", "Consent")
    oral = Consent.objects.exclude(event_kind__in=TIMED_BY_SOURCE).filter(
        event_starts_at__isnull=True
    )
    for consent in oral.only("pk", "event_date"):
        day = consent.event_date
        Consent.objects.filter(pk=consent.pk).update(
            event_starts_at=datetime.datetime.combine(day, datetime.time.min, tzinfo=HELSINKI),
            event_ends_at=datetime.datetime.combine(day, datetime.time.max, tzinfo=HELSINKI),
        )


class Migration(migrations.Migration):
    """Existing oral consents for an event Polku does not hold: the event lasts their day."""

    dependencies = [
        ("consents", "0003_oral_event_times"),
    ]

    operations = [
        migrations.RunPython(cover_the_recorded_day, migrations.RunPython.noop, elidable=True),
    ]
