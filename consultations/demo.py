"""Demo consultations (Helsinki seed, sections 3 and 4; DOMAIN.md "Demo stories").

- Helsinki's work-ability support network (työkyvyn tuen verkosto), convened by
  the social and health services' work-ability coordination, with partners'
  members: the work-ability coordinator, a health professional, an employment
  expert, a Kela liaison and a job coach.
- Helsinki employment services' multi-professional case consultation, convened
  and chaired by employment services; the work-ability coordinator takes part
  (and runs the sessions as a member).
- Kaarina Koivisto's complex case (health, income, housing) on the support
  network's next session, with the Kela liaison and the employment expert taking
  part and her social worker presenting it: her consent covers employment
  services and health care but not Kela, so the Kela liaison sees the case
  pseudonymously and the employment expert named.
- Tuisku Tietävä's case discussed last week in the employment services'
  consultation, presented by the social worker, with a recommendation that is
  now the social worker's task; Silmu Suunnistaja's request waits in the
  coordinator's queue.

Rows are written directly (no invitations are e-mailed). Safe to run again:
networks are found by their Finnish name (and named again in Swedish and English),
members by network and person, sessions are made only for a network that has none,
and a client who already has a request is left as they are.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from clients.models import Client
from consents.factories import acting
from consultations import actions
from consultations.factories import (
    add_presenter,
    local_time,
    make_request,
    make_session,
    put_on_agenda,
)
from consultations.models import AgendaItem, ConsultationRequest, Network, NetworkMember
from services.models import Organisation

# Finnish, Swedish and English names (the Swedish and English as the catalogue names them).
SUPPORT_NETWORK = (
    "Työkyvyn tuen verkosto",
    "Nätverket för stöd för arbetsförmågan",
    "Work-ability support network",
)
EMPLOYMENT_NETWORK = (
    "Työllisyyspalvelujen moniammatillinen case-konsultaatio",
    "Sysselsättningstjänsternas multiprofessionella fallkonsultation",
    "Employment services' multi-professional case consultation",
)
VIDEO = "https://video.polku.test/tyokyvyn-tuen-verkosto"


def _user(role: str) -> User | None:
    return User.objects.filter(email=demo_email(role)).first()


def _weekday(weekday: int, *, at_least: int) -> datetime.date:
    """The first given weekday (0 = Monday) at least `at_least` days from today."""
    day = timezone.localdate() + datetime.timedelta(days=at_least)
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _network(names, organisation, created_by, description, place) -> Network:
    """Found by its Finnish name; its Swedish and English names are set again (a network
    seeded before it had them gets them)."""
    name_fi, name_sv, name_en = names
    network, _created = Network.objects.update_or_create(
        name_fi=name_fi,
        defaults={"name_sv": name_sv, "name_en": name_en},
        create_defaults={
            "name_sv": name_sv,
            "name_en": name_en,
            "convening_organisation": organisation,
            "created_by": created_by,
            "description": description,
            "default_place": place,
        },
    )
    return network


def _members(network, members) -> None:
    """Each member nominated by their own organisation: the demo has one person per role,
    so the member put themself forward for it. That nomination is what makes a partner
    organisation take part in the network (an employment-services client's "the
    coordinator chooses" request reaches the support network's coordinator)."""
    for user, expertise in members:
        if (
            user is not None
            and not NetworkMember.objects.filter(network=network, user=user).exists()
        ):
            NetworkMember.objects.create(
                network=network,
                user=user,
                organisation=user.organisation,
                expertise=expertise,
                active_from=timezone.localdate() - datetime.timedelta(days=180),
                added_by=user,
                nominated_by_own_organisation=True,
            )


def _client(first: str, last: str) -> Client | None:
    return Client.objects.filter(first_names=first, last_name=last).order_by("pk").first()


@transaction.atomic
def seed() -> None:
    coordinator = _user("coordinator")
    sote = Organisation.objects.filter(slug="helsinki-sote").first()
    employment = Organisation.objects.filter(slug="helsinki-tyollisyyspalvelut").first()
    if coordinator is None or sote is None or employment is None:
        return
    expert, kela_liaison = _user("employment_expert"), _user("kela_liaison")
    nurse, job_coach = _user("health_professional"), _user("job_coach")
    support = _network(
        SUPPORT_NETWORK,
        sote,
        coordinator,
        "Terveys- ja hyvinvointikeskuksen moniammatillinen työkyvyn tuen verkosto: "
        "konsultoi, tukee ja vahvistaa työkyvyn tuen osaamista.",
        "Terveys- ja hyvinvointikeskus, neuvotteluhuone 3",
    )
    _members(
        support,
        [
            (coordinator, "Työkykykoordinaattori, Työkykyisempi Stadi"),
            (nurse, "Työkyky- ja terveysneuvonta"),
            (expert, "Helsingin työllisyyspalvelut"),
            (kela_liaison, "Kelan etuudet ja kuntoutus"),
            (job_coach, "Tuetun työllistymisen työhönvalmennus"),
        ],
    )
    consultation = _network(
        EMPLOYMENT_NETWORK,
        employment,
        expert or coordinator,
        "Työhön kuntouttavien palveluiden henkilöstön moniammatillinen case-konsultaatio. "
        "Kutsumis- ja vetovastuu on Työllisyyspalveluilla.",
        "Työllisyyspalvelut, neuvotteluhuone Kallio",
    )
    _members(
        consultation,
        [
            (expert, "Työhön kuntouttavat palvelut"),
            (coordinator, "Työkykykoordinaattori, Työkykyisempi Stadi"),
            (kela_liaison, "Kelan etuudet ja kuntoutus"),
            (nurse, "Työkyky- ja terveysneuvonta"),
        ],
    )
    partners = [user for user in (expert, kela_liaison, nurse, job_coach) if user]
    if not support.sessions.exists():
        session = make_session(
            support,
            coordinator,
            participants=partners,
            starts_at=local_time(_weekday(1, at_least=2), 13),
            minutes=120,
            video_link=VIDEO,
        )
        kaarina = _client("Kaarina", "Koivisto")
        if kaarina is not None and not ConsultationRequest.objects.filter(client=kaarina).exists():
            request = _kaarinas_request(kaarina, support)
            put_on_agenda(request, session, minutes=40)
            _presents(request, session)
    if not consultation.sessions.exists() and expert is not None:
        make_session(
            consultation,
            coordinator,
            participants=partners,
            chair=expert,
            starts_at=local_time(_weekday(3, at_least=2), 9),
            minutes=120,
        )
        _discussed_last_week(consultation, coordinator, expert, partners)
    silmu = _client("Silmu", "Suunnistaja")
    if silmu is not None and not ConsultationRequest.objects.filter(client=silmu).exists():
        make_request(
            silmu,
            question="Opiskelu vai työ? Miten nuoren aikuisen kannattaa edetä kuntouttavan "
            "työtoiminnan jälkeen, ja kannattaako hygieniapassi hankkia nyt?",
            background="Silmu on kuntouttavassa työtoiminnassa työvalmennuksen kanssa ja "
            "kokeilee pian Jobcenterin palkkatyötä.",
            tried_so_far="Työvalmennus, osaamisen tunnistaminen työtoimintayksikössä.",
            pseudonymous_summary="Nuori aikuinen kuntouttavassa työtoiminnassa, pohtii "
            "opiskelun ja työn välillä.",
            preferred_network=consultation,
        )


def _presents(request, session) -> None:
    """The worker who asked takes part in the session for their case, as placing it on
    the agenda would invite them (consultations.actions.presenters)."""
    if not session.participants.filter(user=request.asked_by).exists():
        add_presenter(session, request.asked_by)


def _kaarinas_request(kaarina, network) -> ConsultationRequest:
    return make_request(
        kaarina,
        question="Miten työkyky saadaan selvitettyä, kun terveys, toimeentulo ja asuminen "
        "kuormittavat yhtä aikaa? Mitkä palvelut kannattaa sovittaa yhteen ja missä "
        "järjestyksessä?",
        background="Kaarina on ollut työttömänä neljä vuotta. Selkäkivut ja mielialan "
        "lasku rajoittavat. Toimeentulo on tiukalla ja vuokra-asunto on vaihtumassa.",
        tried_so_far="Kuntouttava työtoiminta kaksi päivää viikossa (keskeytyi kipujen "
        "vuoksi), terveysaseman lääkärikäynnit, toimeentulotuki.",
        pseudonymous_summary="Yli viisikymppinen asiakas, pitkä työttömyys. Terveys, "
        "toimeentulo ja asuminen kuormittavat samaan aikaan; työkyky on selvittämättä.",
        includes_health_data=True,
        urgency="soon",
        preferred_network=network,
        network=network,
    )


def _discussed_last_week(network, coordinator, expert, partners) -> None:
    """Tuisku's case discussed a week ago; the recommendation is now the worker's task."""
    tuisku = _client("Tuisku", "Tietävä")
    if tuisku is None or ConsultationRequest.objects.filter(client=tuisku).exists():
        return
    held = make_session(
        network,
        coordinator,
        participants=partners,
        chair=expert,
        starts_at=local_time(_weekday(3, at_least=-10), 9),
        minutes=120,
    )
    request = make_request(
        tuisku,
        question="Mitä tukea työnhakuun ja työpaikalle on tarjolla asiakkaalle, joka tietää "
        "mitä haluaa ja tarvitsee tukea työllistymiseen?",
        background="Tuisku haluaa varastotyöhön ja tarvitsee tukea työnhakuun ja työpaikalle.",
        tried_so_far="Omatoiminen työnhaku, työvoimakoulutus trukkikortista.",
        pseudonymous_summary="Kolmissakymmenissä oleva asiakas, selkeä työtoive varastoalalle.",
        preferred_network=network,
        # Asked before the session that discussed it (the reports' median waiting time).
        created_at=held.starts_at - datetime.timedelta(days=9),
    )
    item = put_on_agenda(request, held, minutes=30)
    _presents(request, held)
    item.session = held
    coordinator = acting(coordinator)
    actions.record_minutes(
        item=item,
        recorded_by=coordinator,
        minutes="Käytiin läpi työtoive ja tuen tarve. Tuettu työllistyminen (IPS) sopii.",
    )
    # Written at the session, not when the demo was loaded (the case page shows when).
    AgendaItem.objects.filter(pk=item.pk).update(minutes_recorded_at=item.ends_at)
    actions.add_recommendation(
        item=item,
        recommended_by=coordinator,
        text="Ohjataan tuetun työllistymisen työhönvalmennukseen (IPS); ensimmäinen "
        "työnantajakontakti kuukauden sisällä.",
        due_date=timezone.localdate() + datetime.timedelta(days=14),
    )
