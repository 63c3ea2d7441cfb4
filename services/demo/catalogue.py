"""Demo catalogue of services for the partially work-able (Helsinki seed, "Osatyökykyisten
palveluvalikoima", and the Essote services named in its seed).

Contacts are web addresses of the real organisations and fictitious e-mail
addresses under demo.polku.test; no phone numbers are invented.
"""

from services.models import CatalogueCategory, CatalogueEntry, Organisation, ServiceType

C = CatalogueCategory
FI, SV, EN = "fi", "sv", "en"
ALL_LANGUAGES = [FI, SV, EN]

HEL = "https://www.hel.fi"
KELA = "https://www.kela.fi"
TYOMARKKINATORI = "https://tyomarkkinatori.fi"
ETELASAVO = "https://etelasavonha.fi"


def entry(slug, category, names, description, **fields):
    return {
        "slug": slug,
        "category": category,
        "names": names,
        "description": description,
        **fields,
    }


CATALOGUE = [
    # Health and social care
    entry(
        "hki-terveys-ja-hyvinvointikeskus",
        C.HEALTH_AND_SOCIAL_CARE,
        (
            "Terveys- ja hyvinvointikeskus",
            "Hälso- och välfärdscentralen",
            "Health and wellbeing centre",
        ),
        (
            "Terveysaseman ja sosiaalipalvelujen palvelut samasta paikasta. Työkyvyn tuen verkosto "
            "tukee ammattilaisia työkykyyn liittyvissä kysymyksissä ppt-konsultaatioissa.",
            "Hälsostationens och socialtjänstens tjänster på samma ställe. Nätverket för stöd för "
            "arbetsförmågan hjälper personalen i frågor om arbetsförmåga.",
            "Health centre and social services in one place. The work-ability support network "
            "advises professionals on questions of work ability.",
        ),
        provider="helsinki-sote",
        min_age=18,
        languages=ALL_LANGUAGES,
        eligibility=(
            "Helsinkiläiset aikuiset.",
            "Vuxna som bor i Helsingfors.",
            "Adults living in Helsinki.",
        ),
        how_to_refer=(
            "Asiakas hakeutuu itse terveysasemalle. Työntekijä tuo kysymyksen työkyvyn tuen "
            "verkostolle konsultaatiopyynnöllä.",
            "Klienten söker sig själv till hälsostationen. Personalen kan ställa frågor till "
            "nätverket med en konsultationsbegäran.",
            "Clients contact the health station themselves. Staff bring questions to the network "
            "with a consultation request.",
        ),
        web_address=HEL,
    ),
    entry(
        "hki-tyokykyselvitys",
        C.HEALTH_AND_SOCIAL_CARE,
        ("Työkykyselvitys", "Arbetsförmågeutredning", "Work-ability assessment"),
        (
            "Sosiaalipalvelu, jossa työkykykoordinaattori ja moniammatillinen tiimi selvittävät "
            "työttömän asiakkaan työ- ja toimintakyvyn. Tuloksena työkyvyn tuen suunnitelma.",
            "Socialtjänst där arbetsförmågekoordinatorn och ett mångprofessionellt team utreder "
            "en arbetslös klients arbets- och funktionsförmåga. Resultatet är en plan för stöd "
            "för arbetsförmågan.",
            "A social service in which a work-ability coordinator and a multi-professional team "
            "assess an unemployed client's capacity. The result is a work-ability support plan.",
        ),
        provider="helsinki-sote",
        service_type="work_ability_assessment",
        min_age=18,
        max_age=64,
        languages=[FI, SV],
        eligibility=(
            "Työttömät työikäiset, joiden työkyky on epäselvä.",
            "Arbetslösa i arbetsför ålder vars arbetsförmåga är oklar.",
            "Unemployed people of working age whose work ability is unclear.",
        ),
        client_groups=(
            "Aikuissosiaalityön ja työllisyyspalvelujen asiakkaat",
            "Klienter inom socialt arbete för vuxna och sysselsättningstjänsterna",
            "Clients of adult social work and employment services",
        ),
        how_to_refer=(
            "Vastuutyöntekijä tekee lähetteen asiakkaan suostumuksella.",
            "Den ansvariga arbetstagaren skickar en remiss med klientens samtycke.",
            "The responsible worker sends a referral with the client's consent.",
        ),
        contact_email="tyokykyselvitys@demo.polku.test",
        web_address=HEL,
    ),
    entry(
        "hki-tyokyky-ja-terveysneuvonta",
        C.HEALTH_AND_SOCIAL_CARE,
        (
            "Työkyky- ja terveysneuvonta",
            "Rådgivning om arbetsförmåga och hälsa",
            "Work-ability and health counselling",
        ),
        (
            "Työttömien terveystarkastukset ja neuvonta työkyvyn ylläpitämiseksi.",
            "Hälsoundersökningar och rådgivning för arbetslösa för att upprätthålla "
            "arbetsförmågan.",
            "Health checks and counselling for unemployed people to maintain their work ability.",
        ),
        provider="helsinki-sote",
        min_age=17,
        max_age=64,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Asiakas varaa ajan itse tai työllisyyspalvelujen asiantuntija ohjaa.",
            "Klienten bokar tid själv eller hänvisas av sysselsättningstjänsterna.",
            "Clients book themselves or are referred by employment services.",
        ),
        web_address=HEL,
    ),
    entry(
        "hki-mielenterveys-ja-paihdepalvelut",
        C.HEALTH_AND_SOCIAL_CARE,
        (
            "Mielenterveys- ja päihdepalvelut",
            "Mentalvårds- och missbrukartjänster",
            "Mental health and substance abuse services",
        ),
        (
            "Arviointi, hoito ja kuntoutus mielenterveyden ja päihteiden käytön ongelmiin.",
            "Bedömning, vård och rehabilitering vid psykisk ohälsa och missbruk.",
            "Assessment, treatment and rehabilitation for mental health and substance use.",
        ),
        provider="helsinki-sote",
        min_age=18,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Asiakas voi hakeutua itse; työntekijä voi ohjata asiakkaan suostumuksella.",
            "Klienten kan söka sig själv; personalen kan hänvisa med klientens samtycke.",
            "Clients may contact the service themselves; staff may refer with consent.",
        ),
        web_address=HEL,
    ),
    entry(
        "hki-vammaisten-tyotoiminta",
        C.HEALTH_AND_SOCIAL_CARE,
        (
            "Vammaisten työ- ja päivätoiminta",
            "Arbets- och dagverksamhet för personer med funktionsnedsättning",
            "Work and day activities for disabled people",
        ),
        (
            "Työtoimintaa ilman työsuhdetta. Työvalmentaja tukee, ja rinnalla voi olla "
            "Jobcenter-palkkatyöjakso; tuloselvitys tehdään ennen palkkatyötä.",
            "Arbetsverksamhet utan anställningsförhållande. En arbetstränare stöder, och "
            "vid sidan kan finnas en lönearbetsperiod inom Jobcenter.",
            "Work activity without an employment relationship. A work coach supports, and a "
            "Jobcenter paid-work period can run alongside.",
        ),
        provider="helsinki-sote",
        service_type="disability_work_activity",
        min_age=18,
        max_age=64,
        languages=[FI, SV],
        client_groups=(
            "Vammaispalvelujen asiakkaat",
            "Klienter inom handikappservicen",
            "Disability services clients",
        ),
        how_to_refer=(
            "Vammaisten sosiaalityön sosiaalityöntekijä tekee päätöksen.",
            "Socialarbetaren inom handikappservicen fattar beslut.",
            "A social worker of disability services makes the decision.",
        ),
        web_address=HEL,
    ),
    entry(
        "kipina-avotyo",
        C.HEALTH_AND_SOCIAL_CARE,
        ("Avotyö, Osaamiskeskus Kipinä", "Öppet arbete, Kipinä", "Open work (avotyö), Kipinä"),
        (
            "Työtä tavallisella työpaikalla ohjaajan tuella, esimerkiksi kahvilassa. Avotyöstä "
            "maksetaan verotonta korvausta enintään 12 € päivässä; se ei ole palkkaa. Siirtymä "
            "palkkatyöhön vaikuttaa asumistukeen ja eläkkeeseen, joten siitä keskustellaan "
            "etukäteen. Kuvatuki käytössä.",
            "Arbete på en vanlig arbetsplats med stöd av en handledare. Ersättningen är skattefri, "
            "högst 12 € per dag, och är ingen lön.",
            "Work at an ordinary workplace with a supervisor's support. The tax-free payment is "
            "at most 12 € a day and is not a wage.",
        ),
        provider="essote",
        service_type="open_work",
        min_age=18,
        max_age=64,
        languages=[FI],
        client_groups=(
            "Kehitysvammaiset henkilöt",
            "Personer med intellektuell funktionsnedsättning",
            "People with intellectual disabilities",
        ),
        how_to_refer=(
            "Vammaispalvelujen sosiaalityöntekijä ohjaa; tutustumiskäynti Kipinässä.",
            "Socialarbetaren inom handikappservicen hänvisar; bekantskapsbesök på Kipinä.",
            "Referred by a disability services social worker; an introductory visit to Kipinä.",
        ),
        contact_email="kipina@demo.polku.test",
        web_address=ETELASAVO,
    ),
    entry(
        "vapaaehtoistoiminta",
        C.HEALTH_AND_SOCIAL_CARE,
        ("Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
        (
            "Mielekästä tekemistä ja yhteisöön kuulumista järjestöjen ja seurakuntien "
            "vapaaehtoistehtävissä. Sopii toimintakyvyn ylläpitämiseen.",
            "Meningsfull verksamhet och gemenskap i frivilliguppdrag hos organisationer och "
            "församlingar.",
            "Meaningful activity and belonging through volunteering with NGOs and parishes.",
        ),
        provider_names=(
            "Järjestöt ja seurakunnat",
            "Organisationer och församlingar",
            "NGOs and parishes",
        ),
        service_type="volunteering",
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Asiakas hakeutuu itse; työntekijä auttaa löytämään sopivan tehtävän.",
            "Klienten söker sig själv; personalen hjälper att hitta ett lämpligt uppdrag.",
            "Clients apply themselves; staff help find a suitable role.",
        ),
    ),
    # Rehabilitation: vocational, medical, social
    entry(
        "kela-ammatillinen-kuntoutus",
        C.REHABILITATION,
        (
            "Kelan ammatillinen kuntoutus",
            "FPA:s yrkesinriktade rehabilitering",
            "Kela vocational rehabilitation",
        ),
        (
            "Työkokeilua, työhönvalmennusta, koulutusta ja kuntoutustutkimuksia, kun sairaus "
            "uhkaa työkykyä. Nuorille 16–29-vuotiaille myös NUOTTI-valmennus.",
            "Arbetsprövning, arbetsträning, utbildning och rehabiliteringsundersökningar när en "
            "sjukdom hotar arbetsförmågan.",
            "Work trials, job coaching, education and rehabilitation assessments when illness "
            "threatens work ability.",
        ),
        provider="kela",
        service_type="kela_vocational_rehabilitation",
        min_age=16,
        max_age=67,
        languages=ALL_LANGUAGES,
        eligibility=(
            "Sairaus tai vamma heikentää työkykyä tai ansiomahdollisuuksia lähivuosina.",
            "Sjukdom eller skada försämrar arbetsförmågan eller förvärvsmöjligheterna.",
            "Illness or injury weakens work ability or earning capacity in the coming years.",
        ),
        how_to_refer=(
            "Asiakas hakee Kelasta (KU 101); tarvittaessa lääkärinlausunto. Y 100 -suostumus "
            "tietojen vaihtoon.",
            "Klienten ansöker hos FPA (KU 101), vid behov med läkarutlåtande.",
            "The client applies to Kela (form KU 101), with a medical statement where needed.",
        ),
        web_address=KELA,
    ),
    entry(
        "tyoelakekuntoutus",
        C.REHABILITATION,
        ("Työeläkekuntoutus", "Arbetspensionsrehabilitering", "Earnings-related rehabilitation"),
        (
            "Ammatillista kuntoutusta työhistorian perusteella: työkokeilu, uudelleenkoulutus "
            "ja työhönvalmennus, kun työkyvyttömyys uhkaa.",
            "Yrkesinriktad rehabilitering utifrån arbetshistorien, när arbetsoförmåga hotar.",
            "Vocational rehabilitation based on work history, when disability threatens.",
        ),
        provider_names=(
            "Työeläkelaitokset",
            "Arbetspensionsanstalterna",
            "Earnings-related pension providers",
        ),
        min_age=18,
        max_age=67,
        languages=ALL_LANGUAGES,
        eligibility=(
            "Vakiintunut työhistoria viime vuosilta ja työkyvyttömyyden uhka.",
            "Etablerad arbetshistoria och hot om arbetsoförmåga.",
            "An established recent work history and a threat of work disability.",
        ),
        how_to_refer=(
            "Asiakas hakee omasta työeläkeyhtiöstään; ennakkopäätös kertoo oikeuden.",
            "Klienten ansöker hos sitt arbetspensionsbolag; ett förhandsbeslut ger besked.",
            "The client applies to their pension provider; an advance decision tells the "
            "entitlement.",
        ),
        web_address="https://www.tyoelake.fi",
    ),
    entry(
        "hki-laakinnallinen-kuntoutus",
        C.REHABILITATION,
        ("Lääkinnällinen kuntoutus", "Medicinsk rehabilitering", "Medical rehabilitation"),
        (
            "Fysio-, toiminta- ja puheterapia, apuvälineet ja kuntoutussuunnitelma hoitavan "
            "lääkärin arvion pohjalta.",
            "Fysio-, ergo- och talterapi, hjälpmedel och rehabiliteringsplan.",
            "Physiotherapy, occupational and speech therapy, aids and a rehabilitation plan.",
        ),
        provider="helsinki-sote",
        service_type="medical_rehabilitation",
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Lääkärin tai terveydenhuollon ammattilaisen lähete.",
            "Remiss från läkare eller annan yrkesutbildad person inom hälso- och sjukvården.",
            "A referral from a doctor or health professional.",
        ),
        web_address=HEL,
    ),
    entry(
        "hki-sosiaalinen-kuntoutus",
        C.REHABILITATION,
        ("Sosiaalinen kuntoutus", "Social rehabilitering", "Social rehabilitation"),
        (
            "Ryhmä- ja yksilötoimintaa arjen hallintaan ja osallisuuteen. Alkaa päätöksellä; "
            "suunnitelma arvioidaan noin kolmen kuukauden välein.",
            "Grupp- och individuell verksamhet för vardagen och delaktighet. Börjar med ett "
            "beslut; planen utvärderas cirka var tredje månad.",
            "Group and individual activity for everyday life and participation. Starts with a "
            "decision; the plan is reviewed about every three months.",
        ),
        provider="helsinki-sote",
        service_type="social_rehabilitation",
        min_age=18,
        languages=[FI, SV],
        how_to_refer=(
            "Vastuutyöntekijä tekee palvelutarpeen arvion ja päätöksen.",
            "Den ansvariga arbetstagaren gör en bedömning av servicebehovet och ett beslut.",
            "The responsible worker assesses the need and makes the decision.",
        ),
        web_address=HEL,
    ),
    entry(
        "essote-ryhmamuotoinen-sosiaalinen-kuntoutus",
        C.REHABILITATION,
        (
            "Ryhmämuotoinen sosiaalinen kuntoutus (mielenterveyskuntoutujat)",
            "Social rehabilitering i grupp (mentalvårdsrehabiliterande)",
            "Group social rehabilitation (mental-health rehabilitation)",
        ),
        (
            "Viikoittaiset ryhmät Mikkelissä. Tavoitteena toimintakyvyn ylläpito ja "
            "vapaaehtoistoimintaan osallistuminen.",
            "Veckovisa grupper i S:t Michel. Målet är att upprätthålla funktionsförmågan.",
            "Weekly groups in Mikkeli, aiming at maintained capacity and volunteering.",
        ),
        provider="essote",
        service_type="social_rehabilitation",
        min_age=18,
        languages=[FI],
        how_to_refer=(
            "Työikäisten sosiaalipalvelujen sosiaalityöntekijä tekee päätöksen.",
            "Socialarbetaren inom socialtjänsten för personer i arbetsför ålder beslutar.",
            "A social worker of services for working-age people decides.",
        ),
        web_address=ETELASAVO,
    ),
    entry(
        "hki-kuntouttava-tyotoiminta",
        C.REHABILITATION,
        (
            "Kuntouttava työtoiminta ja työvalmennus",
            "Arbetsverksamhet i rehabiliteringssyfte och arbetsträning",
            "Rehabilitative work activity and work coaching",
        ),
        (
            "Työtoimintaa työtoimintayksiköissä 1–4 päivänä viikossa vähintään 4 tuntia "
            "päivässä, 3–24 kuukauden jaksoissa. Työvalmentaja kulkee rinnalla ja järjestää "
            "jatkopolun.",
            "Arbetsverksamhet 1–4 dagar i veckan, minst 4 timmar per dag, i perioder på 3–24 "
            "månader, med en arbetstränare.",
            "Work activity on 1–4 days a week, at least 4 hours a day, in periods of 3–24 months, "
            "with a work coach.",
        ),
        provider="helsinki-sote",
        service_type="rehabilitative_work_activity",
        min_age=17,
        languages=[FI, SV, EN],
        eligibility=(
            "Pitkään työttömänä olleet, joille laaditaan aktivointisuunnitelma.",
            "Långtidsarbetslösa för vilka en aktiveringsplan görs upp.",
            "Long-term unemployed people with an activation plan.",
        ),
        how_to_refer=(
            "Aktivointisuunnitelma sosiaalityön ja työllisyyspalvelujen kanssa.",
            "Aktiveringsplan tillsammans med socialarbetet och sysselsättningstjänsterna.",
            "An activation plan made with social work and employment services.",
        ),
        contact_email="tyotoiminta@demo.polku.test",
        web_address=HEL,
    ),
    # Employment services
    entry(
        "hki-tyonhaku-ja-uravalmennus",
        C.EMPLOYMENT_SERVICES,
        (
            "Työnvälitys sekä työnhaku- ja uravalmennus",
            "Arbetsförmedling samt jobbsökar- och karriärträning",
            "Job matching, job-search and career coaching",
        ),
        (
            "Työnhakijan palvelut: työpaikkojen välitys, työnhakuvalmennus, uravalmennus ja "
            "ammatinvalinnanohjaus.",
            "Tjänster för arbetssökande: arbetsförmedling, jobbsökarträning och yrkesvägledning.",
            "Services for jobseekers: job matching, job-search coaching and career guidance.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        min_age=17,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Asiakas ilmoittautuu työnhakijaksi Työmarkkinatorilla.",
            "Klienten anmäler sig som arbetssökande på Jobbmarknaden.",
            "The client registers as a jobseeker at Job Market Finland.",
        ),
        web_address=TYOMARKKINATORI,
    ),
    entry(
        "hki-tuettu-tyollistyminen",
        C.EMPLOYMENT_SERVICES,
        (
            "Tuetun työllistymisen työhönvalmennus (IPS)",
            "Arbetsträning för stödd sysselsättning (IPS)",
            "Supported employment (IPS)",
        ),
        (
            "Työhönvalmentaja tukee työnhaussa, työnantajakontakteissa ja työpaikalla. Ei "
            "aikarajaa; tavoitteena työ avoimilla työmarkkinoilla.",
            "En jobbcoach stöder i jobbsökandet, i kontakter med arbetsgivare och på "
            "arbetsplatsen. Ingen tidsgräns.",
            "A job coach supports job search, employer contacts and work itself. No time limit; "
            "the goal is open-market work.",
        ),
        provider="helsinki-sote",
        service_type="supported_employment",
        min_age=18,
        languages=[FI, EN],
        eligibility=(
            "Asiakas haluaa töihin ja tarvitsee tukea työllistymiseen.",
            "Klienten vill arbeta och behöver stöd för att få jobb.",
            "The client wants to work and needs support to get a job.",
        ),
        how_to_refer=(
            "Sosiaalityöntekijä tai -ohjaaja ohjaa; aloituskeskustelu työhönvalmentajan kanssa.",
            "Socialarbetaren eller -handledaren hänvisar; startsamtal med jobbcoachen.",
            "A social worker or counsellor refers; a first meeting with the job coach.",
        ),
        contact_email="tuettu.tyollistyminen@demo.polku.test",
        web_address=HEL,
    ),
    entry(
        "hki-jobcenter",
        C.EMPLOYMENT_SERVICES,
        (
            "Jobcenter – työtoiminnan täsmätyö",
            "Jobcenter – lönearbete inom arbetsverksamheten",
            "Jobcenter – paid-work periods",
        ),
        (
            "Lyhyitä palkkatyöjaksoja kaupungin yksiköissä työtoiminnan rinnalla. Yksikön "
            "työvalmentaja tukee ja huolehtii jatkopolusta.",
            "Korta lönearbetsperioder i stadens enheter vid sidan av arbetsverksamheten.",
            "Short paid jobs in city units alongside work activity, supported by the work coach.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        service_type="jobcenter_paid_work",
        min_age=18,
        languages=[FI],
        eligibility=(
            "Kuntouttavan työtoiminnan tai vammaisten työtoiminnan asiakas, jolla on työvalmennus.",
            "Klient i arbetsverksamhet i rehabiliteringssyfte eller för personer med "
            "funktionsnedsättning, med arbetsträning.",
            "A client in rehabilitative work activity or work activity for disabled people, "
            "with work coaching.",
        ),
        how_to_refer=(
            "Työvalmentaja ehdottaa sopivaa jaksoa.",
            "Arbetstränaren föreslår en lämplig period.",
            "The work coach proposes a suitable period.",
        ),
        web_address=HEL,
    ),
    entry(
        "hki-palkkatuki",
        C.EMPLOYMENT_SERVICES,
        ("Palkkatuki", "Lönesubvention", "Pay subsidy"),
        (
            "Työnantajalle maksettava tuki työttömän palkkaamiseen. Osatyökykyisen palkkatuki "
            "voi olla pitkäkestoinen.",
            "Stöd till arbetsgivaren för att anställa en arbetslös. För partiellt arbetsföra kan "
            "stödet vara långvarigt.",
            "Support to the employer for hiring an unemployed person; for the partially "
            "work-able it can last long.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        service_type="wage_subsidy",
        min_age=17,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Työnantaja hakee työllisyyspalveluista ennen työsuhteen alkua.",
            "Arbetsgivaren ansöker hos sysselsättningstjänsterna innan anställningen börjar.",
            "The employer applies before the employment starts.",
        ),
        web_address=TYOMARKKINATORI,
    ),
    entry(
        "hki-tyokokeilu",
        C.EMPLOYMENT_SERVICES,
        ("Työ- ja koulutuskokeilu", "Arbets- och utbildningsprövning", "Work and study trial"),
        (
            "Kokeillaan alaa tai työpaikkaa ilman työsuhdetta; työttömyysetuus ja kulukorvaus "
            "jatkuvat.",
            "Prövning av en bransch eller arbetsplats utan anställning; förmånen fortsätter.",
            "Trying out a field or workplace without employment; benefits continue.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        service_type="work_trial",
        min_age=17,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Sovitaan työllisyyspalvelujen asiantuntijan kanssa työllistymissuunnitelmassa.",
            "Överenskoms med sysselsättningstjänsterna i sysselsättningsplanen.",
            "Agreed with the employment services expert in the employment plan.",
        ),
        web_address=TYOMARKKINATORI,
    ),
    entry(
        "ohjaamo-helsinki",
        C.EMPLOYMENT_SERVICES,
        ("Ohjaamo Helsinki", "Navigatorn Helsingfors", "Ohjaamo Helsinki"),
        (
            "Alle 30-vuotiaiden matalan kynnyksen ohjaus työhön, opiskeluun ja arkeen.",
            "Lågtröskelvägledning för unga under 30 år om arbete, studier och vardag.",
            "Low-threshold guidance for under-30s on work, studies and everyday life.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        service_type="ohjaamo_guidance",
        min_age=15,
        max_age=29,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Nuori tulee itse ilman ajanvarausta; työntekijä voi tulla mukaan.",
            "Den unga kommer själv utan tidsbokning.",
            "Young people drop in without an appointment.",
        ),
        web_address="https://ohjaamot.fi",
    ),
    entry(
        "essote-ohjaamo-olkkari",
        C.EMPLOYMENT_SERVICES,
        ("Ohjaamo Olkkari, Mikkeli", "Navigatorn Olkkari, S:t Michel", "Ohjaamo Olkkari, Mikkeli"),
        (
            "Nuorten ohjaus- ja neuvontapiste: työ, opiskelu, asuminen ja toimeentulo.",
            "Vägledningsställe för unga: arbete, studier, boende och utkomst.",
            "Guidance point for young people: work, studies, housing and income.",
        ),
        provider="essote",
        service_type="ohjaamo_guidance",
        min_age=15,
        max_age=29,
        languages=[FI],
        how_to_refer=(
            "Nuori tulee itse tai työntekijä sopii yhteisen käynnin.",
            "Den unga kommer själv eller personalen avtalar ett gemensamt besök.",
            "Young people drop in, or staff arrange a joint visit.",
        ),
        web_address="https://ohjaamot.fi",
    ),
    # Social security
    entry(
        "kela-osasairauspaivaraha",
        C.SOCIAL_SECURITY,
        ("Osasairauspäiväraha", "Partiell sjukdagpenning", "Partial sickness allowance"),
        (
            "Mahdollistaa osa-aikaisen työnteon sairauslomalla omaan työhön palatessa.",
            "Gör det möjligt att arbeta deltid under sjukledighet när man återgår till arbetet.",
            "Makes part-time work possible during sick leave when returning to one's own job.",
        ),
        provider="kela",
        min_age=16,
        max_age=67,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Sovitaan työnantajan ja työterveyshuollon kanssa; haetaan Kelasta.",
            "Överenskoms med arbetsgivaren och företagshälsovården; ansöks hos FPA.",
            "Agreed with the employer and occupational health; applied for from Kela.",
        ),
        web_address=KELA,
    ),
    entry(
        "kela-osatyokyvyttomyyselake",
        C.SOCIAL_SECURITY,
        (
            "Osatyökyvyttömyyseläke ja eläkkeen lepäämään jättäminen",
            "Partiell invalidpension och vilande pension",
            "Partial disability pension and suspending a pension",
        ),
        (
            "Osatyökyvyttömyyseläkkeen rinnalla voi tehdä työtä. Työkyvyttömyyseläkkeen voi "
            "jättää lepäämään työn ajaksi.",
            "Man kan arbeta vid sidan av en partiell invalidpension. En invalidpension kan "
            "lämnas vilande under arbetet.",
            "One may work alongside a partial disability pension, and suspend a disability "
            "pension while working.",
        ),
        provider="kela",
        min_age=16,
        max_age=67,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Haetaan Kelasta tai työeläkelaitoksesta; tuloselvitys ennen työn aloittamista.",
            "Ansöks hos FPA eller arbetspensionsanstalten.",
            "Applied for from Kela or the pension provider.",
        ),
        web_address=KELA,
    ),
    entry(
        "kela-kuntoutusraha",
        C.SOCIAL_SECURITY,
        ("Kuntoutusraha", "Rehabiliteringspenning", "Rehabilitation allowance"),
        (
            "Toimeentulo ammatillisen kuntoutuksen ajalta, myös nuoren kuntoutusraha "
            "16–19-vuotiaille.",
            "Utkomst under yrkesinriktad rehabilitering.",
            "Income during vocational rehabilitation.",
        ),
        provider="kela",
        min_age=16,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Haetaan Kelasta kuntoutuksen alkaessa.",
            "Ansöks hos FPA när rehabiliteringen börjar.",
            "Applied for from Kela when rehabilitation begins.",
        ),
        web_address=KELA,
    ),
    entry(
        "kela-vammaistuki",
        C.SOCIAL_SECURITY,
        ("Vammaistuki", "Handikappbidrag", "Disability allowance"),
        (
            "Tukee 16 vuotta täyttänyttä, jonka toimintakyky on heikentynyt sairauden tai "
            "vamman vuoksi.",
            "Stöder den som fyllt 16 år och vars funktionsförmåga är nedsatt.",
            "Supports people aged 16 or over whose functional capacity is reduced.",
        ),
        provider="kela",
        min_age=16,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Haetaan Kelasta lääkärinlausunnolla.",
            "Ansöks hos FPA med läkarutlåtande.",
            "Applied for from Kela with a medical statement.",
        ),
        web_address=KELA,
    ),
    # Education
    entry(
        "ammatillinen-koulutus-ja-oppisopimus",
        C.EDUCATION,
        (
            "Ammatillinen koulutus ja oppisopimus",
            "Yrkesutbildning och läroavtal",
            "Vocational education and apprenticeships",
        ),
        (
            "Tutkintoon johtava koulutus oppilaitoksessa tai työpaikalla; osaamisen "
            "tunnistaminen ja tunnustaminen.",
            "Examensinriktad utbildning vid läroanstalt eller på arbetsplatsen.",
            "Qualification-oriented education at college or at work.",
        ),
        provider_names=(
            "Ammatilliset oppilaitokset",
            "Yrkesläroanstalter",
            "Vocational schools",
        ),
        service_type="education",
        min_age=16,
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Haku Opintopolussa tai jatkuvassa haussa suoraan oppilaitokseen.",
            "Ansökan via Studieinfo eller direkt till läroanstalten.",
            "Apply through Studyinfo or directly to the college.",
        ),
        web_address="https://opintopolku.fi",
    ),
    entry(
        "essote-nuorten-tyopajat",
        C.EDUCATION,
        (
            "Nuorten työpajat ja Starttipaja",
            "Verkstäder för unga och Startverkstaden",
            "Youth workshops and the start workshop",
        ),
        (
            "Puu-, kädentaito- ja sisustus-, digitaalisen median sekä ympäristö- ja "
            "palvelupaja. Opinnollistettu työ; osaamistodistus näytetyistä osaamisista. "
            "Jaksot 3–8 kuukautta.",
            "Verkstäder för trä, hantverk, digitala medier och miljö och service. Perioder på "
            "3–8 månader med kompetensintyg.",
            "Wood, crafts, digital media and environment workshops; periods of 3–8 months with "
            "a competence certificate.",
        ),
        provider="essote",
        service_type="youth_workshop",
        min_age=17,
        max_age=29,
        languages=[FI],
        how_to_refer=(
            "Sosiaalityöntekijä, Ohjaamo tai työllisyyspalvelut ohjaa; tutustumiskäynti.",
            "Socialarbetaren, Navigatorn eller sysselsättningstjänsterna hänvisar.",
            "Referred by a social worker, Ohjaamo or employment services.",
        ),
        contact_email="tyopajat@demo.polku.test",
        web_address=ETELASAVO,
    ),
    entry(
        "tyovoimakoulutus",
        C.EDUCATION,
        ("Työvoimakoulutus", "Arbetskraftsutbildning", "Labour market training"),
        (
            "Ammatillista koulutusta työttömille työnhakijoille; opiskeluajalta työttömyysetuus.",
            "Yrkesutbildning för arbetslösa arbetssökande.",
            "Vocational training for unemployed jobseekers.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        service_type="education",
        min_age=17,
        languages=[FI, SV, EN],
        how_to_refer=(
            "Haku Työmarkkinatorilla; asiantuntija arvioi soveltuvuuden.",
            "Ansökan på Jobbmarknaden.",
            "Apply at Job Market Finland.",
        ),
        web_address=TYOMARKKINATORI,
    ),
    # Workplace measures
    entry(
        "tyopaikan-mukautukset",
        C.WORKPLACE,
        (
            "Työpaikan mukautukset ja työjärjestelyt",
            "Anpassningar och arbetsarrangemang på arbetsplatsen",
            "Workplace adjustments and arrangements",
        ),
        (
            "Työn muokkaaminen, työaikajärjestelyt, esteettömyys ja työyhteisön tuki "
            "työterveysyhteistyönä.",
            "Anpassning av arbetet, arbetstider, tillgänglighet och stöd i arbetsgemenskapen.",
            "Modified duties, working hours, accessibility and support at work.",
        ),
        provider_names=(
            "Työnantaja ja työterveyshuolto",
            "Arbetsgivaren och företagshälsovården",
            "The employer and occupational health care",
        ),
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Työkykyneuvottelu työnantajan, työntekijän ja työterveyshuollon kesken.",
            "Arbetsförmågeförhandling mellan arbetsgivare, arbetstagare och företagshälsovård.",
            "A work-ability meeting of employer, employee and occupational health.",
        ),
    ),
    entry(
        "tyoolosuhteiden-jarjestelytuki",
        C.WORKPLACE,
        (
            "Työolosuhteiden järjestelytuki",
            "Stöd för arrangemang av arbetsförhållandena",
            "Support for adapting working conditions",
        ),
        (
            "Tuki työnantajalle työvälineiden hankintaan tai muutoksiin ja toisen työntekijän "
            "antamaan apuun.",
            "Stöd till arbetsgivaren för arbetsredskap och för hjälp av en annan arbetstagare.",
            "Support to employers for tools, adaptations and help given by a colleague.",
        ),
        provider="helsinki-tyollisyyspalvelut",
        languages=ALL_LANGUAGES,
        how_to_refer=(
            "Työnantaja hakee työllisyyspalveluista.",
            "Arbetsgivaren ansöker hos sysselsättningstjänsterna.",
            "The employer applies to employment services.",
        ),
        web_address=TYOMARKKINATORI,
    ),
]


# An item's texts in Finnish, Swedish and English, and the fields they go to.
TEXTS = {
    "names": "name",
    "provider_names": "provider_name",
    "description": "description",
    "eligibility": "eligibility",
    "client_groups": "client_groups",
    "how_to_refer": "how_to_refer",
}


def seed_catalogue() -> None:
    """Creates or updates the demo catalogue entries by slug (safe to run again)."""
    organisations = {o.slug: o for o in Organisation.objects.all()}
    service_types = {t.code: t for t in ServiceType.objects.all()}
    for item in CATALOGUE:
        fields = dict(item)
        slug = fields.pop("slug")
        defaults = {
            "category": fields.pop("category"),
            "provider": organisations.get(fields.pop("provider", None)),
            "service_type": service_types.get(fields.pop("service_type", None)),
            "min_age": fields.pop("min_age", None),
            "max_age": fields.pop("max_age", None),
            "languages": fields.pop("languages", [FI]),
            "contact_phone": fields.pop("contact_phone", ""),
            "contact_email": fields.pop("contact_email", ""),
            "web_address": fields.pop("web_address", ""),
            "is_active": True,
        }
        # A provider named in text: Helsinki's administrators keep the entries of its seed.
        defaults["kept_by"] = None if defaults["provider"] else organisations.get("helsinki-sote")
        for name, field in TEXTS.items():
            texts = fields.pop(name, ("", "", ""))
            for language, text in zip((FI, SV, EN), texts, strict=True):
                defaults[f"{field}_{language}"] = text
        if fields:
            raise ValueError(f"unknown catalogue fields in {slug}: {sorted(fields)}")
        CatalogueEntry.objects.update_or_create(slug=slug, defaults=defaults)
