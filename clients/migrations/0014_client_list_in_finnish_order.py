from django.db import migrations, models

from clients.names import sort_name


def fill_sort_names(apps, schema_editor):
    """The list order's key (clients.names.sort_name): å, ä and ö after z, not folded into
    a and o."""
    Client = apps.get_model("clients", "Client")
    batch = []
    for client in Client.objects.only("pk", "first_names", "last_name").iterator(2000):
        client.search_name = sort_name(client.first_names, client.last_name)
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
            field=models.CharField(db_collation="C", editable=False, max_length=320),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
    ]
