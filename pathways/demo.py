"""Demo pathways: the seed documents' stories and steps of every service type over the caseload.

Called by `manage.py seed_demo` after the clients' demo data. Steps are planned
and ended through `pathways.actions`, so the demo obeys the rules in force on
each start date (`plan_step` plans work coaching together with rehabilitative
work activity, as each requires the other). Dates are relative to today, so the warnings a worker should see (month 21 of
24, a paid period ending next week, no employer contact in 35 days) show on
the day the demo is loaded.

Safe to run again: a step is planned only when the client has no step of that
service yet, and a step's attendance, contacts, contracts, placements and
certificates are recorded only when the step is new.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from accounts.demo import demo_email
from accounts.models import User
from accounts.roles import Role
from clients.actions import create_plan
from clients.demo import register_on
from clients.models import Client, ClientPlan, TeamRole
from pathways import actions
from pathways.models import (
    AbsenceReason,
    ContactKind,
    PathwayStep,
    PlacementEndReason,
    PlacementKind,
)
from pathways.step_rules import (
    DISABILITY_WORK_ACTIVITY,
    JOBCENTER,
    OPEN_WORK,
    REHABILITATIVE_WORK_ACTIVITY,
    SOCIAL_REHABILITATION,
    SUPPORTED_EMPLOYMENT,
    WORK_COACHING,
    YOUTH_WORKSHOP,
    period_end_limit,
)
from services.calendar import add_months
from services.models import CatalogueEntry, ServiceType, Unit

DAY = datetime.timedelta(days=1)
COACHING_GOAL = "Valmennus työtoiminnan rinnalla kohti opintoja tai työtä."
STORY_CLIENTS = {
    ("Silmu", "Suunnistaja"),
    ("Tuisku", "Tietävä"),
    ("Ritva", "Rantanen"),
    ("Onni", "Orava"),
    ("Kaarina", "Koivisto"),
}


def seed() -> None:
    demo = _Demo(timezone.localdate())
    _silmu(demo)
    _tuisku(demo)
    _ritva(demo)
    _onni(demo)
    _kaarina(demo)
    _month_21_of_24(demo)
    _disability_work_activity_with_paid_period(demo)
    _rehabilitation_to_work_trial_to_wage_subsidy(demo)
    _supported_employment_caseload(demo)
    _youth_guidance_helsinki(demo)
    _kela_vocational_rehabilitation(demo)
    _youth_workshop_with_certificate(demo)
    _ohjaamo_to_start_workshop_to_studies(demo)
    _individual_social_rehabilitation(demo)
    _second_avotyo(demo)
    _registered_before_their_pathways()


def _registered_before_their_pathways() -> None:
    """A demo client whose first step starts before their registration day was registered
    two weeks before it."""
    firsts = PathwayStep.objects.values("client", "client__created_at").annotate(
        first_start=Min("start_on")
    )
    for row in firsts:
        if row["first_start"] < timezone.localtime(row["client__created_at"]).date():
            register_on(Client(pk=row["client"]), row["first_start"] - datetime.timedelta(days=14))


@dataclass
class _Demo:
    today: datetime.date
    used: set[int] = field(default_factory=set)
    _users: dict[str, User] = field(default_factory=dict)

    def user(self, key: str) -> User:
        """A demo user acting in their first role, as the middleware sets it for a request."""
        if key not in self._users:
            user = User.objects.get(
                email=f"{key}@demo.polku.test" if "." in key else demo_email(key)
            )
            user.active_assignment = user.role_assignments.order_by("pk").first()
            self._users[key] = user
        return self._users[key]

    def story_client(self, first_names: str, last_name: str) -> Client:
        # The first registered: clients' demo registers a story client again on a later day.
        client = (
            Client.objects.filter(first_names=first_names, last_name=last_name)
            .order_by("pk")
            .first()
        )
        self.used.add(client.pk)
        return client

    def caseload_client(
        self, worker_key: str, min_age: int, max_age: int, *, with_plan: str = ""
    ) -> Client:
        """The first client (in registration order) of the worker's caseload of that age
        and not yet in a story; registration order is fixed, so a re-run picks the same one."""
        candidates = (
            Client.objects.filter(
                memberships__user=self.user(worker_key),
                memberships__role=TeamRole.RESPONSIBLE_WORKER,
                memberships__ended_on__isnull=True,
                closed_on__isnull=True,
            )
            .exclude(pk__in=self.used)
            .order_by("pk")
        )
        for client in candidates:
            if (client.first_names, client.last_name) in STORY_CLIENTS:
                continue
            if with_plan and not _has_current_plan(client, with_plan):
                continue
            if min_age <= client.age <= max_age:
                self.used.add(client.pk)
                return client
        raise LookupError(f"no demo client of {worker_key} aged {min_age}-{max_age}")

    def step(self, client: Client, code: str, by: User, **fields) -> tuple[PathwayStep, bool]:
        """The client's step of the service, planned through the action (rules checked) if missing."""
        existing = PathwayStep.objects.filter(client=client, service_type__code=code).first()
        if existing:
            return existing, False
        return actions.plan_step(
            client=client, planned_by=by, service_type=_type(code), **fields
        ), True

    def attendance(self, step: PathwayStep, by: User, *, weeks: int = 3, compensation=None) -> None:
        """The last full weeks of attendance before this week (or the step's end): one sick day, the rest present."""
        last = min(self.today, step.end_or_planned_end or self.today)
        monday = last - datetime.timedelta(days=last.weekday())
        days_per_week = step.days_per_week or 3
        hours = step.hours_per_day or Decimal(5)
        for back in range(weeks, 0, -1):
            week_start = monday - datetime.timedelta(weeks=back)
            week = {}
            for offset in range(days_per_week):
                day = week_start + datetime.timedelta(days=offset)
                if day < step.start_on:
                    continue
                if back == 2 and offset == 1:
                    week[day] = {"present": False, "absence_reason": AbsenceReason.SICK}
                else:
                    week[day] = {"present": True, "hours": hours, "compensation": compensation}
            if week:
                actions.record_week_attendance(step=step, recorded_by=by, days=week)


def _type(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code)


def _unit(slug: str) -> Unit:
    return Unit.objects.get(slug=slug)


def _entry(slug: str) -> CatalogueEntry:
    return CatalogueEntry.objects.get(slug=slug)


def _current_plan(client: Client, plan_type: str) -> ClientPlan:
    return ClientPlan.objects.filter(client=client, plan_type=plan_type).current().get()


def _has_current_plan(client: Client, plan_type: str) -> bool:
    return (
        ClientPlan.objects.filter(
            client=client, plan_type=plan_type, status__in=["agreed", "active"]
        )
        .current()
        .exists()
    )


def _activation_plan(client: Client, by: User, goals: list[str]) -> ClientPlan:
    """The activation plan rehabilitative work activity is arranged under (written if missing)."""
    existing = ClientPlan.objects.filter(client=client, plan_type="activation_plan").current()
    if existing.exists():
        return existing.get()
    return create_plan(
        client=client,
        written_by=by,
        plan_type="activation_plan",
        goals=goals,
        status="active",
        client_view="Haluan päästä takaisin työelämään omaan tahtiini.",
        agreed_services="Kuntouttava työtoiminta ja työvalmennus",
        participants="Asiakas, sosiaalityöntekijä, työvalmentaja",
        next_review_on=add_months(timezone.localdate(), 3),
    )


def _rehabilitation(demo: _Demo, client, worker, start, end, **fields) -> PathwayStep:
    """Rehabilitative work activity at the Itäkeskus unit; `plan_step` plans work coaching with it."""
    coach = demo.user(Role.WORK_COACH)
    rehab, created = demo.step(
        client,
        REHABILITATIVE_WORK_ACTIVITY,
        worker,
        unit=_unit("hki-tyotoiminta-itakeskus"),
        catalogue_entry=_entry("hki-kuntouttava-tyotoiminta"),
        coach=coach,
        start_on=start,
        planned_end_on=end,
        plan=_current_plan(client, "activation_plan"),
        **fields,
    )
    if created:
        coaching = PathwayStep.objects.get(client=client, service_type__code=WORK_COACHING)
        actions.update_step(step=coaching, changed_by=coach, goal=COACHING_GOAL)
        demo.attendance(rehab, coach)
    return rehab


def _silmu(demo: _Demo) -> None:
    """Rehabilitative work activity with work coaching; a Jobcenter period ending next week; studies planned."""
    client = demo.story_client("Silmu", "Suunnistaja")
    worker, coach = demo.user(Role.SOCIAL_WORKER), demo.user(Role.WORK_COACH)
    start = add_months(demo.today, -5)
    paid_start, paid_end = add_months(demo.today, -2), demo.today + datetime.timedelta(days=7)
    studies_start = paid_end + datetime.timedelta(days=7)
    # The work activity ends the day before the studies start: studies do not run alongside it
    # (its rules allow only work coaching and a Jobcenter period, `step_rules.may_run_together`).
    _rehabilitation(
        demo,
        client,
        worker,
        start,
        studies_start - DAY,
        days_per_week=3,
        hours_per_day=Decimal(5),
        goal="Selvittää, sopiiko opiskelu vai työ; hygieniapassi.",
        support_given="Työvalmentaja tukee viikoittain; keittiötehtäviä Itäkeskuksessa.",
    )
    city = _unit("hki-kaupungin-tyopaikat")
    paid, created = demo.step(
        client,
        JOBCENTER,
        worker,
        unit=city,
        catalogue_entry=_entry("hki-jobcenter"),
        coach=coach,
        start_on=paid_start,
        planned_end_on=paid_end,
        goal="Palkkatyökokemus keittiössä; hygieniapassi suoritetaan jakson aikana.",
    )
    if created:
        actions.save_jobcenter_contract(
            step=paid,
            saved_by=coach,
            employer_unit=city,
            job_title="Keittiöapulainen, palvelukeskuksen keittiö",
            weekly_hours=Decimal(20),
            hourly_wage=Decimal("12.40"),
            contract_start=paid_start,
            contract_end=paid_end,
        )
    # The follow-on is planned but not linked yet: the work coach links it when the paid period ends.
    demo.step(
        client,
        "education",
        worker,
        catalogue_entry=_entry("ammatillinen-koulutus-ja-oppisopimus"),
        start_on=studies_start,
        goal="Ravintola- ja catering-alan perustutkinto; hygieniapassi on jo suoritettu.",
    )


def _tuisku(demo: _Demo) -> None:
    """Supported employment: employer contacts, a job start in the open labour market, in-work support."""
    client = demo.story_client("Tuisku", "Tietävä")
    worker, coach = demo.user(Role.SOCIAL_WORKER), demo.user(Role.JOB_COACH)
    start = add_months(demo.today, -7)
    ips, created = demo.step(
        client,
        SUPPORTED_EMPLOYMENT,
        worker,
        unit=_unit("hki-tuettu-tyollistyminen"),
        catalogue_entry=_entry("hki-tuettu-tyollistyminen"),
        coach=coach,
        start_on=start,
        benefits_counselling_on=start + datetime.timedelta(days=14),
        goal="Varastotyö avoimilta työmarkkinoilta.",
        support_given="Nopea työnhaku yhdessä, työnantajayhteistyö ja tuki työpaikalla.",
    )
    if not created:
        return
    _ips_phases(ips, coach, [(7, "profiling"), (14, "job_search"), (40, "employer_work")])
    contacts = [
        (10, "Vuosaaren Varasto Oy (demo)", ContactKind.VISIT, "Esittelin tuetun työllistymisen."),
        (24, "Logistiikka Itä Oy (demo)", ContactKind.CALL, "Ei avoimia paikkoja nyt."),
        (45, "Vuosaaren Varasto Oy (demo)", ContactKind.WITH_CLIENT, "Tutustumiskäynti yhdessä."),
        (70, "Kauppakeskuksen huolto (demo)", ContactKind.EMAIL, "Lähetettiin CV."),
    ]
    for days, employer, kind, note in contacts:
        actions.add_employer_contact(
            step=ips,
            recorded_by=coach,
            contacted_on=start + datetime.timedelta(days=days),
            employer_name=employer,
            kind=kind,
            note=note,
        )
    job_start = add_months(demo.today, -2)
    actions.record_placement(
        client=client,
        step=ips,
        recorded_by=coach,
        kind=PlacementKind.OPEN_MARKET_JOB,
        organisation_name="Vuosaaren Varasto Oy (demo)",
        weekly_hours=Decimal(30),
        started_on=job_start,
    )
    for days, note in [
        (3, "Ensimmäinen viikko: perehdytys ja työvuorolista sovittu esihenkilön kanssa."),
        (17, "Puhelu asiakkaan kanssa: työ sujuu, iltavuorot väsyttävät."),
        (38, "Tapaaminen työpaikalla: vuorot muutettiin aamupainotteisiksi."),
    ]:
        actions.add_in_work_support(
            step=ips,
            recorded_by=coach,
            supported_on=job_start + datetime.timedelta(days=days),
            note=note,
        )


def _ritva(demo: _Demo) -> None:
    """Group social rehabilitation at Essote by a decision, with volunteering alongside."""
    client = demo.story_client("Ritva", "Rantanen")
    worker = demo.user("eeva.essote")
    start = add_months(demo.today, -4)
    demo.step(
        client,
        SOCIAL_REHABILITATION,
        worker,
        unit=_unit("essote-tyoikaisten-sosiaalipalvelut"),
        catalogue_entry=_entry("essote-ryhmamuotoinen-sosiaalinen-kuntoutus"),
        start_on=start,
        planned_end_on=period_end_limit(start, 12),
        decision_reference="ESSOTE/SOS/2026/0417 (demo)",
        group_activity=True,
        days_per_week=1,
        hours_per_day=Decimal(3),
        plan=_current_plan(client, "client_plan"),
        goal="Päivärytmi ja osallisuus; toimintakyky säilyy.",
        support_given="Mielenterveyskuntoutujien ryhmä kerran viikossa.",
    )
    demo.step(
        client,
        "volunteering",
        worker,
        catalogue_entry=_entry("vapaaehtoistoiminta"),
        start_on=add_months(demo.today, -1),
        goal="Vapaaehtoistyö kirpputorilla kerran viikossa.",
    )


def _onni(demo: _Demo) -> None:
    """Avotyö at Kipinä's café at 10 € a day, with picture support."""
    client = demo.story_client("Onni", "Orava")
    worker = demo.user("kalle.kipina")
    start = add_months(demo.today, -6)
    open_work, created = demo.step(
        client,
        OPEN_WORK,
        worker,
        unit=_unit("essote-osaamiskeskus-kipina"),
        catalogue_entry=_entry("kipina-avotyo"),
        start_on=start,
        days_per_week=3,
        daily_compensation=Decimal("10.00"),
        effects_discussed_on=start - datetime.timedelta(days=7),
        plan=_current_plan(client, "client_plan"),
        goal="Kahvilatyö kolmena päivänä viikossa; astianpesukoneen käyttö.",
        support_given="Kuvallinen päiväjärjestys ja ohjaaja paikalla.",
    )
    if created:
        # The responsible worker keeps the attendance: the café has no coach in Polku.
        demo.attendance(open_work, worker, compensation=Decimal("10.00"))


def _kaarina(demo: _Demo) -> None:
    """The complex case: work-ability assessment followed by medical rehabilitation; Kela planned."""
    client = demo.story_client("Kaarina", "Koivisto")
    counsellor = demo.user(Role.SOCIAL_COUNSELLOR)
    assessment, assessed = demo.step(
        client,
        "work_ability_assessment",
        counsellor,
        unit=_unit("hki-tyokykyselvitys"),
        catalogue_entry=_entry("hki-tyokykyselvitys"),
        start_on=add_months(demo.today, -4),
        plan=_current_plan(client, "work_ability_support_plan"),
        goal="Selvitetään työkyky: selkä, mieliala, toimeentulo ja asuminen.",
    )
    rehab_start = add_months(demo.today, -1)
    medical, _created = demo.step(
        client,
        "medical_rehabilitation",
        counsellor,
        catalogue_entry=_entry("hki-laakinnallinen-kuntoutus"),
        start_on=rehab_start,
        planned_end_on=add_months(rehab_start, 4),
        goal="Selän fysioterapia ja kipukoulu.",
    )
    if assessed:
        actions.end_step(
            step=assessment,
            ended_by=counsellor,
            ended_on=rehab_start - DAY,
            end_reason="completed",
            next_step=medical,
        )
    demo.step(
        client,
        "kela_vocational_rehabilitation",
        counsellor,
        catalogue_entry=_entry("kela-ammatillinen-kuntoutus"),
        start_on=add_months(demo.today, 2),
        goal="Ammatillinen kuntoutus selkää säästävään työhön, kun hoito on edennyt.",
    )


def _month_21_of_24(demo: _Demo) -> None:
    """Rehabilitative work activity in its 22nd month: the 24-month period ends within its limit."""
    worker = demo.user(Role.SOCIAL_WORKER)
    client = demo.caseload_client(Role.SOCIAL_WORKER, 30, 60)
    _activation_plan(
        client, worker, ["Arjen rytmi säilyy", "Selvitetään jatko työtoiminnan jälkeen"]
    )
    start = add_months(demo.today, -21)
    _rehabilitation(
        demo,
        client,
        worker,
        start,
        period_end_limit(start, 24),
        days_per_week=4,
        hours_per_day=Decimal(4),
        goal="Työkyvyn ylläpito ja jatkopolun suunnittelu ennen 24 kuukauden rajaa.",
        support_given="Puutyöt Itäkeskuksessa, työvalmentaja kerran viikossa.",
    )


def _disability_work_activity_with_paid_period(demo: _Demo) -> None:
    """Work activity for disabled people hosting a Jobcenter period, with income clarification."""
    worker, coach = demo.user(Role.SOCIAL_WORKER), demo.user(Role.WORK_COACH)
    client = demo.caseload_client(Role.SOCIAL_WORKER, 20, 60)
    activity, created = demo.step(
        client,
        DISABILITY_WORK_ACTIVITY,
        worker,
        unit=_unit("hki-vammaisten-tyotoiminta"),
        catalogue_entry=_entry("hki-vammaisten-tyotoiminta"),
        coach=coach,
        start_on=add_months(demo.today, -14),
        days_per_week=4,
        hours_per_day=Decimal(4),
        goal="Työtoimintaa kiinteistöhuollossa omaan tahtiin.",
    )
    if created:
        demo.attendance(activity, coach, weeks=2)
    demo.step(
        client,
        WORK_COACHING,
        worker,
        unit=_unit("hki-vammaisten-tyotoiminta"),
        coach=coach,
        start_on=add_months(demo.today, -3),
        planned_end_on=add_months(demo.today, 3),
        goal="Valmennus palkkatyöjaksoa varten.",
    )
    city = _unit("hki-kaupungin-tyopaikat")
    paid_start, paid_end = (
        demo.today - datetime.timedelta(days=30),
        demo.today + datetime.timedelta(days=30),
    )
    paid, created = demo.step(
        client,
        JOBCENTER,
        worker,
        unit=city,
        catalogue_entry=_entry("hki-jobcenter"),
        coach=coach,
        start_on=paid_start,
        planned_end_on=paid_end,
        income_clarification=(
            "Palkka 15 h/vko vaikuttaa asumistukeen; työkyvyttömyyseläkkeen ansaintaraja ei ylity. "
            "Käyty läpi asiakkaan ja edunvalvojan kanssa."
        ),
        goal="Kokeilla palkkatyötä kiinteistöhuollossa.",
    )
    if created:
        actions.save_jobcenter_contract(
            step=paid,
            saved_by=coach,
            employer_unit=city,
            job_title="Kiinteistöhuollon avustaja",
            weekly_hours=Decimal(15),
            hourly_wage=Decimal("11.80"),
            contract_start=paid_start,
            contract_end=paid_end,
        )


def _rehabilitation_to_work_trial_to_wage_subsidy(demo: _Demo) -> None:
    """A finished pathway: rehabilitative work activity, a work trial, then wage-subsidised work."""
    worker = demo.user(Role.SOCIAL_WORKER)
    client = demo.caseload_client(Role.SOCIAL_WORKER, 25, 60)
    _activation_plan(client, worker, ["Työkokeilu omalla alalla", "Palkkatyö"])
    start = add_months(demo.today, -15)
    trial_start = add_months(demo.today, -4)
    # Planned to end when the work trial starts: its attendance is recorded up to then.
    rehab = _rehabilitation(
        demo,
        client,
        worker,
        start,
        trial_start - DAY,
        days_per_week=4,
        hours_per_day=Decimal(6),
        goal="Työkunnon palautuminen ja työkokeilu.",
        support_given="Varastotehtävät Itäkeskuksessa, työvalmentajan tuki.",
    )
    trial, _created = demo.step(
        client,
        "work_trial",
        worker,
        catalogue_entry=_entry("hki-tyokokeilu"),
        start_on=trial_start,
        planned_end_on=add_months(trial_start, 3) - DAY,
        goal="Työkokeilu varastossa: sopiiko ala.",
    )
    subsidy_start = add_months(demo.today, -1)
    subsidy, subsidy_created = demo.step(
        client,
        "wage_subsidy",
        worker,
        catalogue_entry=_entry("hki-palkkatuki"),
        start_on=subsidy_start,
        planned_end_on=add_months(subsidy_start, 12) - DAY,
        goal="Palkkatuettu työ samassa varastossa.",
    )
    if rehab.status != "ended":
        ended_on = trial_start - DAY
        actions.end_step(
            step=rehab,
            ended_by=worker,
            ended_on=ended_on,
            end_reason="moved_on",
            review_decision="move",
            next_step=trial,
        )  # its work coaching ends with it
    if trial.status != "ended":
        actions.end_step(
            step=trial,
            ended_by=worker,
            ended_on=subsidy_start - DAY,
            end_reason="goal_reached",
            next_step=subsidy,
        )
    if subsidy_created:
        actions.record_placement(
            client=client,
            step=subsidy,
            recorded_by=worker,
            kind=PlacementKind.SUBSIDISED_JOB,
            organisation_name="Itäkeskuksen Varastot Oy (demo)",
            weekly_hours=Decimal(30),
            started_on=subsidy_start,
        )


def _ips_phases(step, coach, phases) -> None:
    """The job coach's record of the IPS phases: (days from the start, phase)."""
    for days, phase in phases:
        actions.record_ips_phase(
            step=step,
            phase=phase,
            entered_on=step.start_on + datetime.timedelta(days=days),
            recorded_by=coach,
        )


def _supported_employment_caseload(demo: _Demo) -> None:
    """Two more IPS clients: one without any employer contact in 35 days, one searching actively."""
    worker, coach = demo.user(Role.SOCIAL_WORKER), demo.user(Role.JOB_COACH)
    quiet = demo.caseload_client(Role.SOCIAL_WORKER, 25, 60)
    quiet_step, created = demo.step(
        quiet,
        SUPPORTED_EMPLOYMENT,
        worker,
        unit=_unit("hki-tuettu-tyollistyminen"),
        coach=coach,
        start_on=demo.today - datetime.timedelta(days=35),
        goal="Työ asiakaspalvelussa.",
    )
    if created:
        _ips_phases(quiet_step, coach, [(6, "profiling")])
    searching = demo.caseload_client(Role.SOCIAL_WORKER, 20, 60)
    start = add_months(demo.today, -3)
    step, created = demo.step(
        searching,
        SUPPORTED_EMPLOYMENT,
        worker,
        unit=_unit("hki-tuettu-tyollistyminen"),
        coach=coach,
        start_on=start,
        benefits_counselling_on=start + datetime.timedelta(days=10),
        goal="Osa-aikatyö siivousalalla.",
    )
    if created:
        _ips_phases(step, coach, [(5, "profiling"), (11, "job_search")])
        # A two-week fixed-term job that ended as agreed; the search goes on after it.
        job = actions.record_placement(
            client=searching,
            step=step,
            recorded_by=coach,
            kind=PlacementKind.OPEN_MARKET_JOB,
            organisation_name="Sijaispalvelu Demo Oy",
            weekly_hours=Decimal(20),
            started_on=start + datetime.timedelta(days=20),
        )
        actions.end_placement(
            placement=job,
            ended_by=coach,
            ended_on=start + datetime.timedelta(days=33),
            end_reason=PlacementEndReason.FIXED_TERM,
        )
        _ips_phases(step, coach, [(34, "job_search")])
        for days, employer in [
            (12, "Siivouspalvelu Kirkas (demo)"),
            (40, "Kiinteistöpalvelu Demo Oy"),
        ]:
            actions.add_employer_contact(
                step=step,
                recorded_by=coach,
                contacted_on=start + datetime.timedelta(days=days),
                employer_name=employer,
                kind=ContactKind.CALL,
            )


def _youth_guidance_helsinki(demo: _Demo) -> None:
    counsellor = demo.user(Role.SOCIAL_COUNSELLOR)
    client = demo.caseload_client(Role.SOCIAL_COUNSELLOR, 17, 29)
    demo.step(
        client,
        "ohjaamo_guidance",
        counsellor,
        catalogue_entry=_entry("ohjaamo-helsinki"),
        start_on=add_months(demo.today, -1),
        goal="Opiskelupaikan haku yhteishaussa.",
    )


def _kela_vocational_rehabilitation(demo: _Demo) -> None:
    counsellor = demo.user(Role.SOCIAL_COUNSELLOR)
    client = demo.caseload_client(Role.SOCIAL_COUNSELLOR, 35, 60)
    start = add_months(demo.today, -2)
    demo.step(
        client,
        "kela_vocational_rehabilitation",
        counsellor,
        catalogue_entry=_entry("kela-ammatillinen-kuntoutus"),
        start_on=start,
        planned_end_on=add_months(start, 6),
        goal="Kelan ammatillinen kuntoutuskurssi ja uudelleenkoulutuksen suunnitelma.",
    )


def _youth_workshop_with_certificate(demo: _Demo) -> None:
    """Essote's wood workshop with attendance and a competence certificate."""
    worker, coach = demo.user("eeva.essote"), demo.user(Role.WORKSHOP_COACH)
    client = demo.caseload_client("eeva.essote", 18, 28)
    start = add_months(demo.today, -4)
    workshop, created = demo.step(
        client,
        YOUTH_WORKSHOP,
        worker,
        unit=_unit("essote-puupaja"),
        catalogue_entry=_entry("essote-nuorten-tyopajat"),
        coach=coach,
        start_on=start,
        planned_end_on=period_end_limit(start, 6),
        days_per_week=4,
        hours_per_day=Decimal(6),
        goal="Puualan perustaidot ja opinnollistaminen kohti puuseppäalan tutkintoa.",
    )
    if not created:
        return
    demo.attendance(workshop, coach)
    actions.issue_certificate(
        step=workshop,
        issued_by=coach,
        issued_on=demo.today - datetime.timedelta(days=10),
        qualification="Puuseppäalan perustutkinto, tutkinnon osa: puutuotteiden valmistus",
        competences=[
            "Käsityökalujen ja puuntyöstökoneiden turvallinen käyttö",
            "Työpiirustuksen lukeminen ja mittaaminen",
            "Pintakäsittely ja työympäristön siisteys",
        ],
    )


def _ohjaamo_to_start_workshop_to_studies(demo: _Demo) -> None:
    """Ohjaamo guidance led to the start workshop, which led to vocational studies."""
    worker, coach = demo.user("eeva.essote"), demo.user(Role.WORKSHOP_COACH)
    client = demo.caseload_client("eeva.essote", 19, 28)
    guidance_start, workshop_start = add_months(demo.today, -11), add_months(demo.today, -9)
    studies_start = add_months(demo.today, -3)
    guidance, _created = demo.step(
        client,
        "ohjaamo_guidance",
        worker,
        unit=_unit("essote-ohjaamo-olkkari"),
        catalogue_entry=_entry("essote-ohjaamo-olkkari"),
        start_on=guidance_start,
        goal="Löytää suunta: työpaja tai opinnot.",
    )
    workshop, _created = demo.step(
        client,
        YOUTH_WORKSHOP,
        worker,
        unit=_unit("essote-starttipaja"),
        catalogue_entry=_entry("essote-nuorten-tyopajat"),
        coach=coach,
        start_on=workshop_start,
        planned_end_on=period_end_limit(workshop_start, 6),
        days_per_week=3,
        hours_per_day=Decimal(4),
        goal="Arjen rytmi ja opiskeluvalmiudet.",
    )
    studies, studies_created = demo.step(
        client,
        "education",
        worker,
        catalogue_entry=_entry("ammatillinen-koulutus-ja-oppisopimus"),
        start_on=studies_start,
        goal="Kädentaitojen perustutkinto.",
    )
    if guidance.status != "ended":
        actions.end_step(
            step=guidance,
            ended_by=worker,
            ended_on=workshop_start - DAY,
            end_reason="moved_on",
            next_step=workshop,
        )
    if workshop.status != "ended":
        actions.end_step(
            step=workshop,
            ended_by=coach,
            ended_on=studies_start - DAY,
            end_reason="goal_reached",
            next_step=studies,
        )
    if studies_created:
        actions.record_placement(
            client=client,
            step=studies,
            recorded_by=worker,
            kind=PlacementKind.STUDIES,
            organisation_name="Etelä-Savon ammattiopisto (demo)",
            started_on=studies_start,
        )


def _individual_social_rehabilitation(demo: _Demo) -> None:
    """Individual social rehabilitation that ended with capacity maintained."""
    worker = demo.user("eeva.essote")
    client = demo.caseload_client("eeva.essote", 35, 64, with_plan="client_plan")
    start = add_months(demo.today, -10)
    step, created = demo.step(
        client,
        SOCIAL_REHABILITATION,
        worker,
        unit=_unit("essote-tyoikaisten-sosiaalipalvelut"),
        start_on=start,
        planned_end_on=add_months(start, 6) - DAY,
        decision_reference="ESSOTE/SOS/2025/1188 (demo)",
        days_per_week=1,
        hours_per_day=Decimal(2),
        plan=_current_plan(client, "client_plan"),
        goal="Arjen hallinta ja asioiden hoitaminen.",
    )
    if created:
        actions.end_step(
            step=step,
            ended_by=worker,
            ended_on=add_months(start, 6) - DAY,
            end_reason="completed",
            exit_outcome="capacity_maintained",
        )


def _second_avotyo(demo: _Demo) -> None:
    """Avotyö at the daily cap of 12 €, on Kipinä's caseload."""
    worker = demo.user("kalle.kipina")
    client = demo.caseload_client("kalle.kipina", 18, 64, with_plan="client_plan")
    start = add_months(demo.today, -2)
    step, created = demo.step(
        client,
        OPEN_WORK,
        worker,
        unit=_unit("essote-osaamiskeskus-kipina"),
        catalogue_entry=_entry("kipina-avotyo"),
        start_on=start,
        days_per_week=2,
        daily_compensation=Decimal("12.00"),
        effects_discussed_on=start - datetime.timedelta(days=3),
        plan=_current_plan(client, "client_plan"),
        goal="Pakkaustyöt kahtena päivänä viikossa.",
    )
    if created:
        demo.attendance(step, worker, weeks=2, compensation=Decimal("12.00"))
