"""The network page (graph, tables, exports) and Liknande kommuner with "start from example"."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from math import ceil
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import g as flask_g
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS
from coop_tracker.agreements.services import get_visible_agreement
from coop_tracker.audit.models import AuditEvent
from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _, current_language, ngettext
from coop_tracker.core.permissions import can
from coop_tracker.core.validation import is_digits
from coop_tracker.core.web import submit, web_actor
from coop_tracker.extensions import db
from coop_tracker.municipalities.models import Municipality
from coop_tracker.network import exports, layout
from coop_tracker.network import graph as g
from coop_tracker.network import overview as ov
from coop_tracker.network.forms import AdoptForm, Display, parse_display, parse_filters
from coop_tracker.network.measures import NodeMeasures
from coop_tracker.network.queries import (
    Network,
    Reference,
    get_network,
    get_similar,
    load_reference,
)
from coop_tracker.network.services import AdoptInput, adopt_example, default_partner, own_roles
from coop_tracker.network.similarity import SKR_GROUP_LABELS, group_label
from coop_tracker.organisations.rules import KIND_LABELS

bp = Blueprint("network", __name__)

EDGES_PER_PAGE = 100
PANEL_AGREEMENTS = 200
MIME = {
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "json": "application/json",
}
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_key(text: str) -> str:
    """Sort key putting å, ä, ö after z, as Swedish readers expect."""
    return text.lower().translate(_SWEDISH)


@bp.record_once
def _globals(state: Any) -> None:
    state.app.jinja_env.globals.update(
        SKR_GROUP_LABELS=SKR_GROUP_LABELS, skr_group_label=group_label
    )


def _request_filters(reference: Reference) -> tuple[g.GraphFilters, dict[str, str], Display]:
    args = request.args
    filters, problems = parse_filters(
        args.get, args.getlist, areas=reference.area_labels, codes=reference.codes
    )
    return filters, problems, parse_display(args.get)


def _check_view() -> None:
    if not can(current_user, "network.view"):
        abort(403)


class TableSort:
    """The node table's sort, in the shape the sort_header macro expects."""

    KEYS: dict[str, Any] = {
        "name": lambda r: swedish_key(r["name"]),
        "county": lambda r: (r["county_code"], swedish_key(r["name"])),
        "group": lambda r: (r["group"] or "ZZ", swedish_key(r["name"])),
        "population": lambda r: r["population"] or 0,
        "partners": lambda r: r["m"].partners,
        "agreements": lambda r: r["m"].agreements,
        "as_host": lambda r: r["m"].as_host,
        "as_purchaser": lambda r: r["m"].as_purchaser,
        "depends_on": lambda r: r["m"].depends_on,
        "reach": lambda r: (r["m"].other_groups, r["m"].partners_outside),
        "community": lambda r: (r["m"].community or 10_000, swedish_key(r["name"])),
    }

    def __init__(self, raw: str | None) -> None:
        raw = raw or "name"
        self.descending = raw.startswith("-")
        self.sort = raw.lstrip("-")
        if self.sort not in self.KEYS:
            self.sort, self.descending = "name", False

    def apply(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rows = sorted(rows, key=lambda r: swedish_key(r["name"]))
        return sorted(rows, key=self.KEYS[self.sort], reverse=self.descending)


def node_names(network: Network) -> dict[str, str]:
    """Kommunkod (or an organisation's node key) → name."""
    names = {m.code: m.name for m in network.data.municipalities}
    names.update({key: org.name for key, org in network.data.organisations.items()})
    return names


def node_rows(network: Network) -> list[dict[str, Any]]:
    """One row per kommun (and organisation, when shown) in the graph, with its measures and
    the name of its main host."""
    names = node_names(network)
    rows = []
    for code, attrs in network.graph.nodes(data=True):
        m = network.measures.nodes[code]
        organisation = attrs.get("organisation_id")
        rows.append(
            {
                "code": code,
                "name": attrs["name"],
                "kind": attrs.get("kind", "kommun"),
                "url": url_for("organisations.detail", org_id=organisation)
                if organisation
                else url_for("municipalities.detail", code=code),
                "county_code": attrs["county_code"],
                "county": attrs["county"],
                "group": attrs.get("skr_group"),
                "population": attrs.get("population"),
                "depth": attrs.get("depth"),
                "m": m,
                "main_host_name": names.get(m.main_host or "", ""),
            }
        )
    return rows


def edge_rows(network: Network) -> list[dict[str, Any]]:
    """Every edge, heaviest first, with names, forms and areas in words."""
    names = node_names(network)
    labels = network.data.area_labels
    rows = [
        {
            "a": a,
            "b": b,
            "a_name": names[a],
            "b_name": names[b],
            "weight": attrs["weight"],
            "forms": [str(FORM_LABELS.get(f, f)) for f in attrs["forms"]],
            "areas": [labels.get(s, s) for s in attrs["areas"]],
        }
        for a, b, attrs in network.graph.edges(data=True)
    ]
    for row in rows:
        if swedish_key(row["b_name"]) < swedish_key(row["a_name"]):
            row["a"], row["b"] = row["b"], row["a"]
            row["a_name"], row["b_name"] = row["b_name"], row["a_name"]
    rows.sort(key=lambda r: (-r["weight"], swedish_key(r["a_name"]), swedish_key(r["b_name"])))
    return rows


def _page_number(name: str, pages: int) -> int:
    raw = request.args.get(name, "1")
    number = int(raw) if is_digits(raw, 9) else 1
    return min(max(number, 1), max(pages, 1))


def _agreement_rows(network: Network) -> list[dict[str, Any]]:
    """The agreements behind the edges (the bipartite view's table)."""
    names = {m.code: m.name for m in network.data.municipalities}
    labels = network.data.area_labels
    ids = {i for _a, _b, ids in network.graph.edges(data="agreement_ids") for i in ids}
    rows: list[dict[str, Any]] = []
    for agreement in network.data.agreements:
        if agreement.id not in ids:
            continue
        rows.append(
            {
                "id": agreement.id,
                "title": agreement.title,
                "form": str(FORM_LABELS.get(agreement.form, agreement.form)),
                "phase": agreement.phase,
                "areas": [labels.get(s, s) for s in agreement.areas],
                "parties": [
                    (names.get(p.municipality_code, p.municipality_code), p.role)
                    for p in agreement.parties
                    if p.municipality_code in network.graph
                ],
            }
        )
    rows.sort(key=lambda r: (swedish_key(r["title"]), r["id"]))
    return rows


def _as_of() -> datetime | None:
    """When the rows of a network served while its successor is built were read."""
    stamp = flask_g.get("network_as_of")
    return datetime.fromtimestamp(stamp, UTC) if stamp else None


def shows_overview(filters: g.GraphFilters, display: Display) -> bool:
    """The whole country is summed up until the reader picks a län or a kommun, or asks to see
    every kommun."""
    return (
        display.view == "graph"
        and not filters.county
        and not filters.municipality
        and display.overview != "kommuner"
    )


def overview_of(network: Network, by: str) -> ov.Overview:
    """The summed-up network with labels in the reader's language."""
    graph, measures = network.graph, network.measures
    county_names = {m.county_code: m.county_name for m in network.data.municipalities}

    def kommuner(bubble: ov.Bubble) -> str:
        count = len(bubble.kommuner)
        return ngettext("%(num)s kommun", "%(num)s kommuner", count)

    def label(bubble: ov.Bubble) -> tuple[str, tuple[str, ...]]:
        if by == "county":
            return county_names.get(bubble.key, bubble.key), (kommuner(bubble),)
        if by == "skr_group":
            if bubble.key == ov.MISSING:
                return _("Kommungrupp inte hämtad"), (kommuner(bubble),)
            return group_label(bubble.key), (kommuner(bubble),)
        if bubble.key == ov.MISSING:
            return _("Utan partner"), (kommuner(bubble),)
        counties = Counter(graph.nodes[c]["county_code"] for c in bubble.kommuner)
        main, _count = max(counties.items(), key=lambda item: (item[1], -int(item[0])))
        return _("Grupp %(n)s", n=bubble.key), (
            kommuner(bubble),
            _("flest i %(county)s", county=county_names.get(main, main)),
        )

    return ov.build_overview(graph, measures, by, label)


@bp.get("/network")
@login_required
def index() -> Any:
    """The network: graph (with JavaScript), the same numbers as tables, filters and exports."""
    _check_view()
    reference = load_reference(db.session, current_language())
    filters, problems, display = _request_filters(reference)
    # Betweenness is not on the page (it is in the API and the files): not computed for it.
    network = get_network(db.session, current_user, filters, reference=reference)
    sort = TableSort(request.args.get("sort"))
    nodes = network.memoised(
        f"nodes:{sort.sort}:{sort.descending}:{current_language()}",
        lambda: sort.apply(node_rows(network)),
    )
    edges = network.memoised(f"edges:{current_language()}", lambda: edge_rows(network))
    edge_pages = max(1, ceil(len(edges) / EDGES_PER_PAGE))
    edge_page = _page_number("epage", edge_pages)
    agreements: list[dict[str, Any]] = []
    agreement_page = agreement_pages = 1
    if display.view == "bipartite":
        agreements = _agreement_rows(network)
        agreement_pages = max(1, ceil(len(agreements) / EDGES_PER_PAGE))
        agreement_page = _page_number("apage", agreement_pages)
    overview = None
    if shows_overview(filters, display):
        overview = network.memoised(
            f"overview:{display.overview}:{current_language()}",
            lambda: overview_of(network, display.overview),
        )
    names = {m.code: m.name for m in reference.municipalities}
    counties = sorted({(m.county_code, m.county_name) for m in reference.municipalities})
    focus = next((m for m in reference.municipalities if m.code == filters.municipality), None)
    node_table = network.memoised(
        f"node-table:{current_language()}:{request.query_string.decode('latin-1')}",
        # Autoescaped by Jinja when rendered: safe to put into the page as it is.
        lambda: Markup(  # noqa: S704
            render_template(
                "network/_node_table.html",
                nodes=nodes,
                sort=sort,
                focus=focus,
                ORG_KIND_LABELS=KIND_LABELS,
            )
        ),
    )
    return render_template(
        "network/index.html",
        node_table=node_table,
        network=network,
        as_of=_as_of(),
        overview=overview,
        filters=filters,
        problems=problems,
        display=display,
        sort=sort,
        nodes=nodes,
        edges=edges[(edge_page - 1) * EDGES_PER_PAGE : edge_page * EDGES_PER_PAGE],
        edge_total=len(edges),
        edge_page=edge_page,
        edge_pages=edge_pages,
        agreements=agreements[
            (agreement_page - 1) * EDGES_PER_PAGE : agreement_page * EDGES_PER_PAGE
        ],
        agreement_total=len(agreements),
        agreement_page=agreement_page,
        agreement_pages=agreement_pages,
        communities=[
            (
                number,
                sorted(
                    members,
                    key=lambda c: (-network.measures.nodes[c].partners, swedish_key(names[c])),
                ),
            )
            for number, members in enumerate(network.measures.communities, start=1)
            if members
        ],
        alone=sorted(network.measures.not_cooperating, key=lambda c: swedish_key(names[c])),
        names=names,
        focus=focus,
        area_labels=reference.area_labels,
        counties=counties,
        municipalities=sorted(reference.municipalities, key=lambda m: swedish_key(m.name)),
        filter_args=filters.as_args(),
        link_args={
            **filters.as_args(),
            **({"view": "bipartite"} if display.view == "bipartite" else {}),
        },
        matching=len(g.select_agreements(network.data, filters)),
        FORM_LABELS=FORM_LABELS,
        PHASE_LABELS=PHASE_LABELS,
        ORG_KIND_LABELS=KIND_LABELS,
        other_count=sum(1 for node in network.graph if g.is_organisation(node)),
        kommun_count=sum(1 for node in network.graph if not g.is_organisation(node)),
        ORG_KIND_LABELS_STR={kind: str(label) for kind, label in KIND_LABELS.items()},
    )


@bp.get("/network/graph.json")
@login_required
def graph_json() -> Any:
    """The drawing data for the current filters (the page's script fetches it)."""
    _check_view()
    reference = load_reference(db.session, current_language())
    filters, problems, display = _request_filters(reference)
    if problems:
        return jsonify({"error": "invalid", "message": "Ogiltiga filter.", "fields": problems}), 422
    network = get_network(db.session, current_user, filters, reference=reference)

    def build() -> bytes:
        if display.view == "bipartite":
            payload = layout.bipartite_payload(
                g.build_bipartite(network.graph, network.data), filters.municipality
            )
        else:
            payload = layout.canvas_payload(network.graph, network.measures, filters.municipality)
            payload["group_labels"] = {k: str(v) for k, v in SKR_GROUP_LABELS.items()}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    body = network.memoised(f"canvas:{display.view}:{current_language()}", build)
    return Response(body, mimetype="application/json")


@bp.get("/network/municipalities/<code>.json")
@login_required
def panel_json(code: str) -> Any:
    """One kommun's measures and matching agreements, for the side panel."""
    _check_view()
    reference = load_reference(db.session, current_language())
    if code not in reference.codes:
        abort(404)
    filters, _problems, _display = _request_filters(reference)
    network = get_network(db.session, current_user, filters, reference=reference).complete()
    return jsonify(panel_payload(network, code, reference))


def panel_payload(network: Network, code: str, reference: Reference) -> dict[str, Any]:
    """The side panel's data (also used by the page for the focused kommun)."""
    names = node_names(network)
    muni = next(m for m in reference.municipalities if m.code == code)
    m = network.measures.nodes.get(code) or NodeMeasures(code=code)
    agreements = network.agreements_of(code)
    labels = reference.area_labels
    items = []
    for agreement in agreements[:PANEL_AGREEMENTS]:
        role = next(p.role for p in agreement.parties if p.municipality_code == code)
        items.append(
            {
                "id": agreement.id,
                "title": agreement.title,
                "url": url_for("agreements.detail", agreement_id=agreement.id),
                "form": str(FORM_LABELS.get(agreement.form, agreement.form)),
                "phase": str(PHASE_LABELS.get(agreement.phase, agreement.phase)),
                "role": role,
                "areas": [labels.get(s, s) for s in agreement.areas],
                "partners": [
                    names.get(p.municipality_code, p.municipality_code)
                    for p in agreement.parties
                    if p.municipality_code != code
                ],
            }
        )
    args = network.filters.as_args()
    args.pop("municipality", None)
    args.pop("depth", None)
    return {
        "code": code,
        "name": muni.name,
        "county": muni.county_name,
        "group": group_label(muni.skr_group),
        "population": muni.population,
        "in_graph": code in network.graph,
        "measures": {
            "partners": m.partners,
            "agreements": m.agreements,
            "as_host": m.as_host,
            "as_purchaser": m.as_purchaser,
            "as_member": m.as_member,
            "depends_on": m.depends_on,
            "main_host": names.get(m.main_host or ""),
            "main_host_count": m.main_host_count,
            "serves": m.serves,
            "betweenness": round(m.betweenness, 4),
            "community": m.community,
            "partners_outside": m.partners_outside,
            "other_groups": m.other_groups,
        },
        "agreements": items,
        "agreement_total": len(agreements),
        "urls": {
            "municipality": url_for("municipalities.detail", code=code),
            "similar": url_for("network.similar", code=code),
            "neighbourhood": url_for("network.index", municipality=code, **args),
            "all_agreements": url_for("agreements.index", municipality=code),
        },
    }


@bp.get("/network/export.<fmt>")
@login_required
def export(fmt: str) -> Any:
    """GraphML, GEXF or node-link JSON of the network with the page's filters."""
    _check_view()
    if fmt not in exports.EXPORT_FORMATS:
        abort(404)
    reference = load_reference(db.session, current_language())
    filters, problems, display = _request_filters(reference)
    if problems:
        abort(422)
    network = get_network(db.session, current_user, filters, reference=reference).complete()

    def build() -> bytes:
        graph = exports.annotate(network.graph, network.measures)
        if display.view == "bipartite":
            graph = g.build_bipartite(graph, network.data)
        return exports.export(graph, fmt)

    body = network.memoised(f"export:{display.view}:{fmt}", build)
    name = "samverkansnatverk" + ("-bipartit" if display.view == "bipartite" else "")
    return Response(
        body,
        mimetype=MIME[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


# --- Liknande kommuner ------------------------------------------------------------------------


@bp.get("/municipalities/<code>/similar")
@login_required
def similar(code: str) -> Any:
    """The most similar kommuner, why, and what they cooperate on that this kommun does not."""
    _check_view()
    reference = load_reference(db.session, current_language())
    if code not in reference.codes:
        abort(404)
    result = get_similar(db.session, current_user, code, reference=reference)
    # What the comparison rests on, and how old it is: the reference years fetched from Kolada.
    years = db.session.execute(
        select(
            func.max(Municipality.skr_group_year),
            func.max(Municipality.population_year),
            func.count(Municipality.skr_group),
            func.count(Municipality.population),
            func.count(Municipality.code),
        )
    ).one()
    # Where the figures come from (Kolada, or typed in with a source) and when they were last
    # fetched: the reference data page's own record of each refresh.
    sources = db.session.execute(
        select(Municipality.population_source, func.count())
        .where(Municipality.population.is_not(None))
        .group_by(Municipality.population_source)
        .order_by(func.count().desc())
    ).all()
    last_sync = db.session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.object_type == "reference_data", AuditEvent.action == "sync")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
    return render_template(
        "network/similar.html",
        result=result,
        reference_years=years,
        population_sources=[(source, count) for source, count in sources if source],
        last_sync=last_sync,
        may_refresh=can(current_user, "reference.manage"),
        area_labels=reference.area_labels,
        may_adopt=can(current_user, "network.adopt", code),
        FORM_LABELS=FORM_LABELS,
    )


@bp.route("/municipalities/<code>/similar/adopt/<int:agreement_id>", methods=["GET", "POST"])
@login_required
def adopt(code: str, agreement_id: int) -> Any:
    """Confirm and create a planned agreement for ``code`` prefilled from an example."""
    if not can(current_user, "network.adopt", code):
        abort(403)
    example: Agreement = get_visible_agreement(db.session, agreement_id, current_user)
    reference = load_reference(db.session, current_language())
    roles = own_roles(example.form)
    form = AdoptForm()
    if request.method == "GET":
        form.title.data = example.title
        form.partner_code.data = default_partner(example, code)
        form.own_role.data = next(iter(roles))
    form.partner_code.choices = choices(
        [("", _("Välj kommun"))]
        + [
            (m.code, f"{m.name} ({m.code})")
            for m in sorted(reference.municipalities, key=lambda m: swedish_key(m.name))
            if m.code != code
        ]
    )
    form.own_role.choices = choices(roles)
    data = AdoptInput(
        municipality_code=code,
        partner_code=form.partner_code.data,
        own_role=form.own_role.data,
        title=form.title.data,
    )
    saved = submit(form, lambda: adopt_example(db.session, example, data, actor=web_actor()))
    if saved.ok:
        outcome = saved.result
        flash(
            _(
                "Den planerade samverkan ”%(title)s” är skapad utifrån exemplet. "
                "Komplettera uppgifterna innan den går vidare.",
                title=outcome.agreement.title,
            ),
            "success",
        )
        for warning in outcome.warnings:
            flash(warning, "warning")
        return redirect(url_for("agreements.detail", agreement_id=outcome.agreement.id))
    municipality = next(m for m in reference.municipalities if m.code == code)
    return render_template(
        "network/adopt.html",
        form=form,
        errors=saved.errors,
        example=example,
        municipality=municipality,
        area_labels=reference.area_labels,
    ), saved.status
