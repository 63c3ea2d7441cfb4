"""Who keeps each existing entry whose provider is named in text: the organisation of the
administrator who added it, as its change history names them. An entry added without one
(a data migration, the demo data, a shell) is left to the operator."""

from django.db import migrations


def fill_kept_by(apps, schema_editor):
    CatalogueEntry = apps.get_model("services", "CatalogueEntry")
    CatalogueEntryEvent = apps.get_model("services", "CatalogueEntryEvent")
    User = apps.get_model("accounts", "User")
    for entry in CatalogueEntry.objects.filter(provider__isnull=True, kept_by__isnull=True):
        added = (
            CatalogueEntryEvent.objects.filter(pgh_obj_id=entry.pk, pgh_label="insert")
            .select_related("pgh_context")
            .order_by("pgh_id")
            .first()
        )
        metadata = (added.pgh_context.metadata or {}) if added and added.pgh_context else {}
        user_id = metadata.get("user")
        if not isinstance(user_id, int):
            continue
        added_by = User.objects.filter(pk=user_id, is_superuser=False).first()
        if added_by is not None:
            CatalogueEntry.objects.filter(pk=entry.pk).update(kept_by=added_by.organisation_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_role_assignments_in_label_order"),
        ("services", "0014_catalogue_entry_kept_by"),
    ]

    operations = [migrations.RunPython(fill_kept_by, migrations.RunPython.noop)]
