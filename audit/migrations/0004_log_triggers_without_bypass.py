"""The logs' append-only triggers, written without django-pgtrigger's bypass.

pgtrigger's triggers skip themselves when the transaction names them in the setting
`pgtrigger.ignore`, which any role may set (`SET LOCAL pgtrigger.ignore = ...`); an
append-only log must not have such a switch. These plain PL/pgSQL triggers read no
setting: every UPDATE and TRUNCATE is refused, and a DELETE unless the row is past
the retention floor (docs/operations.md, "Retention and logs"). Only the tables' owner
can get past them (by dropping or disabling a trigger), and Polku runs in production
as a role that does not own them.
"""

from django.db import migrations

import pgtrigger.migrations

# Log rows are kept at least this long from when they were written; the county's
# archive process removes them later, after its own retention period.
RETENTION_FLOOR = "12 years"

LOGS = {
    "audit_accesslogentry": "accesslog",
    "audit_disclosurelogentry": "disclosurelog",
}

FUNCTION = f"""
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.at < now() - interval '{RETENTION_FLOOR}' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'integrity_constraint_violation',
        MESSAGE = format('%s is append-only: %s refused.', TG_TABLE_NAME, TG_OP),
        HINT = 'A log row is never changed, and removed only {RETENTION_FLOOR} after it was '
               'written (docs/operations.md).';
END;
$$;
"""

TRIGGERS = "".join(
    f"""
CREATE TRIGGER {prefix}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER {prefix}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
"""
    for table, prefix in LOGS.items()
)

DROP = (
    "".join(
        f"""
DROP TRIGGER {prefix}_no_truncate ON {table};
DROP TRIGGER {prefix}_append_only ON {table};
"""
        for table, prefix in LOGS.items()
    )
    + "DROP FUNCTION audit_log_append_only();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_assigned_task_basis"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="accesslogentry",
            name="accesslog_append_only",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="disclosurelogentry",
            name="disclosurelog_append_only",
        ),
        migrations.RunSQL(FUNCTION + TRIGGERS, DROP),
    ]
