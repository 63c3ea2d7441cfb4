"""The Django admin, signed in to only through Polku's own sign-in (allauth, with MFA).

The admin's own login page checks a password and signs the user in with nothing more: no
second factor, no rate limit. Polku's admin site answers that page itself: a visitor is
sent to allauth's sign-in (keeping where they were going), a signed-in administrator on
to the admin, and anyone else signed in is refused (403), as the admin refuses them.

Its password change leads to allauth's form too, with its rate limit. Its delete pages name
only what the admin itself manages (see `deletion_summary`)."""

from collections import Counter

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import router
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache


def deletion_summary(objs, request, admin_site):
    """What deleting `objs` would delete and what prevents it, for the admin's delete pages:
    Django's `get_deleted_objects`, except that only objects of models registered in the
    admin (users, organisations, units, the catalogue) are named. Anything else, a client,
    a plan, a log row, is only counted by kind ("Asiakkaat: 24"): Django's own page would
    list every client, plan and care-team membership that refers to a user or a unit, and
    the administrator never reads client data."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed = set()

    def describe(instances) -> list[str]:
        named, counted = [], Counter()
        for obj in instances:
            opts = obj._meta
            if admin_site.is_registered(obj.__class__):
                model_admin = admin_site.get_model_admin(obj.__class__)
                if not model_admin.has_delete_permission(request, obj):
                    perms_needed.add(opts.verbose_name)
                named.append(f"{capfirst(opts.verbose_name)}: {obj}")
            else:
                counted[capfirst(opts.verbose_name_plural)] += 1
        return named + [f"{name}: {count}" for name, count in sorted(counted.items())]

    to_delete = describe(obj for instances in collector.model_objs.values() for obj in instances)
    protected = describe(collector.protected)
    model_count = {
        model._meta.verbose_name_plural: len(instances)
        for model, instances in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


def admin_organisation_id(request) -> int | None:
    """The organisation the administrator manages: that of the unit of their active role when
    it is the administrator's role (PERMISSIONS.md: the admin of that organisation), else
    None. Not the account's home organisation (`User.organisation`): a social worker of one
    organisation made the administrator of another manages the other one while acting in
    that role, and nothing of their home organisation. Every model admin scopes by this
    (a superuser, the operator, sees every organisation and is not scoped)."""
    from accounts.roles import Role

    assignment = getattr(request.user, "active_assignment", None)
    if assignment is None or assignment.role != Role.ADMIN:
        return None
    return assignment.unit.organisation_id


class ClientDataFreeDeletePages:
    """Mixed into every model admin of Polku's admin site (PolkuAdminSite.register)."""

    def get_deleted_objects(self, objs, request):
        return deletion_summary(objs, request, self.admin_site)


class PolkuAdminSite(AdminSite):
    site_header = gettext_lazy("Polku – ylläpito")
    site_title = gettext_lazy("Polku – ylläpito")
    index_title = gettext_lazy("Ylläpito")

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin's delete pages name no client (ClientDataFreeDeletePages)."""
        admin_class = admin_class or ModelAdmin
        if not issubclass(admin_class, ClientDataFreeDeletePages):
            admin_class = type(admin_class.__name__, (ClientDataFreeDeletePages, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

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

    def password_change(self, request, extra_context=None):
        """Polku's own (allauth's) form: the admin's checked the current password without
        allauth's rate limit, an endless guessing of it for whoever finds a session open."""
        return redirect("account_change_password")
