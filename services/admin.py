"""Administrators manage organisations, units, service types, rule sets and the catalogue.

Permissions come from `rules` (accounts/rules.py); each administrator's scope is the
organisation of their active role (config.admin.admin_organisation_id), not the account's
home organisation. A rule set in force is shown read-only: its rules change only by
superseding it from a later date (`actions.supersede_rule_set`, the "Korvaa uusilla
säännöillä" page).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin import admin_organisation_id
from config.forms import ADMIN_DATE_INPUT
from config.ordering import Alphabetical
from services.actions import (
    COMPANION_FIELDS,
    RULE_FIELDS,
    change_coming_rule_set,
    check_successor_start,
    delete_coming_rule_set,
    new_rules_take_effect,
    supersede_rule_set,
)
from services.i18n import in_name_order
from services.models import (
    CatalogueEntry,
    Organisation,
    ServiceLanguage,
    ServiceRuleSet,
    ServiceType,
    Unit,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "kind", "slug"]
    # The lists show the Finnish name, whatever the administrator's language: in its order.
    ordering = [Alphabetical("name_fi")]
    list_filter = ["kind"]
    search_fields = ["name_fi", "name_sv", "name_en"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return (
            queryset
            if request.user.is_superuser
            else queryset.filter(pk=admin_organisation_id(request))
        )

    # An organisation's administrator manages their own organisation, which they see alone:
    # adding another organisation (it would vanish from their list) or deleting their own
    # is for the service's operator, a superuser, as adding a service type is.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # The kind is what a consent naming a kind of organisation ("Kela (kaikki)",
        # "Terveydenhuolto (kaikki)") covers: an administrator who could make their own
        # organisation of that kind would have every such consent of every organisation's
        # clients cover it. The slug is what data migrations find it by. Both the operator's.
        if obj is not None and not request.user.is_superuser:
            return ["slug", "kind"]
        return []


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "organisation", "kind"]
    ordering = [in_name_order("organisation__"), Alphabetical("name_fi")]
    list_filter = ["kind", "organisation"]
    search_fields = ["name_fi", "name_sv", "name_en"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation=admin_organisation_id(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An administrator adds units to their own organisation, under its own units.
        if not request.user.is_superuser:
            organisation_id = admin_organisation_id(request)
            if db_field.name == "organisation":
                kwargs["queryset"] = Organisation.objects.filter(pk=organisation_id)
                kwargs["empty_label"] = None
            elif db_field.name == "parent":
                kwargs["queryset"] = Unit.objects.filter(organisation=organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ServiceType)
class ServiceTypeAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "code", "legal_basis", "needs_attendance", "is_active"]
    ordering = [Alphabetical("name_fi")]
    list_filter = ["is_active", "needs_attendance"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    fields = [
        "code",
        "name_fi",
        "name_sv",
        "name_en",
        "client_name_fi",
        "client_name_sv",
        "client_name_en",
        "legal_basis",
        "needs_attendance",
        "is_active",
    ]

    def get_readonly_fields(self, request, obj=None):
        # The code is what pathways and rule sets refer to: fixed once created.
        return ["code"] if obj else []

    # A service type is shared by every organisation (its names, legal basis and
    # whether it is in use), like the general rule sets: only a superuser adds,
    # changes or removes one; an organisation's administrator reads it.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


RULE_FIELDSETS = [
    (
        _("Kesto ja aikataulu"),
        {
            "fields": [
                ("min_duration_months", "max_duration_months"),
                ("min_days_per_week", "max_days_per_week"),
                "min_hours_per_day",
                "warning_month",
            ]
        },
    ),
    (_("Ikä"), {"fields": [("min_age", "max_age")]}),
    (_("Rinnakkaiset palvelut"), {"fields": list(COMPANION_FIELDS)}),
    (_("Korvaus"), {"fields": ["compensation_cap_per_day", "compensation_is_not_wage"]}),
    (_("Suunnitelma ja arviointi"), {"fields": ["required_plan_type", "review_interval_months"]}),
    (
        _("Tuettu työllistyminen"),
        {
            "fields": [
                "employer_contact_alert_days",
                "coach_caseload_warning",
                ("employment_target_min_percent", "employment_target_max_percent"),
            ]
        },
    ),
]


def _not_before_tomorrow(valid_from):
    if valid_from and valid_from <= timezone.localdate():
        raise ValidationError(
            _(
                "Uudet säännöt voivat alkaa aikaisintaan huomenna: jo tehdyt päätökset "
                "pitävät sääntönsä."
            )
        )


class ServiceRuleSetAddForm(forms.ModelForm):
    class Meta:
        model = ServiceRuleSet
        fields = [
            "service_type",
            "organisation",
            "valid_from",
            "valid_to",
            *RULE_FIELDS,
            *COMPANION_FIELDS,
        ]
        widgets = {field: forms.CheckboxSelectMultiple for field in COMPANION_FIELDS}

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        _not_before_tomorrow(valid_from)
        replaced = self.instance.supersedes
        if replaced is not None and valid_from != self.instance.valid_from:
            try:
                check_successor_start(replaced=replaced, valid_from=valid_from)
            except ValidationError as error:
                raise ValidationError(error.message_dict["valid_from"]) from error
        return valid_from


class SupersedeForm(forms.ModelForm):
    """The successor's start date and rules, prefilled with the rules it replaces."""

    class Meta:
        model = ServiceRuleSet
        fields = ["valid_from", *RULE_FIELDS, *COMPANION_FIELDS]
        widgets = {field: forms.CheckboxSelectMultiple for field in COMPANION_FIELDS}
        labels = {"valid_from": _("Uudet säännöt voimassa alkaen")}

    def clean_valid_from(self):
        valid_from = self.cleaned_data["valid_from"]
        _not_before_tomorrow(valid_from)
        return valid_from


@admin.register(ServiceRuleSet)
class ServiceRuleSetAdmin(admin.ModelAdmin):
    list_display = ["service_type", "scope", "valid_from", "valid_to", "status", "source"]
    list_filter = ["service_type", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["service_type", "organisation"]
    search_fields = ["service_type__name_fi", "service_type__code", "source"]
    date_hierarchy = "valid_from"
    form = ServiceRuleSetAddForm
    formfield_overrides = ADMIN_DATE_INPUT
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "service_type",
                    "organisation",
                    ("valid_from", "valid_to"),
                    "source",
                    "how_to_change",
                ]
            },
        ),
        *RULE_FIELDSETS,
        (_("Alkuperä"), {"fields": ["supersedes", "created_at", "created_by"]}),
    ]

    @admin.display(description=_("koskee"))
    def scope(self, obj):
        return obj.organisation or gettext("kaikkia organisaatioita")

    @admin.display(description=_("tila"))
    def status(self, obj):
        today = timezone.localdate()
        if obj.valid_from > today:
            return gettext("tulossa")
        if obj.valid_to is not None and obj.valid_to < today:
            return gettext("päättynyt")
        return gettext("voimassa")

    @admin.display(description=_("sääntöjen muuttaminen"))
    def how_to_change(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Sääntöjä voi muokata, kunnes ne tulevat voimaan.")
        if not obj.is_frozen:
            text = gettext("Sääntöjä voi muokata ja ne voi poistaa, kunnes ne tulevat voimaan.")
            if obj.supersedes_id is None:
                return text
            return f"{text} " + gettext(
                "Ne korvaavat aiemmat säännöt: jos alkamispäivä siirtyy, aiempien sääntöjen "
                "voimassaolo päättyy edellisenä päivänä, ja jos nämä säännöt poistetaan, "
                "aiemmat säännöt ovat voimassa niiden päättymispäivään asti."
            )
        text = gettext(
            "Nämä säännöt ovat olleet voimassa %(date)s alkaen, eikä niitä voi muokata: "
            "aiemmat päätökset pitävät sääntönsä."
        ) % {"date": f"{obj.valid_from:%-d.%-m.%Y}"}
        if obj.valid_to is not None and obj.valid_to < timezone.localdate():
            return text
        return format_html(
            '{} <a href="{}">{}</a>',
            text,
            reverse("admin:services_serviceruleset_supersede", args=[obj.pk]),
            gettext("Korvaa uusilla säännöillä tietystä päivästä alkaen"),
        )

    @admin.display(description=_("sääntöjen muuttaminen"))
    def how_others_change(self, obj):
        return gettext(
            "Nämä säännöt koskevat kaikkia organisaatioita, ja niitä ylläpitää Polun ylläpito "
            "lainsäädännön mukaan. Organisaatiosi voi lisätä omat säännöt samalle "
            "palvelutyypille: ne ovat sen yksiköissä voimassa näiden sijaan."
        )

    # A rule set in force has no change permission (below), so the admin shows it read-only.
    readonly_fields = [
        "how_to_change",
        "how_others_change",
        "supersedes",
        "created_at",
        "created_by",
    ]

    def get_fieldsets(self, request, obj=None):
        # Rules the administrator may not manage (the general ones, for an organisation's
        # administrator) do not offer a change or a replacement that would be refused.
        if obj is None or self._may_manage(request, obj):
            return self.fieldsets
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        "how_others_change" if field == "how_to_change" else field
                        for field in options["fields"]
                    ],
                },
            )
            for name, options in self.fieldsets
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            Q(organisation__isnull=True) | Q(organisation=admin_organisation_id(request))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Administrators set their own organisation's rules; general rules (law)
        # belong to the superuser and to data migrations.
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=admin_organisation_id(request))
            kwargs["required"] = True
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or not self._may_manage(request, obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_frozen or not self._may_manage(request, obj)):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if obj is not None and obj.supersedes_id is not None:
            # A successor's service and scope are those of the rules it replaces.
            readonly += ["service_type", "organisation"]
        if obj is not None and ServiceRuleSet.objects.filter(supersedes=obj).exists():
            # Its successor starts the day after it ends.
            readonly.append("valid_to")
        return readonly

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Rule sets are deleted one at a time (delete_model), each giving the rules it
        # replaced their end back.
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def _may_manage(self, request, obj) -> bool:
        return request.user.is_superuser or (
            obj.organisation_id is not None
            and obj.organisation_id == admin_organisation_id(request)
        )

    def save_model(self, request, obj, form, change):
        if change:
            change_coming_rule_set(rule_set=obj)
            return
        obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        delete_coming_rule_set(rule_set=obj)

    def delete_queryset(self, request, queryset):
        # The latest first: each deleted one gives the one it replaced its end back.
        with transaction.atomic():
            for rule_set in queryset.order_by("-valid_from"):
                delete_coming_rule_set(rule_set=rule_set)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new rule set starts tomorrow at the earliest: steps planned to start on or after
        # its first day now rest on it (the admin saves in one transaction).
        new_rules_take_effect(form.instance)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/supersede/",
                self.admin_site.admin_view(self.supersede_view),
                name="services_serviceruleset_supersede",
            ),
            *super().get_urls(),
        ]

    def supersede_view(self, request, object_id):
        """Ends the rule set the day before a later date and starts new rules from it."""
        current = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not (self.has_add_permission(request) and self._may_manage(request, current)):
            raise PermissionDenied
        successor = ServiceRuleSet(
            service_type=current.service_type,
            organisation=current.organisation,
            **{field: getattr(current, field) for field in RULE_FIELDS},
        )
        initial = {field: list(getattr(current, field).all()) for field in COMPANION_FIELDS}
        form = SupersedeForm(request.POST or None, instance=successor, initial=initial)
        if request.method == "POST" and form.is_valid():
            changes = {f: form.cleaned_data[f] for f in (*RULE_FIELDS, *COMPANION_FIELDS)}
            try:
                new = supersede_rule_set(
                    current=current,
                    valid_from=form.cleaned_data["valid_from"],
                    changes=changes,
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("Uudet säännöt ovat voimassa %(date)s alkaen.")
                    % {"date": f"{new.valid_from:%-d.%-m.%Y}"},
                )
                return redirect("admin:services_serviceruleset_change", new.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": current,
            "title": gettext("Korvaa säännöt: %(rule_set)s") % {"rule_set": current},
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/services/serviceruleset/supersede.html", context)


def _translated(language: str) -> list[str]:
    return [
        f"{field}_{language}"
        for field in (
            "name",
            "provider_name",
            "description",
            "eligibility",
            "client_groups",
            "how_to_refer",
        )
    ]


class CatalogueEntryForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("palvelukielet"),
        choices=ServiceLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CatalogueEntry
        fields = [
            "slug",
            "category",
            "provider",
            "kept_by",
            "service_type",
            "is_active",
            *_translated("fi"),
            *_translated("sv"),
            *_translated("en"),
            "min_age",
            "max_age",
            "languages",
            "contact_phone",
            "contact_email",
            "web_address",
        ]


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(admin.ModelAdmin):
    form = CatalogueEntryForm
    list_display = ["name_fi", "category", "provider_display", "service_type", "is_active"]
    ordering = ["category", Alphabetical("name_fi")]
    list_filter = ["category", "is_active", ("provider", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["provider", "service_type"]
    search_fields = [
        "name_fi",
        "name_sv",
        "name_en",
        "provider_name_fi",
        "provider_name_sv",
        "provider_name_en",
        "slug",
    ]
    prepopulated_fields = {"slug": ["name_fi"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "category",
                    "provider",
                    "kept_by",
                    "service_type",
                    "is_active",
                ]
            },
        ),
        (_("Suomeksi"), {"fields": _translated("fi")}),
        (_("Ruotsiksi"), {"fields": _translated("sv")}),
        (_("Englanniksi"), {"fields": _translated("en")}),
        (_("Kenelle"), {"fields": [("min_age", "max_age"), "languages"]}),
        (_("Yhteystiedot"), {"fields": ["contact_phone", "contact_email", "web_address"]}),
    ]

    @admin.display(description=_("palveluntuottaja"), ordering=in_name_order("provider__"))
    def provider_display(self, obj):
        return obj.provider_display

    # An administrator keeps their own organisation's entries: those it provides and those
    # whose provider is named in text that it keeps (CatalogueEntry.kept_by, set to the
    # organisation of the administrator who adds one). Every organisation reads the
    # catalogue, so another organisation's entries, and those the operator keeps, are shown
    # here read-only: else any organisation's administrator could rename, readdress or
    # remove an entry for all.
    def _may_keep(self, request, obj) -> bool:
        return (
            obj is None
            or request.user.is_superuser
            or (obj.keeper_id is not None and obj.keeper_id == admin_organisation_id(request))
        )

    @admin.display(description=_("ylläpitäjä"))
    def keeper_display(self, obj):
        keeper = obj.provider or obj.kept_by
        return keeper.name_in() if keeper else gettext("Polun ylläpito")

    def get_readonly_fields(self, request, obj=None):
        # The keeper is the organisation of whoever adds the entry; the operator names another.
        if request.user.is_superuser:
            return []
        return ["kept_by", "provider_display", "keeper_display"]

    def get_fieldsets(self, request, obj=None):
        # Another organisation's entry is read-only here, and its organisations are named,
        # not linked: their admin pages are not this administrator's to open.
        if self._may_keep(request, obj):
            return self.fieldsets
        named = {"provider": "provider_display", "kept_by": "keeper_display"}
        (name, options), *rest = self.fieldsets
        fields = [named.get(field, field) for field in options["fields"]]
        return [(name, {**options, "fields": fields}), *rest]

    def save_model(self, request, obj, form, change):
        # An entry with a Polku provider is the provider's; one named in text stays with the
        # organisation whose administrator added or last kept it.
        if obj.provider_id is not None:
            obj.kept_by = None
        elif not request.user.is_superuser:
            obj.kept_by_id = admin_organisation_id(request)
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None):
        return self._may_keep(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_keep(request, obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "provider" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk=admin_organisation_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
