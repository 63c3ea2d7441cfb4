"""A network's name in Finnish, Swedish and English: the name it had is its Finnish name
(renamed, not copied: nothing is lost, and the way back renames it again). The history
triggers stop while the columns change, and the Finnish name stays unique under a named
constraint the action recognises."""

import config.ordering
import django.db.models.functions.text
import pgtrigger.compiler
import pgtrigger.migrations
import services.i18n
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0008_names_in_reader_language_order"),
        ("services", "0012_names_in_reader_language_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="network",
            name="insert_insert",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="network",
            name="update_update",
        ),
        migrations.RenameField(model_name="network", old_name="name", new_name="name_fi"),
        migrations.RenameField(model_name="networkevent", old_name="name", new_name="name_fi"),
        migrations.AddField(
            model_name="network",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="nimi englanniksi"),
        ),
        migrations.AddField(
            model_name="network",
            name="name_sv",
            field=models.CharField(blank=True, max_length=200, verbose_name="nimi ruotsiksi"),
        ),
        migrations.AddField(
            model_name="networkevent",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="nimi englanniksi"),
        ),
        migrations.AddField(
            model_name="networkevent",
            name="name_sv",
            field=models.CharField(blank=True, max_length=200, verbose_name="nimi ruotsiksi"),
        ),
        migrations.AlterField(
            model_name="network",
            name="name_fi",
            field=models.CharField(max_length=200, verbose_name="nimi suomeksi"),
        ),
        migrations.AlterField(
            model_name="networkevent",
            name="name_fi",
            field=models.CharField(max_length=200, verbose_name="nimi suomeksi"),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="network",
            trigger=pgtrigger.compiler.Trigger(
                name="insert_insert",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func='INSERT INTO "consultations_networkevent" ("convening_organisation_id", "created_at", "created_by_id", "default_place", "description", "id", "is_active", "name_en", "name_fi", "name_sv", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."convening_organisation_id", NEW."created_at", NEW."created_by_id", NEW."default_place", NEW."description", NEW."id", NEW."is_active", NEW."name_en", NEW."name_fi", NEW."name_sv", _pgh_attach_context(), NOW(), \'insert\', NEW."id"); RETURN NULL;',
                    hash="e6f4f7cbdbab22c2fc6de9b34c049ed16d096da1",
                    operation="INSERT",
                    pgid="pgtrigger_insert_insert_a6663",
                    table="consultations_network",
                    when="AFTER",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="network",
            trigger=pgtrigger.compiler.Trigger(
                name="update_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition="WHEN (OLD.* IS DISTINCT FROM NEW.*)",
                    func='INSERT INTO "consultations_networkevent" ("convening_organisation_id", "created_at", "created_by_id", "default_place", "description", "id", "is_active", "name_en", "name_fi", "name_sv", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id") VALUES (NEW."convening_organisation_id", NEW."created_at", NEW."created_by_id", NEW."default_place", NEW."description", NEW."id", NEW."is_active", NEW."name_en", NEW."name_fi", NEW."name_sv", _pgh_attach_context(), NOW(), \'update\', NEW."id"); RETURN NULL;',
                    hash="9defb1ef91542976339b3ac52792e6e0023ae028",
                    operation="UPDATE",
                    pgid="pgtrigger_update_update_743de",
                    table="consultations_network",
                    when="AFTER",
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="network",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name_fi"), name="network_name_fi_unique"
            ),
        ),
        migrations.AlterModelOptions(
            name="network",
            options={
                "ordering": [config.ordering.Alphabetical(services.i18n.Translated("name"))],
                "verbose_name": "konsultaatioverkosto",
                "verbose_name_plural": "konsultaatioverkostot",
            },
        ),
    ]
