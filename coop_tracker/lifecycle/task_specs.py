"""The exit tasks as data: what falls on whom when a party leaves or the cooperation ends, with
when it is due and what it rests on."""

from __future__ import annotations

from dataclasses import dataclass

from coop_tracker.agreements.models import Form, Role
from coop_tracker.core.i18n import LazyText, _l
from coop_tracker.lifecycle.models import ExitKind

# Short citations of what the tasks rest on (checked against the law texts and public guidance
# named in the project's notes; the texts are our own words).
MBL_11 = "Lag (1976:580) om medbestämmande i arbetslivet, 11 §"
LAS_6B = "Lag (1982:80) om anställningsskydd, 6 b §"
KL_CHARTER = "Kommunallagen (2017:725) 9 kap. 6 § och förbundsordningen"
KL_FORBUND = "Kommunallagen (2017:725) 9 kap. 1–18 §§ och förbundsordningen"
KL_NAMND = "Kommunallagen (2017:725) 9 kap. 19–36 §§, reglementet och samverkansavtalet"
KL_AVTAL = "Kommunallagen (2017:725) 9 kap. 37 §"
KL_DELEGATION = "Kommunallagen (2017:725) 6 kap. 38 § och 9 kap. 37 §"
LKBR_PENSION = "Lag (2018:597) om kommunal bokföring och redovisning 5 kap. 4 §; RKR R10"
ARKIV = "Arkivlagen (1990:782)"
GDPR_28 = "Dataskyddsförordningen (EU) 2016/679 art. 28.3 g"
FINSAM_LIKVIDATION = "Finsam: Förbundet upphör (likvidation); Kommunallagen (2017:725) 9 kap."
AGREEMENT_TERMS = "Avtalet, reglementet eller förbundsordningen"


@dataclass(frozen=True)
class TaskSpec:
    """One exit task and whom it falls on.

    ``who`` is "joint" (one task for all, or for the förbund itself), "leaving" (the party that
    leaves in an utträde; every party when the whole cooperation ends) or "remaining" (the
    parties that go on after an utträde). ``roles``, ``kinds`` and ``forms`` narrow it (empty:
    all). ``title`` may differ by form (key ``"*"`` for the rest).

    ``due`` is "before_decision" (MBL before the decision), "before_notice" (the decision before
    the notice), "notice", "start" (of the transition), "effective" (the date the exit takes
    effect) or "end" (end of the transition, else the effective date). ``due_others`` is used
    instead for parties other than the one giving notice when the whole cooperation ends.
    """

    kind: str
    title: dict[str, LazyText]
    who: str
    roles: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    due: str = "end"
    due_others: str | None = None
    guidance: LazyText | None = None
    source: str = ""
    required: bool = True

    def title_for(self, form: str) -> str:
        """The title stored for a task of an agreement of ``form`` (Swedish, the source)."""
        return self.title.get(form, self.title["*"]).source

    @property
    def guidance_text(self) -> str:
        """The guidance as stored (Swedish, the source)."""
        return self.guidance.source if self.guidance is not None else ""

    def applies(self, kind: str, form: str) -> bool:
        return (not self.kinds or kind in self.kinds) and (not self.forms or form in self.forms)


W, E, L = ExitKind.WITHDRAWAL, ExitKind.ENDING, ExitKind.LIQUIDATION
KF, GN, AS, ASYM = Form.KOMMUNALFORBUND, Form.GEMENSAM_NAMND, Form.AVTALSSAMVERKAN, Form.ASYMMETRISK
HOSTED = (GN, AS, ASYM)  # forms where one kommun performs for the others

EXIT_TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(
        "transition-group",
        {"*": _l("Tillsätt en gemensam övergångsgrupp med en samordnare")},
        "joint",
        due="start",
        required=False,
        guidance=_l(
            "En grupp med företrädare för alla parter håller ihop tidplanen och löser "
            "frågor som rör flera kommuner."
        ),
    ),
    # --- the party that leaves (everyone when the whole cooperation ends) --------------------
    TaskSpec(
        "mbl",
        {"*": _l("Förhandla med de fackliga organisationerna (MBL 11 §) innan beslutet fattas")},
        "leaving",
        kinds=(W,),
        due="before_decision",
        guidance=_l(
            "En arbetsgivare ska förhandla innan den beslutar om en viktigare förändring av "
            "sin verksamhet. Ett utträde som flyttar en uppgift tillbaka till kommunen är en sådan "
            "förändring för den egna personalen. Förhandlingen ska vara avslutad före beslutet."
        ),
        source=MBL_11,
    ),
    TaskSpec(
        "decision",
        {
            "*": _l("Beslut i behörigt organ om att lämna samverkan – före uppsägningen"),
            KF: _l("Beslut i fullmäktige om utträde ur förbundet – före uppsägningen"),
            GN: _l("Beslut i fullmäktige om utträde ur den gemensamma nämnden – före uppsägningen"),
        },
        "leaving",
        kinds=(W,),
        due="before_notice",
        guidance=_l(
            "Uppsägningen får lämnas först när beslutet är fattat, justerat och anslaget. "
            "Räkna med tid för beredning i kommunstyrelsen. Registrera beslutet under Beslut hos "
            "parterna."
        ),
        source=AGREEMENT_TERMS,
    ),
    TaskSpec(
        "decision",
        {
            "*": _l("Beslut i behörigt organ om avslutet och om vad som tar vid"),
            KF: _l("Beslut i fullmäktige om att förbundet ska upplösas och om vad som tar vid"),
            GN: _l("Beslut i fullmäktige om att den gemensamma nämnden ska upphöra"),
        },
        "leaving",
        kinds=(E, L),
        due="before_notice",
        due_others="start",
        guidance=_l(
            "Den part som säger upp beslutar före uppsägningen; de andra beslutar om hur de "
            "ska sköta uppgiften efteråt. Registrera varje beslut under Beslut hos parterna."
        ),
        source=AGREEMENT_TERMS,
    ),
    TaskSpec(
        "notice",
        {"*": _l("Lämna uppsägningen skriftligt och se till att den når varje part")},
        "leaving",
        kinds=(W,),
        due="notice",
        guidance=_l(
            "Uppsägningstiden räknas från den dag uppsägningen når mottagaren. Skicka den "
            "till varje part och spara bevis på att den kommit fram, till exempel deras "
            "diarienummer."
        ),
        source=AGREEMENT_TERMS,
    ),
    TaskSpec(
        "take-back",
        {
            "*": _l("Ta tillbaka uppgiften: organisation, personal, system och data"),
            KF: _l("Ta tillbaka uppgiften från förbundet: organisation, personal, system och data"),
        },
        "leaving",
        kinds=(W,),
        guidance=_l(
            "Någon måste bära ansvaret från den dag utträdet gäller: egen verksamhet, en ny "
            "samverkan eller ett övergångsavtal."
        ),
    ),
    TaskSpec(
        "records-receive",
        {
            "*": _l("Ta emot handlingar och pågående ärenden som rör kommunens område"),
            KF: _l("Ta emot pågående ärenden och de handlingar som behövs för att sköta dem"),
        },
        "leaving",
        kinds=(W,),
        forms=(KF, *HOSTED),
        guidance=_l(
            "Förbundets eget arkiv stannar hos förbundet. Det som följer med är det som "
            "behövs för att fortsätta ärendena, till exempel pågående tillsyn."
        ),
        source=ARKIV,
    ),
    TaskSpec(
        "build-up",
        {"*": _l("Bygg upp egen verksamhet eller ordna en ny samverkan för uppgiften")},
        "leaving",
        roles=(Role.PURCHASER, Role.MEMBER),
        kinds=(E, L),
        guidance=_l(
            "Egen verksamhet, en ny samverkan eller en annan lösning – men någon måste ta "
            "över ansvaret den dag samverkan upphör."
        ),
    ),
    TaskSpec(
        "records-receive",
        {"*": _l("Ta emot handlingar i pågående ärenden som rör kommunen")},
        "leaving",
        roles=(Role.PURCHASER, Role.MEMBER),
        kinds=(E,),
        forms=HOSTED,
        source=ARKIV,
    ),
    # --- the parties that stay after an utträde ----------------------------------------------
    TaskSpec(
        "amend-charter",
        {"*": _l("Anta den ändrade förbundsordningen i fullmäktige")},
        "remaining",
        kinds=(W,),
        forms=(KF,),
        due="effective",
        guidance=_l(
            "Varje kvarvarande medlems fullmäktige antar samma ändrade förbundsordning: "
            "medlemmarna, andelarna i tillgångar och skulder, kostnadsfördelningen och antalet "
            "ledamöter och ersättare i förbundets organ."
        ),
        source=KL_CHARTER,
    ),
    TaskSpec(
        "amend-rules",
        {"*": _l("Anta ändrat reglemente och ändrat samverkansavtal i fullmäktige")},
        "remaining",
        kinds=(W,),
        forms=(GN,),
        due="effective",
        guidance=_l(
            "Reglementet och samverkansavtalet ska spegla vilka kommuner som är kvar: "
            "platser i nämnden, kostnadsfördelning och insyn. Varje kvarvarande fullmäktige "
            "beslutar."
        ),
        source=KL_NAMND,
    ),
    TaskSpec(
        "amend-agreement",
        {"*": _l("Ändra avtalet med de parter som är kvar (omfattning och ersättning)")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
        forms=(AS, ASYM, Form.OVRIG),
        due="effective",
        required=False,
    ),
    TaskSpec(
        "cost-shares",
        {"*": _l("Kom överens om ny kostnadsfördelning mellan de parter som är kvar")},
        "joint",
        kinds=(W,),
        forms=(KF, GN, Form.OVRIG),
        due="effective",
        source=AGREEMENT_TERMS,
    ),
    # --- the host or the förbund ----------------------------------------------------------------
    TaskSpec(
        "scale-down",
        {"*": _l("Anpassa verksamheten: bemanning, lokaler, budget och avtal")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
    ),
    TaskSpec(
        "scale-down",
        {"*": _l("Avveckla verksamheten för de andra: bemanning, lokaler, budget och avtal")},
        "leaving",
        roles=(Role.HOST,),
        kinds=(E,),
    ),
    TaskSpec(
        "scale-down",
        {"*": _l("Förbundet anpassar verksamheten efter den nya omfattningen")},
        "joint",
        kinds=(W,),
        forms=(KF,),
    ),
    TaskSpec(
        "staff-transfer",
        {"*": _l("Personal: förhandla och utred om verksamhetsövergång (LAS 6 b §) gäller")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
        due="start",
        guidance=_l(
            "Om en del av verksamheten går över till den kommun som lämnar följer "
            "anställningarna med till den nya arbetsgivaren med oförändrade villkor, om inte den "
            "anställde motsätter sig det. Informera och förhandla i god tid."
        ),
        source=f"{LAS_6B}; {MBL_11}",
    ),
    TaskSpec(
        "staff-transfer",
        {"*": _l("Personal: förhandla och utred om verksamhetsövergång (LAS 6 b §) gäller")},
        "leaving",
        roles=(Role.HOST,),
        kinds=(E,),
        due="start",
        guidance=_l(
            "Går verksamheten över till de andra kommunerna följer anställningarna med till "
            "den nya arbetsgivaren med oförändrade villkor, om inte den anställde motsätter "
            "sig det."
        ),
        source=f"{LAS_6B}; {MBL_11}",
    ),
    TaskSpec(
        "staff-transfer",
        {"*": _l("Förbundet: förhandla med personalen och utred verksamhetsövergång (LAS 6 b §)")},
        "joint",
        kinds=(W, L),
        forms=(KF,),
        due="start",
        guidance=_l(
            "När en uppgift lämnar förbundet kan anställningarna följa med till den kommun "
            "som tar över den. Förbundet är arbetsgivare och förhandlar för sin personal."
        ),
        source=f"{LAS_6B}; {MBL_11}",
    ),
    TaskSpec(
        "records-handover",
        {"*": _l("Lämna över handlingar och pågående ärenden som rör den part som lämnar")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
        forms=HOSTED,
        source=ARKIV,
    ),
    TaskSpec(
        "records-handover",
        {"*": _l("Lämna över handlingar och pågående ärenden till de andra kommunerna")},
        "leaving",
        roles=(Role.HOST,),
        kinds=(E,),
        forms=HOSTED,
        guidance=_l(
            "Den gemensamma nämndens arkiv hör till värdkommunen; kom överens om vad som "
            "ska lämnas över för att de andra ska kunna fortsätta ärendena."
        ),
        source=ARKIV,
    ),
    TaskSpec(
        "contracts",
        {"*": _l("Avtal med tredje part: gå igenom vilka som berörs och vem som tar över dem")},
        "joint",
        kinds=(W, E),
    ),
    # --- money of a kommunalförbund --------------------------------------------------------------
    TaskSpec(
        "equity-share",
        {"*": _l("Räkna fram den utträdande medlemmens andel av förbundets eget kapital")},
        "joint",
        kinds=(W,),
        forms=(KF,),
        due="effective",
        guidance=_l(
            "Förbundsordningen anger medlemmarnas andelar i tillgångar och skulder och hur "
            "den som lämnar ska få ut eller betala sin del. Utgå från bokslutet närmast före "
            "utträdet."
        ),
        source=KL_CHARTER,
    ),
    TaskSpec(
        "pensions",
        {
            "*": _l(
                "Pensioner: fördela och reglera pensionsskulden, även ansvarsförbindelsen "
                "för pensioner intjänade före 1998"
            )
        },
        "joint",
        kinds=(W, L),
        forms=(KF,),
        due="effective",
        guidance=_l(
            "Pensioner som intjänats före 1998 står som ansvarsförbindelse utanför "
            "balansräkningen och glöms lätt när andelar räknas fram. Bestäm vem som bär vilken del "
            "och hur den regleras, till exempel med en engångsbetalning."
        ),
        source=LKBR_PENSION,
    ),
    TaskSpec(
        "shortfall",
        {"*": _l("Gör upp om ett eventuellt underskott och varje medlems del av det")},
        "joint",
        kinds=(W,),
        forms=(KF,),
        due="effective",
        guidance=_l(
            "Räcker inte förbundets tillgångar till skulderna ska medlemmarna fylla bristen "
            "efter sina andelar enligt förbundsordningen; det gäller även den som lämnar, för "
            "tiden som medlem."
        ),
        source=KL_FORBUND,
    ),
    TaskSpec(
        "shortfall",
        {"*": _l("Täck kommunens andel av ett eventuellt underskott enligt förbundsordningen")},
        "leaving",
        kinds=(L,),
        required=False,
        source=KL_FORBUND,
    ),
    # --- likvidation -----------------------------------------------------------------------------
    TaskSpec(
        "liquidator",
        {"*": _l("Förbundsstyrelsen genomför likvidationen som likvidator")},
        "joint",
        kinds=(L,),
        due="effective",
        guidance=_l(
            "När förbundet har trätt i likvidation är det styrelsen (eller direktionen) som "
            "avvecklar det och får bara göra det som behövs för avvecklingen."
        ),
        source=FINSAM_LIKVIDATION,
    ),
    TaskSpec(
        "pay-debts",
        {"*": _l("Betala förbundets skulder och sälj eller fördela egendomen")},
        "joint",
        kinds=(L,),
        source=FINSAM_LIKVIDATION,
    ),
    TaskSpec(
        "distribute",
        {"*": _l("Fördela det som återstår mellan medlemmarna enligt förbundsordningen")},
        "joint",
        kinds=(L,),
        source=KL_CHARTER,
    ),
    TaskSpec(
        "final-report",
        {"*": _l("Lämna slutredovisning med förvaltningsberättelse till varje medlem")},
        "joint",
        kinds=(L,),
        guidance=_l(
            "Berättelsen redovisar hela likvidationen: betalda skulder, sålda tillgångar och "
            "hur det som återstod fördelades, med redovisningshandlingarna bifogade. Förbundet är "
            "upplöst när varje medlem har fått den."
        ),
        source=FINSAM_LIKVIDATION,
    ),
    TaskSpec(
        "final-report-received",
        {"*": _l("Ta emot förbundets slutredovisning och behandla den")},
        "leaving",
        kinds=(L,),
        source=FINSAM_LIKVIDATION,
    ),
    TaskSpec(
        "archive",
        {"*": _l("Lämna förbundets arkiv till den arkivmyndighet som ska ta emot det")},
        "joint",
        kinds=(L,),
        guidance=_l(
            "Bestäm i god tid vilken medlems arkivmyndighet som tar emot arkivet och fatta "
            "beslutet innan slutredovisningen lämnas."
        ),
        source=f"{ARKIV}; Finsam: Förbundet upphör (arkivering)",
    ),
    TaskSpec(
        "contracts-org",
        {"*": _l("Säg upp eller överlåt förbundets avtal och avregistrera organisationsnumret")},
        "joint",
        kinds=(L,),
        guidance=_l(
            "Hyres-, leverantörs- och licensavtal, försäkringar och bankkonton. Anmäl till "
            "Skatteverket när förbundet har upphört."
        ),
    ),
    # --- avtalssamverkan ------------------------------------------------------------------------
    TaskSpec(
        "delegation",
        {"*": _l("Återkalla delegationen till den utförande kommunens anställda")},
        "leaving",
        roles=(Role.PURCHASER,),
        forms=(AS, ASYM),
        due="effective",
        guidance=_l(
            "Ändra nämndens delegationsordning så att ingen anställd i den andra kommunen "
            "längre beslutar på nämndens vägnar från den dag avtalet upphör."
        ),
        source=KL_DELEGATION,
    ),
    TaskSpec(
        "taxa",
        {"*": _l("Bestäm vilken taxa som gäller efter avslutet och besluta om den vid behov")},
        "leaving",
        roles=(Role.PURCHASER,),
        forms=(AS, ASYM),
        due="effective",
        guidance=_l(
            "Avgifter i myndighetsutövning tas ut enligt den ansvariga kommunens egen taxa. "
            "Kontrollera att kommunen har en gällande taxa för uppgiften när den tar tillbaka den."
        ),
        source=KL_AVTAL,
    ),
    TaskSpec(
        "supervisors",
        {"*": _l("Informera tillsynsmyndigheter och register om vem som sköter uppgiften")},
        "leaving",
        roles=(Role.PURCHASER,),
        forms=(AS, ASYM),
        due="effective",
        guidance=_l(
            "Ansvaret mot tillsynsmyndigheterna har hela tiden legat hos den beställande "
            "kommunen; berätta vem som utför uppgiften från avslutet och uppdatera register där "
            "utföraren står angiven."
        ),
        source=KL_AVTAL,
    ),
    TaskSpec(
        "pending-cases",
        {"*": _l("Pågående ärenden och överklaganden: förteckna och lämna över dem")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
        forms=(AS, ASYM),
        guidance=_l(
            "Beslut som den utförande kommunens anställda fattat är den beställande "
            "nämndens beslut. Lämna över ärenden som pågår och beslut som är överklagade."
        ),
        source=KL_DELEGATION,
    ),
    TaskSpec(
        "pending-cases",
        {"*": _l("Pågående ärenden och överklaganden: förteckna och lämna över dem")},
        "leaving",
        roles=(Role.HOST,),
        kinds=(E,),
        forms=(AS, ASYM),
        source=KL_DELEGATION,
    ),
    TaskSpec(
        "personal-data",
        {
            "*": _l(
                "Avsluta personuppgiftsbiträdesavtalet: få tillbaka eller radera personuppgifterna"
            )
        },
        "leaving",
        roles=(Role.PURCHASER,),
        forms=(AS, ASYM),
        due="effective",
        guidance=_l(
            "Bestäm om uppgifterna ska lämnas tillbaka eller raderas och begär en bekräftelse "
            "från den utförande kommunen när det är gjort."
        ),
        source=GDPR_28,
    ),
    TaskSpec(
        "personal-data",
        {"*": _l("Lämna tillbaka eller radera den beställande kommunens personuppgifter")},
        "remaining",
        roles=(Role.HOST,),
        kinds=(W,),
        forms=(AS, ASYM),
        due="effective",
        source=GDPR_28,
    ),
    TaskSpec(
        "personal-data",
        {"*": _l("Lämna tillbaka eller radera de beställande kommunernas personuppgifter")},
        "leaving",
        roles=(Role.HOST,),
        kinds=(E,),
        forms=(AS, ASYM),
        source=GDPR_28,
    ),
    # --- every exit --------------------------------------------------------------------------
    TaskSpec(
        "it-data",
        {"*": _l("IT-system och data: exportera, flytta och stäng behörigheter")},
        "leaving",
        kinds=(W, E),
    ),
    TaskSpec(
        "assets-debts",
        {"*": _l("Tillgångar och skulder: gör upp om fördelning och slutreglering")},
        "joint",
        kinds=(W, E),
        forms=(GN, AS, ASYM, Form.OVRIG),
        source=AGREEMENT_TERMS,
    ),
    TaskSpec(
        "communication",
        {"*": _l("Information till invånare, medarbetare och berörda myndigheter")},
        "joint",
        due="start",
        required=False,
    ),
)
