from django.db import models


class OrganisationQuerySet(models.QuerySet):
    def of_kind(self, kind: str):
        return self.filter(kind=kind)


class UnitQuerySet(models.QuerySet):
    def of_organisation(self, organisation):
        return self.filter(organisation=organisation)
