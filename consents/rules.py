"""Who may do what with a client's consents (PERMISSIONS.md): record, change and
revoke, and download the signed form (identity code, signature, guardian's details):
the responsible worker and the sote contact person; see coverage: team members."""

import rules

from clients.rules import is_responsible_worker, is_sote_contact, on_team

records_consent = is_responsible_worker | is_sote_contact

rules.add_perm("consents.view_consents", on_team)
rules.add_perm("consents.record_consent", records_consent)
rules.add_perm("consents.change_consent", records_consent)
rules.add_perm("consents.revoke_consent", records_consent)
rules.add_perm("consents.attach_scan", records_consent)
rules.add_perm("consents.download_scan", records_consent)
rules.add_perm("consents.record_statutory_basis", records_consent)
# A team member who disclosed something outside Polku (a call, secure e-mail) logs it.
rules.add_perm("consents.record_disclosure", on_team)
