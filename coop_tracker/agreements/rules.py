"""Role rules per form and the Swedish names of forms, roles, phases and cost bases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from coop_tracker.agreements.models import (
    CostBasis,
    DecidingBody,
    EndAlignment,
    Form,
    Phase,
    Renewal,
    Role,
    Term,
)
from coop_tracker.core.i18n import _, _l, ngettext
from coop_tracker.organisations.models import OrgKind
from coop_tracker.organisations.rules import KIND_LABELS

FORM_LABELS: dict[str, str] = {
    Form.AVTALSSAMVERKAN: _l("Avtalssamverkan"),
    Form.GEMENSAM_NAMND: _l("Gemensam nämnd"),
    Form.KOMMUNALFORBUND: _l("Kommunalförbund"),
    Form.SAMORDNINGSFORBUND: _l("Samordningsförbund (Finsam)"),
    Form.BOLAG: _l("Gemensamt ägt bolag"),
    Form.OVRIG: _l("Övrig samverkan"),
}
FORM_HINTS: dict[str, str] = {
    Form.AVTALSSAMVERKAN: _l(
        "En kommun utför uppgifter åt en annan enligt avtal (KL 9 kap. 37 §)."
    ),
    Form.GEMENSAM_NAMND: _l("En nämnd i värdkommunens organisation som flera kommuner delar."),
    Form.KOMMUNALFORBUND: _l("En egen juridisk person som medlemskommunerna bildar."),
    Form.SAMORDNINGSFORBUND: _l(
        "Försäkringskassan, Arbetsförmedlingen, region och kommuner finansierar "
        "rehabilitering tillsammans (lag 2003:1210)."
    ),
    Form.BOLAG: _l("Ett aktiebolag som kommuner eller regioner äger tillsammans."),
    Form.OVRIG: _l("Föreningar, nätverk och annan samverkan."),
}
# Shown for the old form value "asymmetrisk" in history and files.
LEGACY_FORM_LABELS: dict[str, str] = {Form.ASYMMETRISK: _l("Asymmetrisk samverkan (äldre form)")}
ASYMMETRIC_LABEL = _l("Asymmetrisk")
ASYMMETRIC_HINT = _l(
    "En större part utför uppgifter åt mindre. Samverkansformens egna regler gäller ändå. "
    "Lämnas valet tomt avgörs det av befolkningen: värden har minst dubbelt så många "
    "invånare som varje annan kommun."
)
# A host is "much larger" when it has at least this many times the inhabitants of every other
# kommun party (the asymmetric flag's default).
ASYMMETRY_FACTOR = 2
ROLE_LABELS: dict[str, str] = {
    Role.HOST: _l("Värdkommun / utförare"),
    Role.PURCHASER: _l("Beställare / mottagande kommun"),
    Role.MEMBER: _l("Medlem / samverkande kommun"),
}
ROLE_SHORT: dict[str, str] = {
    Role.HOST: _l("Värd"),
    Role.PURCHASER: _l("Beställare"),
    Role.MEMBER: _l("Medlem"),
}
# In a gemensam nämnd the kommuner other than the värdkommun are "samverkande kommuner".
ROLE_SHORT_BY_FORM: dict[tuple[str, str], str] = {
    (Form.GEMENSAM_NAMND, Role.MEMBER): _l("Samverkande kommun"),
    (Form.BOLAG, Role.MEMBER): _l("Ägare"),
}
PHASE_LABELS: dict[str, str] = {
    Phase.PLANNED: _l("Planerad"),
    Phase.ACTIVE: _l("Pågående"),
    Phase.EXITING: _l("Avveckling"),
    Phase.ENDED: _l("Avslutad"),
    Phase.ABANDONED: _l("Avbruten"),
}
RENEWAL_LABELS: dict[str, str] = {
    Renewal.NONE: _l("Ingen förlängning"),
    Renewal.TACIT: _l("Förlängs automatiskt (tyst förlängning)"),
}
TERM_LABELS: dict[str, str] = {
    Term.FIXED: _l("Avtalsperiod som upphör utan uppsägning"),
    Term.FIXED_THEN_INDEFINITE: _l("Avtalsperiod och därefter tills vidare"),
    Term.INDEFINITE: _l("Tills vidare"),
    Term.RENEWING: _l("Avtalsperiod som förlängs automatiskt (tyst förlängning)"),
}
TERM_HINTS: dict[str, str] = {
    Term.FIXED: _l("”Avtalet gäller till och med 2026-12-31.” Upphör av sig självt."),
    Term.FIXED_THEN_INDEFINITE: _l(
        "”Avtalet gäller till 2026-12-31 och därefter tills vidare med 12 månaders uppsägningstid.”"
    ),
    Term.INDEFINITE: _l("”Avtalet gäller tills vidare med 12 månaders uppsägningstid.”"),
    Term.RENEWING: _l(
        "”Avtalet förlängs med ett år i taget om det inte sägs upp senast sex månader före "
        "avtalstidens utgång.”"
    ),
}
ALIGNMENT_LABELS: dict[str, str] = {
    EndAlignment.NONE: _l("Den dag uppsägningstiden löper ut"),
    EndAlignment.MONTH_END: _l("Närmaste månadsskifte efter uppsägningstiden"),
    EndAlignment.YEAR_END: _l("Närmaste årsskifte efter uppsägningstiden"),
}
DECIDING_BODY_LABELS: dict[str, str] = {
    DecidingBody.KF: _l("Kommunfullmäktige (bereds i kommunstyrelsen)"),
    DecidingBody.KS: _l("Kommunstyrelsen"),
    DecidingBody.NAMND: _l("En nämnd"),
}
COST_BASIS_LABELS: dict[str, str] = {
    CostBasis.PER_CAPITA: _l("Per invånare"),
    CostBasis.FIXED_SHARES: _l("Fasta andelar"),
    CostBasis.USAGE: _l("Efter användning"),
    CostBasis.OTHER: _l("Annan fördelning"),
}


def role_rule_errors(form: str, roles: Iterable[str]) -> list[str]:
    """Every way the parties' roles break the form's rules, in Swedish (empty when they hold)."""
    counts = Counter(roles)
    total = sum(counts.values())
    host, purchaser, member = counts[Role.HOST], counts[Role.PURCHASER], counts[Role.MEMBER]
    errors: list[str] = []
    if total < 2:
        errors.append(_("En samverkan måste ha minst två parter."))
    if form == Form.AVTALSSAMVERKAN:
        if host < 1:
            errors.append(_("Avtalssamverkan behöver minst en utförande kommun (värd)."))
        if purchaser < 1:
            errors.append(_("Avtalssamverkan behöver minst en beställande kommun."))
        if member:
            errors.append(_("Avtalssamverkan har inga medlemmar: välj utförare eller beställare."))
    elif form == Form.GEMENSAM_NAMND:
        if host != 1:
            errors.append(_("En gemensam nämnd har exakt en värdkommun."))
        if member < 1:
            errors.append(_("En gemensam nämnd behöver minst en samverkande medlemskommun."))
        if purchaser:
            errors.append(_("En gemensam nämnd har inga beställare: välj värdkommun eller medlem."))
    elif form == Form.KOMMUNALFORBUND:
        if member < 2:
            errors.append(_("Ett kommunalförbund behöver minst två medlemskommuner."))
        if host or purchaser:
            errors.append(
                _("I ett kommunalförbund är alla kommuner medlemmar; förbundet självt utför.")
            )
    elif form == Form.SAMORDNINGSFORBUND:
        if member < 2:
            errors.append(_("Ett samordningsförbund behöver sina medlemmar."))
        if host or purchaser:
            errors.append(
                _("I ett samordningsförbund är alla parter medlemmar; förbundet självt utför.")
            )
    elif form == Form.BOLAG:
        if member < 2:
            errors.append(_("Ett gemensamt ägt bolag behöver minst två ägare (medlemmar)."))
        if host or purchaser:
            errors.append(_("I ett gemensamt ägt bolag är alla parter ägare: välj medlem."))
    return errors


# Which kinds of organisation may take each role, per form (ovrig: any kind, any role).
KINDS_BY_FORM_ROLE: dict[str, dict[str, tuple[str, ...]]] = {
    # KL 9 kap. 37 §: kommuner and regioner; a kommunalförbund may perform (sell) a task.
    Form.AVTALSSAMVERKAN: {
        Role.HOST: (OrgKind.KOMMUN, OrgKind.REGION, OrgKind.FORBUND),
        Role.PURCHASER: (OrgKind.KOMMUN, OrgKind.REGION),
    },
    # KL 9 kap. 1 § and 19 §: public-law forms open only to kommuner and regioner.
    Form.GEMENSAM_NAMND: {
        Role.HOST: (OrgKind.KOMMUN, OrgKind.REGION),
        Role.MEMBER: (OrgKind.KOMMUN, OrgKind.REGION),
    },
    Form.KOMMUNALFORBUND: {Role.MEMBER: (OrgKind.KOMMUN, OrgKind.REGION)},
    # Lag (2003:1210) 3–4 §§: Försäkringskassan, Arbetsförmedlingen, region(er), kommun(er).
    Form.SAMORDNINGSFORBUND: {Role.MEMBER: (OrgKind.KOMMUN, OrgKind.REGION, OrgKind.AGENCY)},
    Form.BOLAG: {Role.MEMBER: (OrgKind.KOMMUN, OrgKind.REGION)},
}
FINSAM_AGENCIES = ("202100-5521", "202100-2114")  # Försäkringskassan, Arbetsförmedlingen
GOTLAND = "0980"  # a kommun with a region's tasks: takes part in Finsam without a region


@dataclass(frozen=True)
class PartyKind:
    """What the kind rules need to know of one current party."""

    kind: str
    role: str
    name: str
    org_number: str | None = None
    municipality_code: str | None = None


def party_kind_errors(form: str, parties: Iterable[PartyKind]) -> list[str]:
    """Every party whose kind of organisation the form does not allow, and what a
    samordningsförbund lacks, in Swedish (empty when the parties fit)."""
    allowed = KINDS_BY_FORM_ROLE.get(form)
    if allowed is None:
        return []
    parties = list(parties)
    errors: list[str] = []
    form_label = FORM_LABELS.get(form, form)
    for party in parties:
        kinds = allowed.get(party.role)
        if kinds is None or party.kind in kinds:
            continue
        errors.append(
            _(
                "%(name)s (%(kind)s) kan inte vara %(role)s i %(form)s.",
                name=party.name,
                kind=str(KIND_LABELS.get(party.kind, party.kind)).lower(),
                role=str(ROLE_SHORT.get(party.role, party.role)).lower(),
                form=str(form_label).lower(),
            )
        )
    if form == Form.SAMORDNINGSFORBUND:
        numbers = {p.org_number for p in parties if p.kind == OrgKind.AGENCY}
        for party in parties:
            if party.kind == OrgKind.AGENCY and party.org_number not in FINSAM_AGENCIES:
                errors.append(
                    _(
                        "%(name)s kan inte vara medlem i ett samordningsförbund: bara "
                        "Försäkringskassan och Arbetsförmedlingen av staten.",
                        name=party.name,
                    )
                )
        if FINSAM_AGENCIES[0] not in numbers:
            errors.append(_("Försäkringskassan måste vara medlem i ett samordningsförbund."))
        if FINSAM_AGENCIES[1] not in numbers:
            errors.append(_("Arbetsförmedlingen måste vara medlem i ett samordningsförbund."))
        kommuner = [p for p in parties if p.kind == OrgKind.KOMMUN]
        if not kommuner:
            errors.append(_("Minst en kommun måste vara medlem i ett samordningsförbund."))
        has_region = any(p.kind == OrgKind.REGION for p in parties)
        if not has_region and not any(p.municipality_code == GOTLAND for p in kommuner):
            errors.append(_("Minst en region måste vara medlem i ett samordningsförbund."))
    return errors


def is_much_larger(host: int | None, others: Iterable[int | None]) -> bool | None:
    """Whether a host with ``host`` inhabitants is much larger than each of the others; None
    when a population is missing (nothing can be said)."""
    others = list(others)
    if host is None or not others or any(o is None for o in others):
        return None
    return all(host >= ASYMMETRY_FACTOR * (o or 0) for o in others)


def role_rule_warnings(
    form: str,
    parties: Iterable[tuple[str, str]],
    population: Mapping[str, int | None],
    *,
    asymmetric: bool = False,
) -> list[str]:
    """Advice that does not block saving: an asymmetric host should be the largest kommun."""
    if not asymmetric or form not in (Form.AVTALSSAMVERKAN, Form.GEMENSAM_NAMND):
        return []
    parties = list(parties)
    hosts = [code for code, role in parties if role == Role.HOST]
    if len(hosts) != 1 or population.get(hosts[0]) is None:
        return []
    host_pop = population[hosts[0]] or 0
    larger = [
        code
        for code, role in parties
        if role != Role.HOST and code in population and (population.get(code) or 0) >= host_pop
    ]
    if larger:
        return [
            _(
                "Värdkommunen är inte större än alla andra kommuner; kontrollera att "
                "samverkan verkligen är asymmetrisk och att rollerna stämmer."
            )
        ]
    return []


def clause_sentence(
    term: str | None,
    start_on: date | None,
    end_on: date | None,
    notice_months: int | None,
    renewal_months: int | None = None,
    end_alignment: str | None = None,
) -> str:
    """The term as the sentence a user recognises from the paper, in the UI language.

    "Avtalet gäller till 2026-12-31 och därefter tills vidare med 12 månaders
    uppsägningstid, räknat till närmaste årsskifte." Empty when the term is not known.
    """
    notice = (
        ngettext("%(num)s månads uppsägningstid", "%(num)s månaders uppsägningstid", notice_months)
        if notice_months
        else _("utan uppsägningstid")
    )
    aligned_texts: dict[str, str] = {
        EndAlignment.MONTH_END: _(", räknat till närmaste månadsskifte"),
        EndAlignment.YEAR_END: _(", räknat till närmaste årsskifte"),
    }
    aligned = aligned_texts.get(end_alignment or "", "")
    end = end_on.isoformat() if end_on else ""
    if term == Term.INDEFINITE:
        return _(
            "Avtalet gäller tills vidare med %(notice)s%(aligned)s.", notice=notice, aligned=aligned
        )
    if not end:
        return ""
    if term == Term.FIXED_THEN_INDEFINITE:
        return _(
            "Avtalet gäller till %(end)s och därefter tills vidare med %(notice)s%(aligned)s.",
            end=end,
            notice=notice,
            aligned=aligned,
        )
    if term == Term.RENEWING:
        return _(
            "Avtalet gäller till %(end)s och förlängs därefter med %(months)s månader i taget "
            "om det inte sägs upp senast %(notice_months)s månader före periodens slut.",
            end=end,
            months=renewal_months or 0,
            notice_months=notice_months or 0,
        )
    if start_on:
        return _(
            "Avtalet gäller %(start)s–%(end)s och upphör då utan uppsägning.",
            start=start_on.isoformat(),
            end=end,
        )
    return _("Avtalet gäller till %(end)s och upphör då utan uppsägning.", end=end)


def agreement_clause(agreement: Any) -> str:
    """:func:`clause_sentence` of a saved agreement."""
    return clause_sentence(
        agreement.term,
        agreement.start_on,
        agreement.end_on,
        agreement.notice_months,
        agreement.renewal_months,
        agreement.end_alignment,
    )
