import django.db.models.functions.datetime
import django.db.models.lookups
import zoneinfo

from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    """An oral consent is recorded on its event's day (in Helsinki): during the event or
    after it the same day, never days later.

    Added NOT VALID: an oral consent recorded on a later day before this rule (the old
    form allowed it) stays as it was recorded, and the consent tables' triggers keep it
    from being rewritten; every consent recorded from now on is checked."""

    dependencies = [
        ("consents", "0006_record_triggers_without_bypass"),
    ]

    operations = [
        AddConstraintNotValid(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("method", "oral"), _negated=True),
                    django.db.models.lookups.Exact(
                        django.db.models.functions.datetime.TruncDate(
                            "recorded_at", tzinfo=zoneinfo.ZoneInfo(key="Europe/Helsinki")
                        ),
                        models.F("event_date"),
                    ),
                    _connector="OR",
                ),
                name="consent_oral_recorded_on_event_day",
            ),
        ),
    ]
