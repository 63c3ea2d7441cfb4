"""Administrators manage users and role memberships of the organisation of their active role
(config.admin.admin_organisation_id), not of their account's home organisation.

Their users are those homed in that organisation and those who hold a role (current or not)
in one of its units. A user homed elsewhere is that home organisation's account: its
administrator alone changes the account itself (name, address, organisation, language,
active or not), invites it, removes its second factors or deletes it. Another organisation's
administrator sees the account read-only and grants, changes and ends only the roles in their
own organisation's units; roles in other organisations' units are listed read-only, never in
the role forms, so they can be neither changed nor deleted there, nor make the form fail.

No client-data model is registered in the admin, anywhere in Polku.
"""

import logging

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.forms.models import BaseInlineFormSet, ModelForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.actions import (
    account_deactivated,
    check_may_change_address,
    check_may_manage_roles,
    invite_user,
    record_address_change,
    remove_second_factors,
)
from accounts.models import RoleAssignment, User
from accounts.roles import Role
from accounts.security_log import log_event, log_event_on_commit
from config.admin import admin_organisation_id
from config.forms import ADMIN_DATE_INPUT
from services.models import Organisation, Unit

# allauth's own registrations (e-mail addresses, social apps and tokens,
# authenticators) and auth groups are not managed through the admin here.
for _model in (EmailAddress, SocialAccount, SocialApp, SocialToken, Authenticator, Group):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def homed_in_managed_organisation(request, user: User | None) -> bool:
    """Whether the account (`user`, as stored) is the administrator's to change: homed in the
    organisation they manage, or not saved yet, or the operator (a superuser) asks."""
    if user is None or user.pk is None or request.user.is_superuser:
        return True
    organisation_id = admin_organisation_id(request)
    return organisation_id is not None and user.organisation_id == organisation_id


def _role_has_started(form) -> bool:
    """Whether the form's role, as stored (not as posted), began on or before today."""
    valid_from = form.initial.get("valid_from")
    return (
        form.instance.pk is not None
        and valid_from is not None
        and valid_from <= timezone.localdate()
    )


def _delete_posted(form) -> bool:
    field = form.fields.get(DELETION_FIELD_NAME)
    return field is not None and bool(
        field.widget.value_from_datadict(
            form.data, form.files, form.add_prefix(DELETION_FIELD_NAME)
        )
    )


STARTED_ROLE_NOT_DELETED = _(
    "Alkanutta roolia ei voi poistaa: päätä se antamalla sille päättymispäivä. Roolin myötä "
    "käyttäjä ja hänen lokitietonsa katoaisivat organisaation tietosuojavastaavan näkyvistä."
)


# The fields of a role that has begun that no longer change: the role, its unit, its start.
STARTED_ROLE_FIXED_FIELDS = ("role", "unit", "valid_from")


class RoleAssignmentFormSet(BaseInlineFormSet):
    """Refuses, above the roles, any role granted, changed or ended on an account that is the
    administrator's own person (accounts.actions.check_may_manage_roles), and an account with
    roles renamed or readdressed into theirs. Their own account's roles are shown read-only
    (below), so nothing of them is posted.

    A role that has begun is ended (its last day), never deleted nor moved: its role, unit
    and start are shown disabled, and a changed one posted is ignored. It keeps its holder among
    the organisation's users (User.objects.of_organisation), and so their access log within
    reach of its data protection officer (audit.access.organisation_users). Its delete box
    is disabled; one posted anyway (a page opened before the role began) is refused above
    the roles. A role still to begin is deleted as a mistake."""

    managed_by: User | None = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if _role_has_started(form):
            # What was held, where and since when is on record once begun: only its last
            # day changes. (Moving the start ahead would also open the delete box below.)
            for name in (DELETION_FIELD_NAME, *STARTED_ROLE_FIXED_FIELDS):
                if name in form.fields:
                    form.fields[name].disabled = True

    def clean(self):
        super().clean()
        # A disabled field cleans to its initial value, whatever is posted: the post is read.
        if any(_role_has_started(form) and _delete_posted(form) for form in self.initial_forms):
            raise ValidationError(STARTED_ROLE_NOT_DELETED)
        user, by = self.instance, self.managed_by
        if by is None or (user.pk is not None and user.pk == by.pk):
            return
        kept = [f for f in self.forms if f.instance.pk is not None or f.has_changed()]
        touched = any(f.has_changed() or self._should_delete_form(f) for f in self.forms)
        if touched or any(not self._should_delete_form(f) for f in kept):
            check_may_manage_roles(user=user, by=by)


ADDRESS_HELD_ELSEWHERE = _("Tätä osoitetta ei voi käyttää. Ota yhteys Polun ylläpitoon.")


class UserAdminForm(ModelForm):
    """Refuses, next to the address, a new sign-in address for an account in use unless the
    operator gives it (accounts.actions.check_may_change_address): with the address goes the
    account, by the invitation's or a password reset's link.

    An address held by an account the administrator cannot see (another organisation's, the
    operator's) is refused without saying that it is an account's: "already exists" would
    tell an administrator which addresses have accounts in other organisations. The attempt
    is in the security log (accounts.address_held_elsewhere)."""

    managed_by: User | None = None
    managed_organisation_id: int | None = None
    request = None

    def clean_email(self):
        email = self.cleaned_data["email"]
        self._refuse_address_held_elsewhere(email)
        user, by = self.instance, self.managed_by
        changed = user.pk is not None and email.strip().lower() != (user.email or "").lower()
        if changed and by is not None:
            # The account as stored: the form's instance is not yet changed by the post.
            check_may_change_address(user=user, by=by)
        return email

    def _refuse_address_held_elsewhere(self, email: str) -> None:
        by = self.managed_by
        if by is None or by.is_superuser:
            return
        holder = (
            User.objects.filter(email__iexact=email.strip())
            .exclude(pk=self.instance.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if holder is None:
            return
        seen = User.objects.of_organisation(self.managed_organisation_id).filter(
            is_superuser=False, pk=holder
        )
        if self.managed_organisation_id is not None and seen.exists():
            return  # Their own organisation's: the usual "already exists" names it.
        log_event(
            "accounts.address_held_elsewhere",
            request=self.request,
            user_id=by.pk,
            level=logging.WARNING,
            held_by_user_id=holder,
            target_user_id=self.instance.pk,
        )
        raise ValidationError(ADDRESS_HELD_ELSEWHERE, code="address_held_elsewhere")


class RoleAssignmentInline(admin.StackedInline):
    """Stacked, not tabular: a tabular inline's inputs have only the column heading, no
    label of their own, so a screen reader names none of them (WCAG 1.3.1, 4.1.2)."""

    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 0
    formfield_overrides = ADMIN_DATE_INPUT
    autocomplete_fields = ["unit"]

    # An administrator does not grant, change or end their own roles (another administrator
    # does): else one could make themselves a manager and read clients. Shown read-only.
    def _own_roles(self, request, obj) -> bool:
        return obj is not None and obj.pk == request.user.pk and not request.user.is_superuser

    def get_queryset(self, request):
        # Only the roles in the organisation's own units are forms here; the others are the
        # user form's read-only list (UserAdmin.roles_elsewhere): else another organisation's
        # role could be ended or deleted, and its unit, not among the choices, fails the form.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.in_organisation(admin_organisation_id(request))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.managed_by = request.user
        return formset

    def has_add_permission(self, request, obj=None):
        return not self._own_roles(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._own_roles(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._own_roles(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Roles only in the administrator's own organisation's units (the choice
        # list, and what a submitted form may name).
        if db_field.name == "unit" and not request.user.is_superuser:
            kwargs["queryset"] = Unit.objects.filter(organisation=admin_organisation_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CurrentRoleFilter(admin.SimpleListFilter):
    """The users who hold the role today: a role that ended (or has not begun) does not count,
    as it gives no access. Filtering on every role assignment ever made listed a manager of
    years ago among the managers."""

    title = _("voimassa oleva rooli")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() not in Role.values:
            return queryset
        holders = RoleAssignment.objects.current().filter(role=self.value())
        if not request.user.is_superuser:
            # Held in this organisation's units: a manager elsewhere is no manager here.
            holders = holders.in_organisation(admin_organisation_id(request))
        return queryset.filter(pk__in=holders.values("user_id"))


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def _log_role(event: str, request, assignment: RoleAssignment, pk: int, **dates) -> None:
    log_event_on_commit(
        event,
        request=request,
        user_id=request.user.pk,
        target_user_id=assignment.user_id,
        role_assignment_id=pk,
        role=assignment.role,
        unit_id=assignment.unit_id,
        valid_from=_iso(assignment.valid_from),
        valid_to=_iso(assignment.valid_to),
        **{name: _iso(day) for name, day in dates.items()},
    )


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """An organisation's users. The operator's accounts (superusers) are a superuser's to
    manage: an administrator who could change one's address, send it a password link and
    remove its second factors would sign in as the operator, who reaches every organisation."""

    list_display = ["email", "last_name", "first_name", "organisation", "is_active"]
    list_filter = ["is_active", CurrentRoleFilter]
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
        "invitations_sent",
    ]
    readonly_fields = ["invitations_sent", "roles_elsewhere"]
    form = UserAdminForm
    inlines = [RoleAssignmentInline]
    actions = ["send_invitation", "remove_second_factors"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.of_organisation(admin_organisation_id(request)).filter(is_superuser=False)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # For roles_elsewhere, which the admin calls with the user alone.
            obj.managed_organisation_id = admin_organisation_id(request)
        return obj

    @admin.display(description=_("organisaatio"))
    def home_organisation(self, obj):
        return obj.organisation.name_in() if obj.organisation_id else "–"

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != "home_organisation"]
        # The operator's role forms list every role; an administrator's only their own units'.
        if obj is None or request.user.is_superuser:
            return [field for field in fields if field != "roles_elsewhere"]
        if not homed_in_managed_organisation(request, obj):
            # Named, not linked: the other organisation's admin page is not this one's to open.
            fields = ["home_organisation" if f == "organisation" else f for f in fields]
        return fields if "roles_elsewhere" in fields else [*fields, "roles_elsewhere"]

    def get_readonly_fields(self, request, obj=None):
        # An account homed in another organisation is its administrator's: only its roles in
        # this organisation's units are changed here.
        if homed_in_managed_organisation(request, obj):
            return self.readonly_fields
        return [*self.fields, "roles_elsewhere", "home_organisation"]

    def has_delete_permission(self, request, obj=None):
        # Deleting an account would take its roles elsewhere with it: only its home
        # organisation's administrator deletes it, and only when it holds no role elsewhere.
        if obj is not None and not request.user.is_superuser:
            if not homed_in_managed_organisation(request, obj):
                return False
            elsewhere = obj.role_assignments.exclude(
                unit__organisation_id=admin_organisation_id(request)
            )
            if elsewhere.exists():
                return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An administrator creates users of their own organisation only.
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=admin_organisation_id(request))
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.managed_by = request.user
        form.managed_organisation_id = admin_organisation_id(request)
        form.request = request
        return form

    def save_model(self, request, obj, form, change):
        if change and not homed_in_managed_organisation(request, form.instance):
            return  # Nothing of the account is posted (all read-only): only its roles here.
        # A new user has no password until they set one by the invitation's link.
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            if not obj.is_active:
                account_deactivated(user=obj, request=request)
            log_event_on_commit(
                "accounts.user_reactivated" if obj.is_active else "accounts.user_deactivated",
                request=request,
                user_id=request.user.pk,
                target_user_id=obj.pk,
            )
        old_email = form.initial.get("email") or ""
        if change and old_email.lower() != obj.email:
            # Inside the admin's transaction: the notice to the old address leaves on commit.
            record_address_change(
                user=obj, old_email=old_email, changed_by=request.user, request=request
            )

    def save_formset(self, request, form, formset, change):
        """Saves the role forms; each role granted, changed, ended or deleted is in the
        security log on commit, with who did it, the role, its unit and its dates."""
        previous_valid_to = {
            f.instance.pk: f.initial.get("valid_to")
            for f in formset.initial_forms
            if f.instance.pk is not None
        }
        deleted = [
            (f.instance.pk, f.instance)
            for f in formset.deleted_forms
            if f.instance.pk is not None and f in formset.initial_forms
        ]
        super().save_formset(request, form, formset, change)
        if formset.model is not RoleAssignment:
            return
        for assignment in formset.new_objects:
            _log_role("accounts.role_granted", request, assignment, assignment.pk)
        for assignment, _fields in formset.changed_objects:
            before = previous_valid_to.get(assignment.pk)
            ended = before is None and assignment.valid_to is not None
            event = "accounts.role_ended" if ended else "accounts.role_changed"
            _log_role(event, request, assignment, assignment.pk, previous_valid_to=before)
        for pk, assignment in deleted:
            _log_role("accounts.role_deleted", request, assignment, pk)

    def save_related(self, request, form, formsets, change):
        """A new active user is invited as soon as they and their roles are saved: the
        e-mail's link sets the password (it leaves after commit). Inviting again is the
        list's action."""
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not change and user.is_active:
            invite_user(user=user, invited_by=request.user, request=request)
            messages.info(
                request, _("Kutsu lähetetään osoitteeseen %(email)s.") % {"email": user.email}
            )

    @admin.display(description=_("Kutsut"))
    def invitations_sent(self, obj):
        """Who invited the user and when, newest first (accounts.Invitation)."""
        if obj is None or obj.pk is None:
            return "–"
        rows = [
            _("%(date)s, kutsuja %(name)s")
            % {
                "date": date_format(timezone.localtime(i.sent_at), "SHORT_DATETIME_FORMAT"),
                "name": i.invited_by.get_full_name() or i.invited_by.email,
            }
            for i in obj.invitations.select_related("invited_by")[:5]
        ]
        return format_html_join(mark_safe("<br>"), "{}", ((row,) for row in rows)) or "–"

    @admin.display(description=_("Roolit muiden organisaatioiden yksiköissä"))
    def roles_elsewhere(self, obj):
        """The user's roles (current or not) in units of organisations other than the one the
        administrator manages: shown, not changeable here (their administrators' to manage)."""
        if obj is None or obj.pk is None:
            return "–"
        assignments = (
            obj.role_assignments.exclude(
                unit__organisation_id=getattr(obj, "managed_organisation_id", None)
            )
            .select_related("unit__organisation")
            .order_by("valid_from", "pk")
        )
        rows = [
            (
                a,
                a.unit.organisation,
                date_format(a.valid_from, "SHORT_DATE_FORMAT"),
                date_format(a.valid_to, "SHORT_DATE_FORMAT") if a.valid_to else "",
            )
            for a in assignments
        ]
        return format_html_join(mark_safe("<br>"), "{} ({}), {}–{}", rows) or "–"

    def _refuse_other_homes(self, request, queryset):
        """The selected users homed in the managed organisation; a warning for each other
        (invitations and second factors are their own organisation's administrator's)."""
        if request.user.is_superuser:
            return list(queryset)
        homed = []
        for user in queryset.select_related("organisation"):
            if homed_in_managed_organisation(request, user):
                homed.append(user)
            else:
                messages.warning(
                    request,
                    _(
                        "Käyttäjän %(email)s tunnusta hoitaa hänen organisaationsa "
                        "(%(organisation)s) pääkäyttäjä."
                    )
                    % {"email": user.email, "organisation": user.organisation},
                )
        return homed

    @admin.action(description=_("Lähetä kutsu (salasanan asetus)"))
    def send_invitation(self, request, queryset):
        sent = 0
        for user in self._refuse_other_homes(request, queryset):
            try:
                invite_user(user=user, invited_by=request.user, request=request)
            except ValidationError as error:
                messages.warning(request, " ".join(error.messages))
            else:
                sent += 1
        if sent:
            messages.success(request, _("Kutsut lähetetty."))

    @admin.action(description=_("Poista kaksivaiheinen tunnistautuminen (kadonnut puhelin)"))
    def remove_second_factors(self, request, queryset):
        """For a user who lost their phone and has no recovery code left: their authenticator
        app, security keys and recovery codes are removed, and at their next sign-in (with
        their password) they enrol a new one before anything else."""
        for user in self._refuse_other_homes(request, queryset):
            try:
                remove_second_factors(user=user, removed_by=request.user, request=request)
            except ValidationError as error:
                messages.warning(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _(
                        "Käyttäjän %(email)s kaksivaiheinen tunnistautuminen poistettiin. "
                        "Seuraavalla kirjautumisella hän ottaa sen käyttöön uudelleen."
                    )
                    % {"email": user.email},
                )
