"""Demo organisations and units: those named in the Helsinki and Essote seed documents."""

from services.models import Organisation, OrganisationKind, Unit, UnitKind

K = OrganisationKind
U = UnitKind

# slug, kind, (fi, sv, en), units: [(slug, kind, (fi, sv, en))]
ORGANISATIONS = [
    (
        "helsinki-sote",
        K.SOCIAL_SERVICES,
        (
            "Helsingin kaupunki, sosiaali-, terveys- ja pelastustoimiala",
            "Helsingfors stad, social-, hälsovårds- och räddningssektorn",
            "City of Helsinki, Social Services, Health Care and Rescue Services",
        ),
        [
            (
                "hki-aikuissosiaalityo",
                U.SOCIAL_WORK,
                (
                    "Aikuissosiaalityö, työikäisten palvelut",
                    "Socialt arbete för vuxna",
                    "Adult social work",
                ),
            ),
            (
                "hki-tyotoiminta-itakeskus",
                U.WORK_ACTIVITY,
                (
                    "Työtoimintayksikkö Itäkeskus",
                    "Arbetsverksamhetsenheten Östra centrum",
                    "Itäkeskus work-activity unit",
                ),
            ),
            (
                "hki-vammaisten-tyotoiminta",
                U.WORK_ACTIVITY,
                (
                    "Vammaisten työ- ja päivätoiminta",
                    "Arbets- och dagverksamhet för personer med funktionsnedsättning",
                    "Work and day activities for disabled people",
                ),
            ),
            (
                "hki-tyokykyselvitys",
                U.WORK_ABILITY,
                ("Työkykyselvitys", "Arbetsförmågeutredning", "Work-ability assessment"),
            ),
            (
                "hki-tyokykykoordinaatio",
                U.WORK_ABILITY,
                (
                    "Työkykykoordinaatio, Työkykyisempi Stadi",
                    "Arbetsförmågekoordinering",
                    "Work-ability coordination",
                ),
            ),
            (
                "hki-tuettu-tyollistyminen",
                U.SUPPORTED_EMPLOYMENT,
                (
                    "Tuetun työllistymisen työhönvalmennus",
                    "Arbetsträning för stödd sysselsättning",
                    "Supported employment (IPS)",
                ),
            ),
            (
                "hki-terveys-ja-hyvinvointikeskus",
                U.HEALTH,
                (
                    "Terveys- ja hyvinvointikeskus",
                    "Hälso- och välfärdscentralen",
                    "Health and wellbeing centre",
                ),
            ),
        ],
    ),
    (
        "helsinki-tyollisyyspalvelut",
        K.EMPLOYMENT_SERVICES,
        (
            "Helsingin työllisyyspalvelut",
            "Helsingfors sysselsättningstjänster",
            "Helsinki Employment Services",
        ),
        [
            (
                "hki-tyollisyys-asiakaspalvelu",
                U.EMPLOYMENT,
                (
                    "Työllisyyspalvelut, asiakaspalvelu",
                    "Sysselsättningstjänster, kundtjänst",
                    "Employment services, customer service",
                ),
            ),
            (
                "hki-kaupungin-tyopaikat",
                U.EMPLOYMENT,
                (
                    "Kaupungin palkkatyöpaikat (Jobcenter)",
                    "Stadens lönearbetsplatser (Jobcenter)",
                    "City paid-work placements (Jobcenter)",
                ),
            ),
        ],
    ),
    (
        "kela",
        K.KELA,
        ("Kela", "FPA", "Kela (Social Insurance Institution of Finland)"),
        [
            (
                "kela-tyokyky",
                U.BENEFITS,
                (
                    "Kela, työkyvyn tuki",
                    "FPA, stöd för arbetsförmåga",
                    "Kela, work-ability support",
                ),
            )
        ],
    ),
    (
        "essote",
        K.SOCIAL_SERVICES,
        (
            "Etelä-Savon hyvinvointialue (Essote)",
            "Välfärdsområdet i Södra Savolax",
            "South Savo wellbeing services county",
        ),
        [
            (
                "essote-tyoikaisten-sosiaalipalvelut",
                U.SOCIAL_WORK,
                (
                    "Työikäisten sosiaalipalvelut",
                    "Socialtjänster för personer i arbetsför ålder",
                    "Social services for working-age people",
                ),
            ),
            (
                "essote-nuorten-tyopajat",
                U.YOUTH_WORKSHOP,
                ("Nuorten työpajat", "Verkstäder för unga", "Youth workshops"),
            ),
            ("essote-puupaja", U.YOUTH_WORKSHOP, ("Puupaja", "Träverkstad", "Wood workshop")),
            (
                "essote-kadentaito-sisustus",
                U.YOUTH_WORKSHOP,
                ("Kädentaito ja sisustus", "Hantverk och inredning", "Crafts and interior"),
            ),
            (
                "essote-digitaalinen-media",
                U.YOUTH_WORKSHOP,
                (
                    "Digitaalisen median paja",
                    "Verkstad för digitala medier",
                    "Digital media workshop",
                ),
            ),
            (
                "essote-ymparisto-palvelu",
                U.YOUTH_WORKSHOP,
                (
                    "Ympäristö- ja palvelupaja",
                    "Miljö- och serviceverkstad",
                    "Environment and service workshop",
                ),
            ),
            (
                "essote-starttipaja",
                U.YOUTH_WORKSHOP,
                ("Starttipaja", "Startverkstad", "Start workshop"),
            ),
            (
                "essote-ohjaamo-olkkari",
                U.GUIDANCE,
                ("Ohjaamo Olkkari", "Navigatorn Olkkari", "Ohjaamo Olkkari"),
            ),
            (
                "essote-osaamiskeskus-kipina",
                U.WORK_ACTIVITY,
                ("Osaamiskeskus Kipinä", "Kompetenscentret Kipinä", "Kipinä competence centre"),
            ),
        ],
    ),
    (
        "etela-savo-tyollisyys",
        K.EMPLOYMENT_SERVICES,
        (
            "Etelä-Savon työllisyysalue",
            "Sysselsättningsområdet i Södra Savolax",
            "South Savo employment area",
        ),
        [
            (
                "es-tyollisyys-mikkeli",
                U.EMPLOYMENT,
                (
                    "Työllisyyspalvelut, Mikkeli",
                    "Sysselsättningstjänster, S:t Michel",
                    "Employment services, Mikkeli",
                ),
            )
        ],
    ),
]

NESTED_UNDER = {
    "essote-puupaja": "essote-nuorten-tyopajat",
    "essote-kadentaito-sisustus": "essote-nuorten-tyopajat",
    "essote-digitaalinen-media": "essote-nuorten-tyopajat",
    "essote-ymparisto-palvelu": "essote-nuorten-tyopajat",
    "essote-starttipaja": "essote-nuorten-tyopajat",
}


def seed_organisations() -> None:
    for slug, kind, (fi, sv, en), units in ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"kind": kind, "name_fi": fi, "name_sv": sv, "name_en": en}
        )
        for unit_slug, unit_kind, (ufi, usv, uen) in units:
            Unit.objects.update_or_create(
                slug=unit_slug,
                defaults={
                    "organisation": organisation,
                    "kind": unit_kind,
                    "name_fi": ufi,
                    "name_sv": usv,
                    "name_en": uen,
                },
            )
    for child, parent in NESTED_UNDER.items():
        Unit.objects.filter(slug=child).update(parent=Unit.objects.get(slug=parent))
