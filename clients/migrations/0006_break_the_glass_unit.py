"""A break-the-glass access records the unit it was opened in, beside the role.

Earlier events were opened in the client's responsible unit of the time (the rule
allowed no other); the client's responsible unit now stands in for it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_client_language_english"),
        ("services", "0002_service_types_and_rule_sets"),
    ]

    operations = [
        migrations.AddField(
            model_name="breaktheglass",
            name="unit",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.unit",
            ),
        ),
        migrations.RunSQL(
            """
            UPDATE clients_breaktheglass AS event
               SET unit_id = client.responsible_unit_id
              FROM clients_client AS client
             WHERE client.id = event.client_id AND event.unit_id IS NULL;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="breaktheglass",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="services.unit",
            ),
        ),
    ]
