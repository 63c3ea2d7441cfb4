"""The Django admin, signed in to only through Polku's own sign-in (allauth, with MFA).

The admin's own login page checks a password and signs the user in with nothing more: no
second factor, no rate limit. Polku's admin site answers that page itself: a visitor is
sent to allauth's sign-in (keeping where they were going), a signed-in administrator on
to the admin, and anyone else signed in is refused (403), as the admin refuses them."""

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache


class PolkuAdminSite(AdminSite):
    site_header = gettext_lazy("Polku – ylläpito")
    site_title = gettext_lazy("Polku – ylläpito")
    index_title = gettext_lazy("Ylläpito")

    def has_permission(self, request):
        """The administrator's active role opens the admin, as it shows "Ylläpito" in the menu
        (accounts.panels): not the staff flag, which the admin's user form does not offer, so
        an administrator made by another administrator could never get in, and which stays
        set when the role ends. A user acting in another of their roles is refused, as every
        rule reads the active role. Superusers (operations, `createsuperuser`) keep access."""
        from accounts.roles import Role

        user = request.user
        if not user.is_active:
            return False
        return user.is_superuser or getattr(user, "active_role", None) == Role.ADMIN

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        going_to = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            going_to, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            going_to = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(going_to, login_url=reverse("account_login"))
        if self.has_permission(request):
            return redirect(going_to)
        raise PermissionDenied
