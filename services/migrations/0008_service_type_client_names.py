"""The name printed for the client on a service type, in fi, sv and en (schema only)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0007_work_ability_assessment_needs_no_plan"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="servicetype",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="servicetype",
            name="update_update",
        ),
        migrations.AddField(
            model_name="servicetype",
            name="client_name_en",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="nimi asiakkaalle englanniksi"
            ),
        ),
        migrations.AddField(
            model_name="servicetype",
            name="client_name_fi",
            field=models.CharField(
                default="",
                help_text="Selkokielinen nimi, joka tulostuu asiakkaalle annettaviin papereihin. Ei lyhenteitä.",
                max_length=200,
                verbose_name="nimi asiakkaalle suomeksi",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="servicetype",
            name="client_name_sv",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="nimi asiakkaalle ruotsiksi"
            ),
        ),
        migrations.AddField(
            model_name="servicetypeevent",
            name="client_name_en",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="nimi asiakkaalle englanniksi"
            ),
        ),
        migrations.AddField(
            model_name="servicetypeevent",
            name="client_name_fi",
            field=models.CharField(
                default="",
                help_text="Selkokielinen nimi, joka tulostuu asiakkaalle annettaviin papereihin. Ei lyhenteitä.",
                max_length=200,
                verbose_name="nimi asiakkaalle suomeksi",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="servicetypeevent",
            name="client_name_sv",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="nimi asiakkaalle ruotsiksi"
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="servicetype",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "services_servicetypeevent" ("client_name_en", "client_name_fi", "client_name_sv", "code", "id", "is_active", "legal_basis", "name_en", "name_fi", "name_sv", "needs_attendance", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."client_name_en", NEW."client_name_fi", NEW."client_name_sv", NEW."code", NEW."id", NEW."is_active", NEW."legal_basis", NEW."name_en", NEW."name_fi", NEW."name_sv", NEW."needs_attendance", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;',
                    hash="bdf1d577d69a9064d44e4bf4bdb677dcc6cef998",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_87fcc",
                    table="services_servicetype",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="servicetype",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "services_servicetypeevent" ("client_name_en", "client_name_fi", "client_name_sv", "code", "id", "is_active", "legal_basis", "name_en", "name_fi", "name_sv", "needs_attendance", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."client_name_en", NEW."client_name_fi", NEW."client_name_sv", NEW."code", NEW."id", NEW."is_active", NEW."legal_basis", NEW."name_en", NEW."name_fi", NEW."name_sv", NEW."needs_attendance", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;',
                    hash="018ac5171bda2c4034f7978a8ee4e780e0b4e702",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_074f4",
                    table="services_servicetype",
                    when="AFTER",
                ),
            ),
        ),
    ]
