"""Administrators manage users and role memberships of their own organisation.

No client-data model is registered in the admin, anywhere in Polku.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from accounts.actions import invite_user
from accounts.models import RoleAssignment, User

# allauth's own registrations (e-mail addresses, social apps and tokens,
# authenticators) and auth groups are not managed through the admin here.
for _model in (EmailAddress, SocialAccount, SocialApp, SocialToken, Authenticator, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class OwnOrganisationAdminMixin:
    """Scopes a model admin to the administrator's own organisation (superusers see all)."""

    organisation_lookup = "organisation"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.organisation_lookup: request.user.organisation_id})


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(OwnOrganisationAdminMixin, admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "organisation", "is_active"]
    list_filter = ["is_active", "role_assignments__role"]
    search_fields = ["email", "last_name", "first_name"]
    fields = [
        "email",
        "first_name",
        "last_name",
        "title",
        "phone",
        "organisation",
        "preferred_language",
        "email_digest",
        "is_active",
    ]
    inlines = [RoleAssignmentInline]
    actions = ["send_invitation"]

    @admin.action(description=_("Lähetä kutsu (salasanan asetus)"))
    def send_invitation(self, request, queryset):
        for user in queryset:
            invite_user(user=user, invited_by=request.user, request=request)
        messages.success(request, _("Kutsut lähetetty."))
