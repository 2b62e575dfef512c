"""The network's filters (from a query string, the API or the CLI) and the adopt form."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField

from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS
from coop_tracker.core.i18n import _l
from coop_tracker.network.graph import ACTIVE_PHASES, GraphFilters

VIEWS = ("graph", "bipartite")
COLOURS = ("county", "group")
LAYOUTS = ("map", "communities")
# The whole country summed up per län, SKR kommungrupp or samverkansgrupp, or every kommun.
OVERVIEWS = ("county", "skr_group", "community", "kommuner")


@dataclass(frozen=True)
class Display:
    """How the page draws the network (never changes the numbers)."""

    view: str = "graph"
    colour: str = "county"
    layout: str = "map"
    overview: str = "county"


def parse_filters(
    get: Any,
    get_list: Any,
    *,
    areas: Collection[str],
    codes: Collection[str],
) -> tuple[GraphFilters, dict[str, str]]:
    """Filters from raw values; a bad value is dropped with a Swedish message naming the field.

    ``get(name)`` returns one raw value (or None), ``get_list(name)`` every value of a
    repeatable argument, so the same rules serve the page, the API and the CLI.
    """
    problems: dict[str, str] = {}

    def one(name: str, allowed: Collection[str], message: str) -> str | None:
        raw = (get(name) or "").strip()
        if not raw:
            return None
        if raw not in allowed:
            problems[name] = message
            return None
        return raw

    area = one("area", areas, "Okänt samverkansområde.")
    form = one("form", FORM_LABELS, "Okänd samverkansform.")
    counties = {code[:2] for code in codes}
    county = one("county", counties, "Länskoden måste vara två siffror för ett län som finns.")
    municipality = one("municipality", codes, "Kommunkoden måste vara en av de 290 kommunerna.")
    raw_phases = [p for p in (get_list("phase") or []) if p]
    phases = tuple(p for p in PHASE_LABELS if p in raw_phases)
    if len(phases) != len(set(raw_phases)):
        problems["phase"] = "Okänd fas; välj bland planerad, pågående, avveckling och avslutad."
    if not phases:
        phases = ACTIVE_PHASES
    depth = 1
    raw_depth = (get("depth") or "").strip()
    if raw_depth:
        if raw_depth in ("1", "2"):
            depth = int(raw_depth)
        else:
            problems["depth"] = "Antal steg måste vara 1 eller 2."
    organisations = False
    raw_organisations = (get("organisations") or "").strip().lower()
    if raw_organisations in ("1", "true"):
        organisations = True
    elif raw_organisations not in ("", "0", "false"):
        problems["organisations"] = "Visa organisationer: ange 1 för att visa dem."
    filters = GraphFilters(
        area=area,
        organisations=organisations,
        form=form,
        phases=phases,
        county=county,
        municipality=municipality,
        depth=depth,
    )
    return filters, problems


def parse_display(get: Any) -> Display:
    """The drawing options; unknown values fall back to the defaults."""
    view = get("view") if get("view") in VIEWS else "graph"
    colour = get("colour") if get("colour") in COLOURS else "county"
    layout = get("layout") if get("layout") in LAYOUTS else "map"
    overview = get("overview") if get("overview") in OVERVIEWS else "county"
    return Display(view=view, colour=colour, layout=layout, overview=overview)


class AdoptForm(FlaskForm):
    """Confirm a planned agreement started from an example."""

    title = StringField(_l("Namn på den nya samverkan"))
    partner_code = SelectField(_l("Kommun att samverka med"), choices=[], validate_choice=False)
    own_role = RadioField(_l("Din kommuns roll"), choices=[], validate_choice=False)
