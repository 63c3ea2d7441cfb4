import datetime

from django.db import models


class AccessLogQuerySet(models.QuerySet):
    def concerning(self, client_id):
        return self.filter(client_id=client_id)

    def by_actor(self, user):
        return self.filter(actor=user)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(at__gte=start, at__lt=end)


class DisclosureLogQuerySet(models.QuerySet):
    def concerning(self, client_id):
        return self.filter(client_id=client_id)

    def between(self, start: datetime.datetime, end: datetime.datetime):
        return self.filter(at__gte=start, at__lt=end)
