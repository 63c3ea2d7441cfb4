"""Reference data: the service types of DOMAIN.md and their rule sets in force from 2024-01-01.

Loaded by the data migration 0004 (production needs it too) and again by
`services.demo.seed()`, so it is idempotent: existing service types and rule
sets are left as they are (an administrator may have renamed a type or
superseded a rule set). Later changes to the rules are new rule sets from a
date (`actions.supersede_rule_set` or a new data migration), never edits here
that would rewrite the past.

The functions take an `apps` registry so the migration runs them on its
historical models.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

REFERENCE_START = date(2024, 1, 1)

# The sources of the rules, stored in Finnish as written in the law or the practice.
# They are marked for translation (gettext_noop) so that a Swedish or English reader
# sees the statute's name in their language: ServiceRuleSet.translated_source and
# ServiceType.translated_legal_basis look them up. A source an administrator writes
# is shown as written.
REHABILITATIVE_WORK_ACTIVITY_ACT = gettext_noop("Laki kuntouttavasta työtoiminnasta 189/2001")
SOCIAL_WELFARE_ACT = gettext_noop("Sosiaalihuoltolaki 1301/2014")
SOCIAL_REHABILITATION_SECTION = gettext_noop("Sosiaalihuoltolaki 1301/2014, 17 §")
WORK_ACTIVITY_SECTION = gettext_noop("Sosiaalihuoltolaki 1301/2014, 27 e §")
YOUTH_ACT = gettext_noop("Nuorisolaki 1285/2016")
OHJAAMO_SECTION = gettext_noop("Nuorisolaki 1285/2016, 9 §")
EMPLOYMENT_SERVICES_ACT = gettext_noop("Laki työvoimapalveluiden järjestämisestä 380/2023")
KELA_REHABILITATION_ACT = gettext_noop(
    "Laki Kansaneläkelaitoksen kuntoutusetuuksista ja kuntoutusrahaetuuksista 566/2005"
)
MEDICAL_REHABILITATION_SECTION = gettext_noop("Terveydenhuoltolaki 1326/2010, 29 §")
JOBCENTER_MODEL = gettext_noop("Helsingin Jobcenter-malli (Työkykyisempi Stadi)")
IPS_QUALITY_CRITERIA = gettext_noop("Tuetun työllistymisen laatukriteerit (IPS)")
WORK_ABILITY_ASSESSMENT_MODEL = gettext_noop("Helsingin työkykyselvitys (Työkykyisempi Stadi)")
ESSOTE_PRACTICE = gettext_noop("Essoten käytäntö")
NO_RULES = gettext_noop("Ei Polussa valvottavia sääntöjä")

# code: (names fi/sv/en, legal basis, needs attendance)
SERVICE_TYPES = {
    "rehabilitative_work_activity": (
        (
            "Kuntouttava työtoiminta",
            "Arbetsverksamhet i rehabiliteringssyfte",
            "Rehabilitative work activity",
        ),
        REHABILITATIVE_WORK_ACTIVITY_ACT,
        True,
    ),
    "work_coaching": (
        ("Työvalmennus", "Arbetsträning", "Work coaching"),
        REHABILITATIVE_WORK_ACTIVITY_ACT,
        False,
    ),
    "jobcenter_paid_work": (
        (
            "Työtoiminnan täsmätyö (Jobcenter-malli)",
            "Lönearbete inom arbetsverksamheten (Jobcenter-modellen)",
            "Jobcenter paid-work period",
        ),
        JOBCENTER_MODEL,
        False,
    ),
    "supported_employment": (
        (
            "Tuetun työllistymisen työhönvalmennus (IPS)",
            "Arbetsträning för stödd sysselsättning (IPS)",
            "Supported employment (IPS)",
        ),
        IPS_QUALITY_CRITERIA,
        False,
    ),
    "social_rehabilitation": (
        ("Sosiaalinen kuntoutus", "Social rehabilitering", "Social rehabilitation"),
        SOCIAL_REHABILITATION_SECTION,
        False,
    ),
    "youth_workshop": (
        ("Nuorten työpaja", "Verkstad för unga", "Youth workshop"),
        YOUTH_ACT,
        True,
    ),
    "open_work": (
        ("Avotyö", "Öppet arbete", "Open work (avotyö)"),
        WORK_ACTIVITY_SECTION,
        True,
    ),
    "disability_work_activity": (
        (
            "Vammaisten työtoiminta",
            "Arbetsverksamhet för personer med funktionsnedsättning",
            "Work activity for disabled people",
        ),
        WORK_ACTIVITY_SECTION,
        True,
    ),
    "work_ability_assessment": (
        ("Työkykyselvitys", "Arbetsförmågeutredning", "Work-ability assessment"),
        SOCIAL_WELFARE_ACT,
        False,
    ),
    "work_trial": (
        ("Työkokeilu", "Arbetsprövning", "Work trial"),
        EMPLOYMENT_SERVICES_ACT,
        False,
    ),
    "wage_subsidy": (
        ("Palkkatuettu työ", "Lönesubventionerat arbete", "Wage-subsidised work"),
        EMPLOYMENT_SERVICES_ACT,
        False,
    ),
    "education": (
        ("Koulutus ja opinnot", "Utbildning och studier", "Education and studies"),
        "",
        False,
    ),
    "volunteering": (
        ("Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
        "",
        False,
    ),
    "kela_vocational_rehabilitation": (
        (
            "Kelan ammatillinen kuntoutus",
            "FPA:s yrkesinriktade rehabilitering",
            "Kela vocational rehabilitation",
        ),
        KELA_REHABILITATION_ACT,
        False,
    ),
    "medical_rehabilitation": (
        ("Lääkinnällinen kuntoutus", "Medicinsk rehabilitering", "Medical rehabilitation"),
        MEDICAL_REHABILITATION_SECTION,
        False,
    ),
    "ohjaamo_guidance": (
        ("Ohjaamo-ohjaus", "Navigatorn-vägledning", "Ohjaamo guidance"),
        OHJAAMO_SECTION,
        False,
    ),
}

# code: the names printed for the client (fi/sv/en), in plain language without abbreviations
# (the pathway summary is written for the client): what the service does for the client where
# the official name is an administrative term. Filled by the data migration 0009 and
# `load_service_types` into types whose client name is empty; an administrator's own wording
# is kept.
CLIENT_NAMES = {
    "rehabilitative_work_activity": (
        "Kuntouttava työtoiminta",
        "Arbetsverksamhet i rehabiliteringssyfte",
        "Rehabilitative work activity",
    ),
    "work_coaching": ("Työvalmennus", "Arbetsträning", "Work coaching"),
    "jobcenter_paid_work": ("Palkallinen työjakso", "Arbetsperiod med lön", "Paid work period"),
    "supported_employment": (
        "Tuki työn löytämiseen ja työssä",
        "Stöd för att hitta ett jobb och på jobbet",
        "Support to find a job and at work",
    ),
    "social_rehabilitation": (
        "Sosiaalinen kuntoutus",
        "Social rehabilitering",
        "Social rehabilitation",
    ),
    "youth_workshop": ("Nuorten työpaja", "Verkstad för unga", "Youth workshop"),
    "open_work": ("Avotyö", "Öppet arbete", "Work at an ordinary workplace"),
    "disability_work_activity": ("Työtoiminta", "Arbetsverksamhet", "Work activity"),
    "work_ability_assessment": (
        "Työkyvyn selvittäminen",
        "Utredning av arbetsförmågan",
        "Finding out how well you can work",
    ),
    "work_trial": ("Työkokeilu", "Arbetsprövning", "Work trial"),
    "wage_subsidy": ("Palkkatuettu työ", "Arbete med lönestöd", "Work with a wage subsidy"),
    "education": ("Koulutus ja opinnot", "Utbildning och studier", "Education and studies"),
    "volunteering": ("Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
    "kela_vocational_rehabilitation": (
        "Kelan kuntoutus työhön tai opiskeluun",
        "FPA:s rehabilitering för arbete eller studier",
        "Kela rehabilitation for work or studies",
    ),
    "medical_rehabilitation": (
        "Kuntoutus terveydenhuollossa",
        "Rehabilitering inom hälso- och sjukvården",
        "Rehabilitation in health care",
    ),
    "ohjaamo_guidance": ("Ohjaus Ohjaamossa", "Vägledning på Navigatorn", "Guidance at Ohjaamo"),
}

# code: rules of the general rule set from REFERENCE_START. Companion lists name
# service type codes. Types without rules still get a rule set naming their
# source, so a pathway step of any type finds the rule set in force.
RULE_SETS = {
    "rehabilitative_work_activity": {
        "min_duration_months": 3,
        "max_duration_months": 24,
        "min_days_per_week": 1,
        "max_days_per_week": 4,
        "min_hours_per_day": Decimal("4.00"),
        "required_plan_type": "activation_plan",
        "warning_month": 21,
        "requires": ["work_coaching"],
        "may_run_alongside": ["work_coaching", "jobcenter_paid_work"],
        "source": REHABILITATIVE_WORK_ACTIVITY_ACT,
    },
    # DOMAIN.md: "coaching inside work activity, 3–24 months with it"; until migration 0008
    # the general rule set had no limits.
    "work_coaching": {
        "min_duration_months": 3,
        "max_duration_months": 24,
        "requires_one_of": ["rehabilitative_work_activity", "disability_work_activity"],
        "may_run_alongside": [
            "rehabilitative_work_activity",
            "disability_work_activity",
            "jobcenter_paid_work",
        ],
        "source": REHABILITATIVE_WORK_ACTIVITY_ACT,
    },
    "jobcenter_paid_work": {
        "requires": ["work_coaching"],
        "requires_one_of": ["rehabilitative_work_activity", "disability_work_activity"],
        "may_run_alongside": [
            "work_coaching",
            "rehabilitative_work_activity",
            "disability_work_activity",
        ],
        "source": JOBCENTER_MODEL,
    },
    "supported_employment": {
        "employer_contact_alert_days": 30,
        "coach_caseload_warning": 20,
        "employment_target_min_percent": 50,
        "employment_target_max_percent": 70,
        "source": IPS_QUALITY_CRITERIA,
    },
    "social_rehabilitation": {
        "review_interval_months": 3,
        "required_plan_type": "client_plan",
        "may_run_alongside": ["volunteering"],
        "source": SOCIAL_REHABILITATION_SECTION,
    },
    # Essote's practice for these two is Essote's own (ESSOTE_RULE_SETS below).
    "youth_workshop": {"min_age": 17, "max_age": 29, "source": YOUTH_ACT},
    "open_work": {"compensation_is_not_wage": True, "source": WORK_ACTIVITY_SECTION},
    "disability_work_activity": {
        "may_run_alongside": ["work_coaching", "jobcenter_paid_work"],
        "source": WORK_ACTIVITY_SECTION,
    },
    # The work-ability support plan is the outcome of the assessment (DOMAIN.md), so
    # the assessment cannot require it; until migration 0007 it did.
    "work_ability_assessment": {"source": WORK_ABILITY_ASSESSMENT_MODEL},
    "education": {"source": NO_RULES},
    "volunteering": {"source": NO_RULES, "may_run_alongside": ["social_rehabilitation"]},
}

COMPANION_FIELDS = ("requires", "requires_one_of", "may_run_alongside")

# Essote practice (DOMAIN.md: "the 12 €/day avotyö cap and the 3–8 month workshop
# periods are Essote practice"): rule sets of the Essote organisation from
# REFERENCE_START, which win over the general ones for Essote's clients.
ESSOTE = {
    "slug": "essote",
    "kind": "social_services",
    "name_fi": "Etelä-Savon hyvinvointialue (Essote)",
    "name_sv": "Välfärdsområdet i Södra Savolax",
    "name_en": "South Savo wellbeing services county",
}
ESSOTE_RULE_SETS = {
    "youth_workshop": {
        "min_age": 17,
        "max_age": 29,
        "min_duration_months": 3,
        "max_duration_months": 8,
        "source": ESSOTE_PRACTICE,
    },
    "open_work": {
        "compensation_cap_per_day": Decimal("12.00"),
        "compensation_is_not_wage": True,
        "source": ESSOTE_PRACTICE,
    },
}
# A database loaded before migration 0006 has general rule sets of 2024 that carried
# Essote's numbers for everyone; they are not edited (past decisions keep their
# rules) but superseded by the general rules from the day after loading.
GENERAL_WITHOUT_ESSOTE_PRACTICE = {code: RULE_SETS[code] for code in ESSOTE_RULE_SETS}


def load_service_types(apps, schema_editor=None) -> None:
    """Creates the missing service types and general rule sets of DOMAIN.md."""
    ServiceType = apps.get_model("services", "ServiceType")
    ServiceRuleSet = apps.get_model("services", "ServiceRuleSet")
    # One transaction: the links of a rule set in force can only be written with it.
    with transaction.atomic():
        types = {}
        for code, ((fi, sv, en), legal_basis, needs_attendance) in SERVICE_TYPES.items():
            types[code], _ = ServiceType.objects.get_or_create(
                code=code,
                defaults={
                    "name_fi": fi,
                    "name_sv": sv,
                    "name_en": en,
                    "legal_basis": legal_basis,
                    "needs_attendance": needs_attendance,
                },
            )
        for code, service_type in types.items():
            if ServiceRuleSet.objects.filter(
                service_type=service_type, organisation__isnull=True, valid_from=REFERENCE_START
            ).exists():
                continue
            rules = dict(RULE_SETS.get(code, {"source": SERVICE_TYPES[code][1]}))
            companions = {field: rules.pop(field, []) for field in COMPANION_FIELDS}
            rule_set = ServiceRuleSet.objects.create(
                service_type=service_type, organisation=None, valid_from=REFERENCE_START, **rules
            )
            for field, codes in companions.items():
                getattr(rule_set, field).set([types[c] for c in codes])
    load_county_practice(apps)
    fill_client_names(apps)


def fill_client_names(apps, schema_editor=None) -> None:
    """Gives the reference service types their plain-language client names (CLIENT_NAMES)
    where a type has none in that language (data migration 0009); idempotent, and a name an
    administrator wrote is kept. Before migration 0008 added the fields (when migration 0004
    loads the types), there is nothing to fill."""
    ServiceType = apps.get_model("services", "ServiceType")
    if "client_name_fi" not in {field.name for field in ServiceType._meta.get_fields()}:
        return
    for code, names in CLIENT_NAMES.items():
        for language, name in zip(("fi", "sv", "en"), names, strict=True):
            ServiceType.objects.filter(code=code, **{f"client_name_{language}": ""}).update(
                **{f"client_name_{language}": name}
            )


def load_county_practice(apps, schema_editor=None) -> None:
    """Scopes Essote's practice to the Essote organisation (data migration 0006).

    Idempotent: creates the Essote organisation and its rule sets when missing.
    In a database loaded before 0006, a general rule set in force that still
    carries Essote's practice (its source says so) is superseded from tomorrow
    with the general rules; it is ended today, as a rule set in force may only
    be. A fresh database never has one. A rule set an administrator has already
    superseded is left alone.
    """
    Organisation = apps.get_model("services", "Organisation")
    ServiceType = apps.get_model("services", "ServiceType")
    ServiceRuleSet = apps.get_model("services", "ServiceRuleSet")
    today = timezone.localdate()
    with transaction.atomic():
        essote, _ = Organisation.objects.get_or_create(
            slug=ESSOTE["slug"], defaults={k: v for k, v in ESSOTE.items() if k != "slug"}
        )
        for code, rules in ESSOTE_RULE_SETS.items():
            service_type = ServiceType.objects.filter(code=code).first()
            if service_type is None:
                continue
            if not ServiceRuleSet.objects.filter(
                service_type=service_type, organisation=essote
            ).exists():
                ServiceRuleSet.objects.create(
                    service_type=service_type,
                    organisation=essote,
                    valid_from=REFERENCE_START,
                    **rules,
                )
            general = ServiceRuleSet.objects.filter(
                service_type=service_type,
                organisation__isnull=True,
                valid_from__lte=today,
                valid_to__isnull=True,
                source=ESSOTE_PRACTICE,
                superseded_by__isnull=True,
            ).first()
            if general is None:
                continue
            _supersede_from_tomorrow(ServiceRuleSet, general, GENERAL_WITHOUT_ESSOTE_PRACTICE[code])


# A database loaded before migration 0007 has a general work-ability assessment
# rule set of 2024 that required the plan the assessment produces.
WORK_ABILITY_ASSESSMENT = "work_ability_assessment"
WORK_ABILITY_SUPPORT_PLAN = "work_ability_support_plan"
# Fields of a rule set the supersede decides; every other field is a rule, copied.
SUPERSEDE_DECIDES = {
    "id",
    "service_type",
    "organisation",
    "valid_from",
    "valid_to",
    "supersedes",
    "created_at",
    "created_by",
}


def drop_work_ability_assessment_plan_requirement(apps, schema_editor=None) -> None:
    """The work-ability assessment needs no work-ability support plan (data migration 0007).

    The plan is the assessment's outcome. In a database loaded before 0007, the
    general rule set from REFERENCE_START in force that still requires the plan
    is ended today and superseded from tomorrow by an otherwise identical rule
    set without the requirement (companion links copied); steps planned today
    and before keep their rules. A fresh database never has one, and a rule set
    an administrator has already superseded or ended is left alone, so running
    this again changes nothing.
    """
    ServiceRuleSet = apps.get_model("services", "ServiceRuleSet")
    with transaction.atomic():
        general = ServiceRuleSet.objects.filter(
            service_type__code=WORK_ABILITY_ASSESSMENT,
            organisation__isnull=True,
            valid_from=REFERENCE_START,
            valid_to__isnull=True,
            required_plan_type=WORK_ABILITY_SUPPORT_PLAN,
            superseded_by__isnull=True,
        ).first()
        if general is None:
            return
        rules = {
            field.attname: getattr(general, field.attname)
            for field in ServiceRuleSet._meta.concrete_fields
            if field.name not in SUPERSEDE_DECIDES
        }
        _supersede_from_tomorrow(ServiceRuleSet, general, {**rules, "required_plan_type": ""})


WORK_COACHING = "work_coaching"
WORK_COACHING_PERIOD = {
    field: RULE_SETS[WORK_COACHING][field]
    for field in ("min_duration_months", "max_duration_months")
}


def limit_work_coaching_period(apps, schema_editor=None) -> None:
    """Work coaching lasts 3–24 months (DOMAIN.md; data migration 0008).

    In a database loaded before 0008, the general work coaching rule set in force
    without a length limit (the one of REFERENCE_START, or an administrator's successor)
    is ended today and superseded from tomorrow by an otherwise identical rule set with
    the limits (companion links copied): steps planned today and before keep their
    rules. A fresh database has the limits from REFERENCE_START (RULE_SETS) and never
    such a rule set, and a rule set already superseded, ended or limited is left alone,
    so running this again changes nothing. An organisation's own rule sets are its own.
    """
    ServiceRuleSet = apps.get_model("services", "ServiceRuleSet")
    with transaction.atomic():
        general = ServiceRuleSet.objects.filter(
            service_type__code=WORK_COACHING,
            organisation__isnull=True,
            valid_from__lte=timezone.localdate(),
            valid_to__isnull=True,
            max_duration_months__isnull=True,
            superseded_by__isnull=True,
        ).first()
        if general is None:
            return
        rules = {
            field.attname: getattr(general, field.attname)
            for field in ServiceRuleSet._meta.concrete_fields
            if field.name not in SUPERSEDE_DECIDES
        }
        _supersede_from_tomorrow(ServiceRuleSet, general, {**rules, **WORK_COACHING_PERIOD})


def _supersede_from_tomorrow(ServiceRuleSet, general, rules: dict) -> None:
    """Ends the general rule set `general` today, as a rule set in force may only be, and
    puts `rules` in force from tomorrow in its place, with its companion links."""
    today = timezone.localdate()
    general.valid_to = today
    general.save(update_fields=["valid_to"])
    successor = ServiceRuleSet.objects.create(
        service_type_id=general.service_type_id,
        organisation=None,
        valid_from=today + timedelta(days=1),
        supersedes=general,
        **rules,
    )
    for field in COMPANION_FIELDS:
        getattr(successor, field).set(getattr(general, field).all())


def unload_service_types(apps, schema_editor) -> None:
    """Reverses load_service_types: removes its rule sets and the types nothing else uses.

    Rule sets in force are protected by a trigger; reversing the migration is
    the one place allowed to set it aside, for these rows only.
    """
    ServiceType = apps.get_model("services", "ServiceType")
    ServiceRuleSet = apps.get_model("services", "ServiceRuleSet")
    rule_sets = ServiceRuleSet.objects.filter(
        service_type__code__in=SERVICE_TYPES,
        organisation__isnull=True,
        valid_from=REFERENCE_START,
        created_by__isnull=True,
        superseded_by__isnull=True,
    )
    tables = [ServiceRuleSet._meta.db_table] + [
        ServiceRuleSet._meta.get_field(field).remote_field.through._meta.db_table
        for field in COMPANION_FIELDS
    ]
    for table in tables:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} DISABLE TRIGGER USER")
    for rule_set in rule_sets:
        for field in COMPANION_FIELDS:
            getattr(rule_set, field).clear()
        rule_set.delete()
    # Re-enabling needs the deferred foreign-key checks of the deletes done first.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in tables:
        schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} ENABLE TRIGGER USER")
    ServiceType.objects.filter(
        code__in=SERVICE_TYPES,
        rule_sets__isnull=True,
        catalogue_entries__isnull=True,
    ).delete()
