"""Role rules per form and the Swedish names of forms, roles, phases and cost bases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from coop_tracker.agreements.models import CostBasis, Form, Phase, Renewal, Role
from coop_tracker.core.i18n import _, _l

FORM_LABELS: dict[str, str] = {
    Form.AVTALSSAMVERKAN: _l("Avtalssamverkan"),
    Form.GEMENSAM_NAMND: _l("Gemensam nämnd"),
    Form.KOMMUNALFORBUND: _l("Kommunalförbund"),
    Form.ASYMMETRISK: _l("Asymmetrisk samverkan"),
    Form.OVRIG: _l("Övrig samverkan"),
}
FORM_HINTS: dict[str, str] = {
    Form.AVTALSSAMVERKAN: _l(
        "En kommun utför uppgifter åt en annan enligt avtal (KL 9 kap. 37 §)."
    ),
    Form.GEMENSAM_NAMND: _l("En nämnd i värdkommunens organisation som flera kommuner delar."),
    Form.KOMMUNALFORBUND: _l("En egen juridisk person som medlemskommunerna bildar."),
    Form.ASYMMETRISK: _l("En större kommun utför uppgifter åt mindre kommuner."),
    Form.OVRIG: _l("Bolag, föreningar, nätverk och annan samverkan."),
}
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
    elif form == Form.ASYMMETRISK:
        if host != 1:
            errors.append(_("Asymmetrisk samverkan har exakt en ansvarig (värd)kommun."))
        if purchaser < 1:
            errors.append(_("Asymmetrisk samverkan behöver minst en mottagande kommun."))
        if member:
            errors.append(
                _("Asymmetrisk samverkan har inga medlemmar: välj värd eller beställare.")
            )
    return errors


def role_rule_warnings(
    form: str, parties: Iterable[tuple[str, str]], population: Mapping[str, int | None]
) -> list[str]:
    """Advice that does not block saving: an asymmetric host should be the largest kommun."""
    if form != Form.ASYMMETRISK:
        return []
    parties = list(parties)
    hosts = [code for code, role in parties if role == Role.HOST]
    if len(hosts) != 1 or population.get(hosts[0]) is None:
        return []
    host_pop = population[hosts[0]] or 0
    larger = [
        code
        for code, role in parties
        if role == Role.PURCHASER and (population.get(code) or 0) >= host_pop
    ]
    if larger:
        return [
            _(
                "Värdkommunen är inte större än alla mottagande kommuner; kontrollera att "
                "rollerna stämmer för en asymmetrisk samverkan."
            )
        ]
    return []
