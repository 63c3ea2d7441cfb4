"""A reminder put away because its matter moved from the recipient to someone else (a client
transferred, its care team left) is marked settled (`settled_at`) as well as read, and the
unique key (rule, object, due date, recipient) holds only over the rows not settled: should
the matter come back to the same person, the sweep reminds them afresh.

Rows settled before this cannot be told from those their recipient read (both have only
`read_at`), so they stay as they are and keep holding the key.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_message_ids_of_titles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="reminder",
            name="settled_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RemoveConstraint(
            model_name="reminder",
            name="reminder_once_per_rule_object_due_recipient",
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                condition=models.Q(("settled_at__isnull", True)),
                fields=("rule", "content_type", "object_id", "due_date", "recipient"),
                name="reminder_once_per_rule_object_due_recipient",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("settled_at__isnull", True), ("read_at__isnull", False), _connector="OR"
                ),
                name="reminder_settled_is_read",
            ),
        ),
    ]
