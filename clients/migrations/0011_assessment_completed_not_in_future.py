"""The database refuses a service-need assessment completed on a day still to come, as
clients.actions.save_assessment does.

Not a CHECK against the row's creation day: an assessment is saved when it starts and
completed later on its edit page, so its completion day rightly comes after the day it was
first saved. The rule is about the day the completion is written, which a CHECK cannot read
(it has no clock). A trigger reads it: on an insert with a completion day, and on an update
that sets or changes it, the day must not be after today in Polku's time zone
(settings.TIME_ZONE, the zone timezone.localdate() uses), by the clock at that moment (so a
day the application has just seen as today is today here too). Rows written before are left
as they are; a later change of their completion day is checked. A plain PL/pgSQL trigger
that reads no setting, raising integrity_constraint_violation (IntegrityError in Django)
with its name first in the message, as migration 0009's triggers do.
"""

from django.conf import settings
from django.db import migrations


def _functions() -> str:
    return f"""
CREATE FUNCTION clients_assessment_completed_not_in_future() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.completed_on > (clock_timestamp() AT TIME ZONE '{settings.TIME_ZONE}')::date THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'assessment_completed_not_in_future: assessment %s cannot be completed on %s, '
                'a day still to come.', NEW.id, NEW.completed_on);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER assessment_completed_not_in_future
    BEFORE INSERT ON clients_serviceneedassessment
    FOR EACH ROW WHEN (NEW.completed_on IS NOT NULL)
    EXECUTE FUNCTION clients_assessment_completed_not_in_future();
CREATE TRIGGER assessment_completed_not_in_future_changed
    BEFORE UPDATE ON clients_serviceneedassessment
    FOR EACH ROW WHEN (NEW.completed_on IS DISTINCT FROM OLD.completed_on)
    EXECUTE FUNCTION clients_assessment_completed_not_in_future();
"""


DROP = """
DROP TRIGGER assessment_completed_not_in_future_changed ON clients_serviceneedassessment;
DROP TRIGGER assessment_completed_not_in_future ON clients_serviceneedassessment;
DROP FUNCTION clients_assessment_completed_not_in_future();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0010_membership_cancelled_before_start"),
    ]

    operations = [migrations.RunSQL(_functions(), DROP)]
