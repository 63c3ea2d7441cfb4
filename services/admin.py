from django.contrib import admin

from services.models import Organisation, Unit


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name_fi", "name_sv", "name_en"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return (
            queryset
            if request.user.is_superuser
            else queryset.filter(pk=request.user.organisation_id)
        )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "organisation", "kind"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name_fi", "name_sv", "name_en"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=request.user.organisation_id)
