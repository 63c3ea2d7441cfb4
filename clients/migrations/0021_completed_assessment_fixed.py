"""The database keeps a completed service-need assessment as it was completed, as
clients.actions.save_assessment does: once it has a completion day, no column of its row
changes (not its conclusion, dates, author or client, and it is not made in progress again).
A correction is a new assessment. An assessment recorded as completed from the start is an
insert and is not refused; an assessment in progress is saved as it goes until it is
completed. A plain PL/pgSQL trigger that reads no setting, raising
integrity_constraint_violation (IntegrityError in Django) with its name first in the
message, as migration 0009's triggers do.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION clients_assessment_completed_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'integrity_constraint_violation',
        MESSAGE = format(
            'assessment_completed_fixed: assessment %s was completed on %s; it does not '
            'change, a correction is a new assessment.', OLD.id, OLD.completed_on);
END;
$$;

CREATE TRIGGER assessment_completed_fixed
    BEFORE UPDATE ON clients_serviceneedassessment
    FOR EACH ROW WHEN (OLD.completed_on IS NOT NULL AND OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION clients_assessment_completed_fixed();
"""

DROP = """
DROP TRIGGER assessment_completed_fixed ON clients_serviceneedassessment;
DROP FUNCTION clients_assessment_completed_fixed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0020_note_submitted_once"),
    ]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
