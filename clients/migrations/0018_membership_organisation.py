"""Each care-team membership names the organisation the member works for on the team: the
membership counts only while they act in a role of it (clients.querysets .acting).

Existing rows (the memberships and their history) get the organisation inferred as the
rule would have decided it: the client's organisation when the member has held a role
there, otherwise the organisation of their first role; the client's organisation when
they hold none. The history triggers are off while the rows are filled, so the filling
writes no history of its own."""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


FILL = """
UPDATE {table} m SET organisation_id = COALESCE(
    (SELECT u.organisation_id FROM clients_client c
       JOIN services_unit u ON u.id = c.responsible_unit_id
      WHERE c.id = m.client_id
        AND EXISTS (SELECT 1 FROM accounts_roleassignment r
                      JOIN services_unit ru ON ru.id = r.unit_id
                     WHERE r.user_id = m.user_id AND ru.organisation_id = u.organisation_id)),
    (SELECT ru.organisation_id FROM accounts_roleassignment r
       JOIN services_unit ru ON ru.id = r.unit_id
      WHERE r.user_id = m.user_id ORDER BY r.id LIMIT 1),
    (SELECT u.organisation_id FROM clients_client c
       JOIN services_unit u ON u.id = c.responsible_unit_id
      WHERE c.id = m.client_id)
) WHERE organisation_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0017_one_assessment_in_progress"),
        ("services", "0015_fill_catalogue_entry_kept_by"),
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
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.AddField(
            model_name="careteammembershipevent",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.RunSQL(FILL.format(table="clients_careteammembership"), migrations.RunSQL.noop),
        migrations.RunSQL(
            FILL.format(table="clients_careteammembershipevent"), migrations.RunSQL.noop
        ),
        migrations.AlterField(
            model_name="careteammembership",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.AlterField(
            model_name="careteammembershipevent",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="careteammembership",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "clients_careteammembershipevent" ("accepted_at", "cancelled", "client_id", "created_by_id", "ended_on", "id", "note", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "started_on", "user_id", "valid_until") VALUES (NEW."accepted_at", NEW."cancelled", NEW."client_id", NEW."created_by_id", NEW."ended_on", NEW."id", NEW."note", NEW."organisation_id", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."role", NEW."started_on", NEW."user_id", NEW."valid_until"); RETURN NULL;',
                    hash="220f24a3f490794e019da6c0979fb04d891ebe33",
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
                    func='INSERT INTO "clients_careteammembershipevent" ("accepted_at", "cancelled", "client_id", "created_by_id", "ended_on", "id", "note", "organisation_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "role", "started_on", "user_id", "valid_until") VALUES (NEW."accepted_at", NEW."cancelled", NEW."client_id", NEW."created_by_id", NEW."ended_on", NEW."id", NEW."note", NEW."organisation_id", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."role", NEW."started_on", NEW."user_id", NEW."valid_until"); RETURN NULL;',
                    hash="de756c11b9923e6b872187badf9126a5c670921b",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_dc3f7",
                    table="clients_careteammembership",
                    when="AFTER",
                ),
            ),
        ),
    ]
