import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role


class UserQuerySet(models.QuerySet):
    def of_organisation(self, organisation_id: int):
        """The users an organisation's administrator and DPO deal with: those whose home
        organisation it is and those who hold a role, current or not, in one of its units
        (a user of another organisation working for it too). Each user once."""
        holders = self.model._base_manager.filter(
            role_assignments__unit__organisation_id=organisation_id
        ).values("pk")
        return self.filter(Q(organisation_id=organisation_id) | Q(pk__in=holders))


class RoleAssignmentQuerySet(models.QuerySet):
    def in_organisation(self, organisation_id: int):
        """Roles held in the units of this organisation (whatever the holder's home)."""
        return self.filter(unit__organisation_id=organisation_id)

    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)

    def for_user(self, user):
        return self.filter(user=user)

    def managing(self, on: datetime.date | None = None):
        """The manager roles held on `on` (today) by active accounts: who manage each unit then,
        and are told what no one else in it can act on (an unreachable responsible worker's
        clients, a break-the-glass to review, an access request no responsible worker can
        decide on)."""
        return self.current(on).filter(role=Role.MANAGER, user__is_active=True)
