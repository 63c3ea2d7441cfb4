import datetime

from django.db import models


class AccessLogQuerySet(models.QuerySet):
    def concerning(self, client_id):
        return self.filter(client_id=client_id)

    def by_actor(self, user):
        return self.filter(actor=user)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(at__gte=start, at__lt=end)

    def acting_for(self, organisation_id: int):
        """Rows written while the actor acted in a unit of this organisation."""
        return self.filter(actor_organisation_id=organisation_id)

    def with_actor(self):
        """For reports: the actor and their organisation come in the same query."""
        return self.select_related("actor", "actor_organisation")

    def counts_by(self, field: str):
        """[{field: value, "count": n}], largest first."""
        return (
            self.order_by()
            .values(field)
            .annotate(count=models.Count("id"))
            .order_by("-count", field)
        )


class DisclosureLogQuerySet(models.QuerySet):
    def concerning(self, client_id):
        return self.filter(client_id=client_id)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(at__gte=start, at__lt=end)

    def with_parties(self):
        """For reports: the discloser and the recipients come in the same query."""
        return self.select_related("actor", "recipient_organisation", "recipient_user")
