"""A care-team membership records when its joining was decided (`admitted_at`): a member of
another organisation added to start on a later day is admitted, and the disclosure logged,
on that day.

Existing rows (the memberships and their history) were admitted when they were added, or,
for a work pair offered from a consultation, when the offer was accepted: both are their
`accepted_at` (set on adding by default). An offer not accepted stays unadmitted. The history
triggers are off while the rows are filled, so the filling writes no history of its own."""

import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


FILL = "UPDATE {table} SET admitted_at = accepted_at"


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0018_membership_organisation"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="careteammembership",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="careteammembership",
            name="update_update",
        ),
        migrations.AddField(
            model_name="careteammembership",
            name="admitted_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="liittyminen päätetty",
            ),
        ),
        migrations.AddField(
            model_name="careteammembershipevent",
            name="admitted_at",
            field=models.DateTimeField(
                blank=True,
                default=django.utils.timezone.now,
                null=True,
                verbose_name="liittyminen päätetty",
            ),
        ),
        migrations.RunSQL(FILL.format(table="clients_careteammembership"), migrations.RunSQL.noop),
        migrations.RunSQL(
            FILL.format(table="clients_careteammembershipevent"), migrations.RunSQL.noop
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="careteammembership",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "clients_careteammembershipevent" ("accepted_at", "admitted_at", "cancelled", "client_id", "created_by_id", "ended_on", "id", "note", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "started_on", "user_id", "valid_until") VALUES (NEW."accepted_at", NEW."admitted_at", NEW."cancelled", NEW."client_id", NEW."created_by_id", NEW."ended_on", NEW."id", NEW."note", NEW."organisation_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."role", NEW."started_on", NEW."user_id", NEW."valid_until"); RETURN NULL;',
                    hash="604e15a0e3ee071a6075548a7d8d462ea5f76656",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_9620e",
                    table="clients_careteammembership",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="careteammembership",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "clients_careteammembershipevent" ("accepted_at", "admitted_at", "cancelled", "client_id", "created_by_id", "ended_on", "id", "note", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "started_on", "user_id", "valid_until") VALUES (NEW."accepted_at", NEW."admitted_at", NEW."cancelled", NEW."client_id", NEW."created_by_id", NEW."ended_on", NEW."id", NEW."note", NEW."organisation_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."role", NEW."started_on", NEW."user_id", NEW."valid_until"); RETURN NULL;',
                    hash="5642df30e66145d52b26f8acf91376eaf08febf3",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_dc3f7",
                    table="clients_careteammembership",
                    when="AFTER",
                ),
            ),
        ),
    ]
