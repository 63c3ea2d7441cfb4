"""An amendment belongs to the client of the note it amends, in the database too: a foreign
key on (amends_id, client_id) to the note's (id, client_id). clients.actions.add_note checks
it first with a clear message; this holds for every other writer. Django models no composite
foreign key, so it is stated in SQL."""

from django.db import migrations

ADD = """
ALTER TABLE clients_casenote
    ADD CONSTRAINT case_note_id_client UNIQUE (id, client_id);
ALTER TABLE clients_casenote
    ADD CONSTRAINT case_note_amends_same_client
    FOREIGN KEY (amends_id, client_id) REFERENCES clients_casenote (id, client_id);
"""

DROP = """
ALTER TABLE clients_casenote DROP CONSTRAINT case_note_amends_same_client;
ALTER TABLE clients_casenote DROP CONSTRAINT case_note_id_client;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0014_client_list_in_finnish_order"),
    ]

    operations = [migrations.RunSQL(ADD, DROP)]
