"""The columns a consent version or a statutory basis may change, change only one way.

Migration 0006 let an UPDATE through whenever it changed nothing but superseded_at and
the revocation's columns (a basis: its end), however it changed them: a revocation could
be set back to none, a basis's end cleared, a superseded version's end moved later, and
coverage that had ended came back. Now, on top of 0006's rule (other columns are content,
read-only):

- consents_consent: the revocation's columns are written once, while the version is not
  revoked (OLD.revoked_at IS NULL); a revoked version's revocation never changes again.
  superseded_at is set from none, or moved earlier: a change signed in advance leaves the
  old version covering until a later moment, and a revocation or another change ends it
  sooner (actions.recording._end_earlier_versions); it is never cleared or moved later.
- consents_statutorybasis: its end (ended_at, ended_by) is written once, while it has none.

The UPDATE triggers keep their names and call a function of their own per table; the
DELETE and TRUNCATE triggers keep 0006's consents_read_only().
"""

from django.db import migrations

CONSENT_REVOCATION = [
    "revoked_at",
    "revoked_on",
    "revoked_by_id",
    "revocation_method",
    "revoked_through",
    "revoked_through_organisation_id",
    "revocation_note",
]
CONSENT_CHANGEABLE = ["superseded_at", *CONSENT_REVOCATION]
STATUTORY_BASIS_END = ["ended_at", "ended_by_id"]


def _array(columns):
    return "ARRAY[" + ", ".join(f"'{column}'" for column in columns) + "]::text[]"


def _row(record, columns):
    return "ROW(" + ", ".join(f"{record}.{column}" for column in columns) + ")"


def _changed(columns):
    return f"{_row('NEW', columns)} IS DISTINCT FROM {_row('OLD', columns)}"


# The content message is 0006's, word for word: a changed content column reads the same.
CONTENT_REFUSED = """
    IF (to_jsonb(OLD) - {changeable}) IS DISTINCT FROM (to_jsonb(NEW) - {changeable}) THEN
        RAISE EXCEPTION
            'Cannot update rows from % table: it is a record, changed only by a new version.',
            TG_TABLE_NAME;
    END IF;
"""

FUNCTIONS = f"""
CREATE FUNCTION consents_consent_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{CONTENT_REFUSED.format(changeable=_array(CONSENT_CHANGEABLE))}
    IF OLD.revoked_at IS NOT NULL AND {_changed(CONSENT_REVOCATION)} THEN
        RAISE EXCEPTION
            'Cannot update rows from % table: a revocation is recorded once, never undone or rewritten.',
            TG_TABLE_NAME;
    END IF;
    IF OLD.superseded_at IS NOT NULL
        AND (NEW.superseded_at IS NULL OR NEW.superseded_at > OLD.superseded_at) THEN
        RAISE EXCEPTION
            'Cannot update rows from % table: a superseded version''s end only moves earlier.',
            TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION consents_statutory_basis_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
{CONTENT_REFUSED.format(changeable=_array(STATUTORY_BASIS_END))}
    IF OLD.ended_at IS NOT NULL AND {_changed(STATUTORY_BASIS_END)} THEN
        RAISE EXCEPTION
            'Cannot update rows from % table: an end is recorded once, never undone or rewritten.',
            TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END;
$$;
"""

TRIGGERS = """
DROP TRIGGER consent_content_read_only ON consents_consent;
CREATE TRIGGER consent_content_read_only
    BEFORE UPDATE ON consents_consent
    FOR EACH ROW EXECUTE FUNCTION consents_consent_update();
DROP TRIGGER statutory_basis_read_only ON consents_statutorybasis;
CREATE TRIGGER statutory_basis_read_only
    BEFORE UPDATE ON consents_statutorybasis
    FOR EACH ROW EXECUTE FUNCTION consents_statutory_basis_update();
"""


def _args(columns):
    return ", ".join(f"'{column}'" for column in columns)


# Back to 0006's triggers.
REVERSE = f"""
DROP TRIGGER statutory_basis_read_only ON consents_statutorybasis;
CREATE TRIGGER statutory_basis_read_only
    BEFORE UPDATE ON consents_statutorybasis
    FOR EACH ROW EXECUTE FUNCTION consents_read_only({_args(STATUTORY_BASIS_END)});
DROP TRIGGER consent_content_read_only ON consents_consent;
CREATE TRIGGER consent_content_read_only
    BEFORE UPDATE ON consents_consent
    FOR EACH ROW EXECUTE FUNCTION consents_read_only({_args(CONSENT_CHANGEABLE)});
DROP FUNCTION consents_statutory_basis_update();
DROP FUNCTION consents_consent_update();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("consents", "0007_oral_recorded_on_event_day"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS + TRIGGERS, REVERSE),
    ]
