"""Role predicates: every rule reads the user's active role (PERMISSIONS.md).

Client-relation predicates (team member, responsible worker, manager of the
responsible unit) live in clients/rules.py; both feed one vocabulary of
`rules` permissions, listed in docs/permissions.md.
"""

import rules

from accounts.roles import Role


def active_role_in(*roles: str):
    """A predicate true when the user's active role is one of `roles`."""
    allowed = frozenset(roles)
    name = "active_role_in:" + ",".join(sorted(allowed))

    @rules.predicate(name)
    def predicate(user) -> bool:
        return bool(
            user and user.is_authenticated and getattr(user, "active_role", None) in allowed
        )

    return predicate


is_admin = active_role_in(Role.ADMIN)
is_dpo = active_role_in(Role.DPO)
is_manager = active_role_in(Role.MANAGER)
is_coordinator = active_role_in(Role.COORDINATOR)
works_with_clients = active_role_in(*(set(Role) - {Role.ADMIN, Role.DPO}))

rules.add_perm("accounts.switch_role", rules.is_authenticated)

# The Django admin: administrators manage users, role memberships, organisations
# and units (scoped to their own organisation in the ModelAdmins).
for model in (
    "accounts.user",
    "accounts.roleassignment",
    "services.organisation",
    "services.unit",
    "services.servicetype",
    "services.serviceruleset",
    "services.catalogueentry",
):
    app_label, model_name = model.split(".")
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"{app_label}.{action}_{model_name}", is_admin)
for app_label in ("accounts", "services"):
    rules.add_perm(app_label, is_admin)
