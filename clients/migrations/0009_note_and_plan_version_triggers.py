"""The database keeps two rules of the record that the actions keep (clients.actions):

- A case note is edited for 24 hours after it was written (edit_note); later it is only
  amended, by a new note. After 24 hours the one change left is marking it health-related,
  which edit_note does to the amendments of a note its author marks so. Its client, author
  and time of writing never change.
- A plan version that a newer version supersedes is a record (revise_plan, set_goal_status):
  neither it nor its goals change, and no goal is added to it. No version changes its
  client, plan type, number or the version it supersedes.

Plain PL/pgSQL triggers that read no setting (unlike django-pgtrigger's, which skip
themselves for `pgtrigger.ignore`); they raise integrity_constraint_violation, so Django
raises IntegrityError, with the trigger's name first in the message.
"""

from django.db import migrations

FUNCTIONS = """
CREATE FUNCTION clients_case_note_edit_window() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id
       OR NEW.author_id IS DISTINCT FROM OLD.author_id
       OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'case_note_edit_window: case note %s keeps its client, author and time of '
                'writing.', OLD.id);
    END IF;
    IF now() - OLD.created_at <= interval '24 hours' THEN
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - 'health_related') = (to_jsonb(OLD) - 'health_related')
       AND (NEW.health_related OR NOT OLD.health_related) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'integrity_constraint_violation',
        MESSAGE = format(
            'case_note_edit_window: case note %s was written more than 24 hours ago; it is '
            'amended by a new note, only marked health-related.', OLD.id);
END;
$$;

CREATE FUNCTION clients_plan_version_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.client_id IS DISTINCT FROM OLD.client_id
       OR NEW.plan_type IS DISTINCT FROM OLD.plan_type
       OR NEW.version IS DISTINCT FROM OLD.version
       OR NEW.supersedes_id IS DISTINCT FROM OLD.supersedes_id THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'plan_version_fixed: plan %s keeps its client, type, version and the version '
                'it supersedes.', OLD.id);
    END IF;
    IF EXISTS (SELECT 1 FROM clients_clientplan WHERE supersedes_id = OLD.id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'plan_version_fixed: plan version %s is superseded by a newer version; it is '
                'a record and does not change.', OLD.id);
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION clients_plan_goal_of_current_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM clients_clientplan
        WHERE supersedes_id = NEW.plan_id
           OR (TG_OP = 'UPDATE' AND supersedes_id = OLD.plan_id)
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'integrity_constraint_violation',
            MESSAGE = format(
                'plan_goal_of_current_version: the goals of superseded plan version %s do not '
                'change.', CASE WHEN TG_OP = 'UPDATE' THEN OLD.plan_id ELSE NEW.plan_id END);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER case_note_edit_window
    BEFORE UPDATE ON clients_casenote
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION clients_case_note_edit_window();
CREATE TRIGGER plan_version_fixed
    BEFORE UPDATE ON clients_clientplan
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION clients_plan_version_fixed();
CREATE TRIGGER plan_goal_of_current_version
    BEFORE INSERT ON clients_plangoal
    FOR EACH ROW EXECUTE FUNCTION clients_plan_goal_of_current_version();
CREATE TRIGGER plan_goal_of_current_version_changed
    BEFORE UPDATE ON clients_plangoal
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION clients_plan_goal_of_current_version();
"""

DROP = """
DROP TRIGGER plan_goal_of_current_version_changed ON clients_plangoal;
DROP TRIGGER plan_goal_of_current_version ON clients_plangoal;
DROP TRIGGER plan_version_fixed ON clients_clientplan;
DROP TRIGGER case_note_edit_window ON clients_casenote;
DROP FUNCTION clients_plan_goal_of_current_version();
DROP FUNCTION clients_plan_version_fixed();
DROP FUNCTION clients_case_note_edit_window();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_client_reopened_on"),
    ]

    operations = [migrations.RunSQL(FUNCTIONS, DROP)]
