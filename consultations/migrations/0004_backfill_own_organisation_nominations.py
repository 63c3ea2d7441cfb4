"""Marks the network members already added whom their nominating organisation nominated
itself (0003 added `NetworkMember.nominated_by_own_organisation`, false for all).

Which role the adder acted in is not recorded, so a member counts as nominated by their
organisation when whoever added them held a role in it on the day the member was added:
the day of the member's first history event (in Helsinki time), or, without one, today
(the rule in_queue_of applied before the fact was stored).
"""

from django.db import migrations

BACKFILL = """
UPDATE consultations_networkmember m
   SET nominated_by_own_organisation = TRUE
  FROM (
        SELECT member.id,
               COALESCE(
                   (SELECT min(e.pgh_created_at AT TIME ZONE 'Europe/Helsinki')::date
                      FROM consultations_networkmemberevent e
                     WHERE e.pgh_obj_id = member.id),
                   (now() AT TIME ZONE 'Europe/Helsinki')::date
               ) AS day
          FROM consultations_networkmember member
       ) added
 WHERE added.id = m.id
   AND EXISTS (
       SELECT 1
         FROM accounts_roleassignment r
         JOIN services_unit u ON u.id = r.unit_id
        WHERE r.user_id = m.added_by_id
          AND u.organisation_id = m.organisation_id
          AND r.valid_from <= added.day
          AND (r.valid_to IS NULL OR r.valid_to >= added.day)
       )
"""


class Migration(migrations.Migration):
    dependencies = [("consultations", "0003_network_member_nominated_by_own_organisation")]

    operations = [migrations.RunSQL(sql=BACKFILL, reverse_sql=migrations.RunSQL.noop)]
