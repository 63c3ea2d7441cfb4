import django.db.models.functions.datetime
import django.db.models.lookups
import pgtrigger.compiler
import pgtrigger.migrations
import zoneinfo
from django.db import migrations, models


class Migration(migrations.Migration):
    """An oral consent's event times are content (read-only) and checked: present for an
    event Polku does not hold, absent otherwise; the end after the start; both on the
    event's day in Helsinki."""

    dependencies = [
        ("consents", "0004_backfill_oral_event_times"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="consent",
            name="consent_content_read_only",
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="consent",
            trigger=pgtrigger.compiler.Trigger(
                name="consent_content_read_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."client_id" IS DISTINCT FROM (NEW."client_id") OR OLD."series" IS DISTINCT FROM (NEW."series") OR OLD."version" IS DISTINCT FROM (NEW."version") OR OLD."supersedes_id" IS DISTINCT FROM (NEW."supersedes_id") OR OLD."giver_kind" IS DISTINCT FROM (NEW."giver_kind") OR OLD."giver_name" IS DISTINCT FROM (NEW."giver_name") OR OLD."giver_basis" IS DISTINCT FROM (NEW."giver_basis") OR OLD."form" IS DISTINCT FROM (NEW."form") OR OLD."form_description" IS DISTINCT FROM (NEW."form_description") OR OLD."method" IS DISTINCT FROM (NEW."method") OR OLD."purposes" IS DISTINCT FROM (NEW."purposes") OR OLD."purpose_description" IS DISTINCT FROM (NEW."purpose_description") OR OLD."categories" IS DISTINCT FROM (NEW."categories") OR OLD."health_confirmed" IS DISTINCT FROM (NEW."health_confirmed") OR OLD."valid_from" IS DISTINCT FROM (NEW."valid_from") OR OLD."valid_until" IS DISTINCT FROM (NEW."valid_until") OR OLD."signed_on" IS DISTINCT FROM (NEW."signed_on") OR OLD."event_kind" IS DISTINCT FROM (NEW."event_kind") OR OLD."event_name" IS DISTINCT FROM (NEW."event_name") OR OLD."event_date" IS DISTINCT FROM (NEW."event_date") OR OLD."event_reference" IS DISTINCT FROM (NEW."event_reference") OR OLD."event_starts_at" IS DISTINCT FROM (NEW."event_starts_at") OR OLD."event_ends_at" IS DISTINCT FROM (NEW."event_ends_at") OR OLD."recorded_at" IS DISTINCT FROM (NEW."recorded_at") OR OLD."recorded_by_id" IS DISTINCT FROM (NEW."recorded_by_id"))',
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;",
                    hash="cbbee5b4824a447e2b436756f2bf57a21194de0b",
                    operation="UPDATE",
                    pgid="pgtrigger_consent_content_read_only_cd283",
                    table="consents_consent",
                    when="BEFORE",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("event_ends_at__isnull", True),
                        ("event_kind__in", ["", "consultation_session"]),
                        ("event_starts_at__isnull", True),
                    ),
                    models.Q(
                        models.Q(("event_kind__in", ["", "consultation_session"]), _negated=True),
                        ("event_ends_at__isnull", False),
                        ("event_starts_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="consent_oral_event_timed",
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("event_starts_at__isnull", True),
                    ("event_ends_at__gt", models.F("event_starts_at")),
                    _connector="OR",
                ),
                name="consent_oral_event_ends_after_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="consent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("event_starts_at__isnull", True),
                    models.Q(
                        django.db.models.lookups.Exact(
                            django.db.models.functions.datetime.TruncDate(
                                "event_starts_at", tzinfo=zoneinfo.ZoneInfo(key="Europe/Helsinki")
                            ),
                            models.F("event_date"),
                        ),
                        django.db.models.lookups.Exact(
                            django.db.models.functions.datetime.TruncDate(
                                "event_ends_at", tzinfo=zoneinfo.ZoneInfo(key="Europe/Helsinki")
                            ),
                            models.F("event_date"),
                        ),
                    ),
                    _connector="OR",
                ),
                name="consent_oral_event_on_its_day",
            ),
        ),
    ]
