import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)

    def for_user(self, user):
        return self.filter(user=user)
