"""Who may read the logs: the data protection officer, in their active role (PERMISSIONS.md).

Loaded by rules' autodiscovery. The predicate reads the active role set by
accounts' middleware; audit imports no domain app, so it is stated here.
"""

import rules

DPO_ROLE = "dpo"


@rules.predicate
def acts_as_dpo(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "active_role", None) == DPO_ROLE)


rules.add_perm("audit.view_logs", acts_as_dpo)
