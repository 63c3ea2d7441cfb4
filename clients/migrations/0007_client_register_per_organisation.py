"""Each organisation keeps its own client register: a client belongs to the organisation of
its responsible unit, and an identity code is held once per organisation (was: once in
all of Polku, which told a worker of one organisation who is a client of another).
Existing clients and their history rows take the organisation of their responsible unit.
"""

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_break_the_glass_unit"),
        ("services", "0007_work_ability_assessment_needs_no_plan"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="client",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="client",
            name="update_update",
        ),
        migrations.AddField(
            model_name="client",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clients",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.AddField(
            model_name="clientevent",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.RunSQL(
            """
            UPDATE clients_client AS client SET organisation_id = unit.organisation_id
              FROM services_unit AS unit WHERE unit.id = client.responsible_unit_id;
            UPDATE clients_clientevent AS event SET organisation_id = unit.organisation_id
              FROM services_unit AS unit WHERE unit.id = event.responsible_unit_id;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="client",
            name="organisation",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clients",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.AlterField(
            model_name="clientevent",
            name="organisation",
            field=models.ForeignKey(
                db_constraint=False,
                editable=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                related_query_name="+",
                to="services.organisation",
                verbose_name="organisaatio",
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="identity_code_hash",
            field=models.CharField(db_index=True, editable=False, max_length=64),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="client_register_of_responsible_unit",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="\n    IF NEW.organisation_id IS DISTINCT FROM\n       (SELECT organisation_id FROM services_unit WHERE id = NEW.responsible_unit_id) THEN\n        RAISE EXCEPTION USING\n            ERRCODE = 'integrity_constraint_violation',\n            MESSAGE = format(\n                'Client %s is in the register of organisation %s; its responsible unit %s '\n                'must be a unit of that organisation.',\n                NEW.id, NEW.organisation_id, NEW.responsible_unit_id);\n    END IF;\n    RETURN NEW;\n",
                    hash="504b905d180718ed0858d1dc99ef6bc43da5c70c",
                    operation="INSERT OR UPDATE",
                    pgid="pgtrigger_client_register_of_responsible_unit_c7f43",
                    table="clients_client",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "clients_clientevent" ("accessibility_notes", "address_non_disclosure", "birth_date", "calling_name", "city", "closed_on", "closure_reason", "communication_needs", "created_at", "created_by_id", "email", "first_names", "id", "identity_code_is_temporary", "identity_code_masked", "interpreter_needed", "language", "last_name", "organisation_id", "other_language", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "postal_code", "relationship_home", "responsible_unit_id", "street_address", "uuid") VALUES (NEW."accessibility_notes", NEW."address_non_disclosure", NEW."birth_date", NEW."calling_name", NEW."city", NEW."closed_on", NEW."closure_reason", NEW."communication_needs", NEW."created_at", NEW."created_by_id", NEW."email", NEW."first_names", NEW."id", NEW."identity_code_is_temporary", NEW."identity_code_masked", NEW."interpreter_needed", NEW."language", NEW."last_name", NEW."organisation_id", NEW."other_language", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."phone", NEW."postal_code", NEW."relationship_home", NEW."responsible_unit_id", NEW."street_address", NEW."uuid"); RETURN NULL;',
                    hash="d818d0640aa5acb9dc67299ab802195f4194d0ca",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_a5391",
                    table="clients_client",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="client",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."accessibility_notes" IS DISTINCT FROM (NEW."accessibility_notes") OR OLD."address_non_disclosure" IS DISTINCT FROM (NEW."address_non_disclosure") OR OLD."birth_date" IS DISTINCT FROM (NEW."birth_date") OR OLD."calling_name" IS DISTINCT FROM (NEW."calling_name") OR OLD."city" IS DISTINCT FROM (NEW."city") OR OLD."closed_on" IS DISTINCT FROM (NEW."closed_on") OR OLD."closure_reason" IS DISTINCT FROM (NEW."closure_reason") OR OLD."communication_needs" IS DISTINCT FROM (NEW."communication_needs") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."email" IS DISTINCT FROM (NEW."email") OR OLD."first_names" IS DISTINCT FROM (NEW."first_names") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."identity_code_is_temporary" IS DISTINCT FROM (NEW."identity_code_is_temporary") OR OLD."identity_code_masked" IS DISTINCT FROM (NEW."identity_code_masked") OR OLD."interpreter_needed" IS DISTINCT FROM (NEW."interpreter_needed") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."last_name" IS DISTINCT FROM (NEW."last_name") OR OLD."organisation_id" IS DISTINCT FROM (NEW."organisation_id") OR OLD."other_language" IS DISTINCT FROM (NEW."other_language") OR OLD."phone" IS DISTINCT FROM (NEW."phone") OR OLD."postal_code" IS DISTINCT FROM (NEW."postal_code") OR OLD."relationship_home" IS DISTINCT FROM (NEW."relationship_home") OR OLD."responsible_unit_id" IS DISTINCT FROM (NEW."responsible_unit_id") OR OLD."street_address" IS DISTINCT FROM (NEW."street_address") OR OLD."uuid" IS DISTINCT FROM (NEW."uuid"))',
                    func='INSERT INTO "clients_clientevent" ("accessibility_notes", "address_non_disclosure", "birth_date", "calling_name", "city", "closed_on", "closure_reason", "communication_needs", "created_at", "created_by_id", "email", "first_names", "id", "identity_code_is_temporary", "identity_code_masked", "interpreter_needed", "language", "last_name", "organisation_id", "other_language", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "phone", "postal_code", "relationship_home", "responsible_unit_id", "street_address", "uuid") VALUES (NEW."accessibility_notes", NEW."address_non_disclosure", NEW."birth_date", NEW."calling_name", NEW."city", NEW."closed_on", NEW."closure_reason", NEW."communication_needs", NEW."created_at", NEW."created_by_id", NEW."email", NEW."first_names", NEW."id", NEW."identity_code_is_temporary", NEW."identity_code_masked", NEW."interpreter_needed", NEW."language", NEW."last_name", NEW."organisation_id", NEW."other_language", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."phone", NEW."postal_code", NEW."relationship_home", NEW."responsible_unit_id", NEW."street_address", NEW."uuid"); RETURN NULL;',
                    hash="0abfc4a1456d0dd00cb0bb5f6eacd4a0d72adc1e",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_757e7",
                    table="clients_client",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.UniqueConstraint(
                fields=("organisation", "identity_code_hash"),
                name="client_identity_code_once_per_organisation",
            ),
        ),
    ]
