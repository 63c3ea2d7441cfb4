"""Consents' read-only and append-only triggers, written without django-pgtrigger's bypass.

pgtrigger's triggers skip themselves when the transaction names them in the setting
`pgtrigger.ignore`, which any role may set. A consent version, its parties and a
statutory basis are evidence; these plain PL/pgSQL triggers read no setting (the same
design as audit migration 0004). They refuse what the old ones refused, and TRUNCATE:

- consents_consent: an UPDATE that changes a column other than superseded_at and the
  revocation's columns (a new column is content, read-only, until named here); DELETE.
- consents_consentparty: every UPDATE and DELETE (append-only).
- consents_statutorybasis: an UPDATE of a column other than its end; DELETE.
"""

from django.db import migrations

import pgtrigger.migrations

# The columns an UPDATE may change, per table (trigger arguments).
CONSENT_CHANGEABLE = [
    "superseded_at",
    "revoked_at",
    "revoked_on",
    "revoked_by_id",
    "revocation_method",
    "revoked_through",
    "revoked_through_organisation_id",
    "revocation_note",
]
STATUTORY_BASIS_CHANGEABLE = ["ended_at", "ended_by_id"]

FUNCTIONS = """
CREATE FUNCTION consents_read_only() RETURNS trigger
LANGUAGE plpgsql AS $$
-- TG_ARGV: the columns an UPDATE may change; an UPDATE that changes nothing else passes.
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - TG_ARGV) = (to_jsonb(NEW) - TG_ARGV) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Cannot % rows from % table: it is a record, changed only by a new version.',
        lower(TG_OP), TG_TABLE_NAME;
END;
$$;

CREATE FUNCTION consents_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Cannot update or delete rows from % table: it is append-only (%).',
        TG_TABLE_NAME, TG_OP;
END;
$$;
"""


def _args(columns):
    return ", ".join(f"'{column}'" for column in columns)


TRIGGERS = f"""
CREATE TRIGGER consent_content_read_only
    BEFORE UPDATE ON consents_consent
    FOR EACH ROW EXECUTE FUNCTION consents_read_only({_args(CONSENT_CHANGEABLE)});
CREATE TRIGGER consent_not_deleted
    BEFORE DELETE ON consents_consent
    FOR EACH ROW EXECUTE FUNCTION consents_read_only();
CREATE TRIGGER consent_no_truncate
    BEFORE TRUNCATE ON consents_consent
    FOR EACH STATEMENT EXECUTE FUNCTION consents_read_only();

CREATE TRIGGER consent_party_append_only
    BEFORE UPDATE OR DELETE ON consents_consentparty
    FOR EACH ROW EXECUTE FUNCTION consents_append_only();
CREATE TRIGGER consent_party_no_truncate
    BEFORE TRUNCATE ON consents_consentparty
    FOR EACH STATEMENT EXECUTE FUNCTION consents_append_only();

CREATE TRIGGER statutory_basis_read_only
    BEFORE UPDATE ON consents_statutorybasis
    FOR EACH ROW EXECUTE FUNCTION consents_read_only({_args(STATUTORY_BASIS_CHANGEABLE)});
CREATE TRIGGER statutory_basis_not_deleted
    BEFORE DELETE ON consents_statutorybasis
    FOR EACH ROW EXECUTE FUNCTION consents_read_only();
CREATE TRIGGER statutory_basis_no_truncate
    BEFORE TRUNCATE ON consents_statutorybasis
    FOR EACH STATEMENT EXECUTE FUNCTION consents_read_only();
"""

DROP = """
DROP TRIGGER statutory_basis_no_truncate ON consents_statutorybasis;
DROP TRIGGER statutory_basis_not_deleted ON consents_statutorybasis;
DROP TRIGGER statutory_basis_read_only ON consents_statutorybasis;
DROP TRIGGER consent_party_no_truncate ON consents_consentparty;
DROP TRIGGER consent_party_append_only ON consents_consentparty;
DROP TRIGGER consent_no_truncate ON consents_consent;
DROP TRIGGER consent_not_deleted ON consents_consent;
DROP TRIGGER consent_content_read_only ON consents_consent;
DROP FUNCTION consents_append_only();
DROP FUNCTION consents_read_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0005_oral_event_times_checked"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="consent",
            name="consent_not_deleted",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="consent",
            name="consent_content_read_only",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="consentparty",
            name="consent_party_append_only",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statutorybasis",
            name="statutory_basis_read_only",
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name="statutorybasis",
            name="statutory_basis_not_deleted",
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, DROP),
    ]
