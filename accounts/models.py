"""Staff users and the roles they hold in units."""

import uuid

import pghistory
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from accounts.querysets import RoleAssignmentQuerySet, UserQuerySet
from accounts.roles import Role
from config.ordering import Alphabetical
from services.i18n import ChoiceLabel, in_name_order


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Not the password's hash (no copy of it anywhere else), nor the time of each sign-in
    # (the security log has those), nor the count of second-factor removals (each is an
    # AccountNotice naming who removed them): an update changing only these writes no event.
    exclude=["password", "last_login", "second_factor_removals"],
)
class User(AbstractBaseUser, PermissionsMixin):
    """A staff user. Its change history (pghistory, with whoever changed it in the context)
    answers who changed an account's address, name, organisation or access, and when."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("sähköposti"), unique=True)
    first_name = models.CharField(_("etunimi"), max_length=100)
    last_name = models.CharField(_("sukunimi"), max_length=100)
    title = models.CharField(_("nimike"), max_length=120, blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        "services.Organisation",
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("organisaatio"),
    )
    preferred_language = models.CharField(
        _("asiointikieli"),
        max_length=2,
        choices=[("fi", "suomi"), ("sv", "svenska"), ("en", "English")],
        default="fi",
    )
    email_digest = models.BooleanField(
        _("aamun sähköpostikooste"),
        default=True,
        help_text=_(
            "Aamuisin sähköposti, jossa on tehtävien ja muistutusten määrät. Ei asiakastietoja."
        ),
    )
    is_active = models.BooleanField(_("aktiivinen"), default=True)
    is_staff = models.BooleanField(_("ylläpitoon pääsy"), default=False)
    date_joined = models.DateTimeField(_("luotu"), default=timezone.now)
    # Part of the session hash (get_session_auth_hash): counting a removal signs out every
    # session of the account, those that had used the removed factors too.
    second_factor_removals = models.PositiveIntegerField(
        _("kaksivaiheisen tunnistautumisen poistot"), default=0, editable=False
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("käyttäjä")
        verbose_name_plural = _("käyttäjät")
        ordering = [Alphabetical("last_name"), Alphabetical("first_name")]
        constraints = [
            # One account per address whatever its letter case: sign-in and SSO find the
            # user by the address case-insensitively, so two would be ambiguous.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self):
        """The address in lower case: then the field's own unique check (which runs after
        clean) refuses one another user has in any case, as an error on the field."""
        super().clean()
        self.email = (self.email or "").strip().lower()

    def save(self, *args, **kwargs):
        # Lower case on every save path, not only through forms (create_user does so too).
        if self.email:
            self.email = self.email.lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password, of the password and the count of second-factor
        removals once there is one (accounts.actions.remove_second_factors): Django's
        AuthenticationMiddleware signs out a session whose hash no longer matches, so no
        session signed in before a removal goes on, whatever factor the account has later.
        Overridden here, not in get_session_auth_hash, because both it and
        get_session_auth_fallback_hash (SECRET_KEY_FALLBACKS) call it."""
        if not self.second_factor_removals:
            # As Django's own: sessions of accounts never reset stay signed in.
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "polku.accounts.User.session_auth_hash",
            f"{self.password}:{self.second_factor_removals}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_short_name(self) -> str:
        return self.first_name

    # Set per request by accounts.middleware.ActiveRoleMiddleware.
    active_assignment: "RoleAssignment | None" = None

    @property
    def active_role(self) -> str | None:
        return self.active_assignment.role if self.active_assignment else None

    @property
    def active_unit(self):
        return self.active_assignment.unit if self.active_assignment else None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RoleAssignment(models.Model):
    """A role held in a unit for a period. A user may hold several at once.

    Its change history (pghistory, with the acting administrator) answers who held which
    role when, and who granted it: what an access-log row's role rests on."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rooli"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "services.Unit",
        on_delete=models.PROTECT,
        related_name="role_assignments",
        verbose_name=_("yksikkö"),
    )
    valid_from = models.DateField(_("alkaen"), default=timezone.localdate)
    valid_to = models.DateField(_("päättyen"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("roolijäsenyys")
        verbose_name_plural = _("roolijäsenyydet")
        ordering = [Alphabetical(ChoiceLabel("role")), in_name_order("unit__")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="role_assignment_valid_period",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit", "valid_from"], name="role_assignment_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.unit}"

    def clean(self):
        """An end before the start, told next to the end date (the admin's role form): the
        database's check alone would name only its constraint, above the whole form."""
        super().clean()
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError(
                {"valid_to": _("Päättymispäivä ei voi olla ennen alkamispäivää.")},
                code="ends_before_start",
            )


class Invitation(models.Model):
    """One invitation e-mail an administrator sent: who invited whom, when, in which language.

    Written by accounts.actions.invite_user; never changed. The link it carried is
    allauth's single-use password-reset key, so nothing of it is stored here.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("kutsuttu")
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("kutsuja")
    )
    sent_at = models.DateTimeField(_("lähetetty"), default=timezone.now)
    language = models.CharField(_("kieli"), max_length=2)

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_at:%Y-%m-%d %H:%M}"


class AccountNotice(models.Model):
    """One notice e-mail telling a user of a change to how they sign in, so that an account
    is never taken over in silence: its sign-in address changed (told to the old address) or
    its second factors removed (told to its address). Written by accounts.actions in the
    change's transaction and sent by Celery after commit; never changed. The addresses are
    kept here, not passed through the broker, whose task lines are logged."""

    class Kind(models.TextChoices):
        ADDRESS_CHANGED = "address_changed", _("kirjautumisosoite vaihdettu")
        SECOND_FACTORS_REMOVED = (
            "second_factors_removed",
            _("kaksivaiheinen tunnistautuminen poistettu"),
        )

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notices", verbose_name=_("käyttäjä")
    )
    kind = models.CharField(_("muutos"), max_length=32, choices=Kind.choices)
    changed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("muuttaja")
    )
    sent_to = models.EmailField(_("vastaanottaja"))
    old_email = models.EmailField(_("vanha osoite"), blank=True)
    new_email = models.EmailField(_("uusi osoite"), blank=True)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)

    class Meta:
        verbose_name = _("ilmoitus käyttäjälle")
        verbose_name_plural = _("ilmoitukset käyttäjille")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="address_changed") | ~Q(old_email=""),
                name="account_notice_address_change_names_old",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"
