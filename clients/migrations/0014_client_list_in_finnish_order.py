from django.db import migrations, models


def fill_sort_names(apps, schema_editor):
    """The list order's key as written ("<last> <first names>", clients.names.sort_name),
    no longer folded: in the Finnish collation å, ä and ö sort after z."""
    Client = apps.get_model("clients", "Client")
    batch = []
    for client in Client.objects.only("pk", "first_names", "last_name").iterator(2000):
        client.search_name = " ".join(f"{client.last_name} {client.first_names}".split())
        batch.append(client)
        if len(batch) == 2000:
            Client.objects.bulk_update(batch, ["search_name"])
            batch = []
    Client.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0013_other_member_not_beside_a_lead_role"),
    ]

    operations = [
        migrations.AlterField(
            model_name="client",
            name="search_name",
            field=models.CharField(db_collation="fi-FI-x-icu", editable=False, max_length=320),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
    ]
