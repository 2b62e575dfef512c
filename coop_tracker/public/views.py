"""Public, read-only register (no login): pages, open-data files, a DCAT-AP-SE catalogue and a
token-free JSON API.

Shown: what the parties have decided and what the public has a right to see — title, form,
areas, phase and its changes, honest dates (the current period, notice, and the end once
notice is given), purpose, goals, motive, each party with its role, its decision (body, date,
§, diarienummer), its dates and its own cost, decided exits, the agreement's diarienummer and
link. Never shown: contact persons (personal data), the internal note, the free-text cost
comment, draft exit plans, reasons and names in the phase history; planned, abandoned,
archived and unpublished agreements do not exist here (404), though a kommun's page says how
many running agreements it has that are not published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy import select

from coop_tracker.agreements.forms import filters_from_request
from coop_tracker.agreements.models import Agreement
from coop_tracker.agreements.queries import search_agreements, with_children
from coop_tracker.core.clock import today
from coop_tracker.core.collation import swedish
from coop_tracker.core.i18n import _, _l, current_language
from coop_tracker.core.permissions import is_public_record
from coop_tracker.core.validation import is_row_id
from coop_tracker.core.web import public_base_url
from coop_tracker.extensions import db, limiter
from coop_tracker.municipalities.models import Area, Municipality
from coop_tracker.municipalities.pages import kommun_or_404
from coop_tracker.public import fields, linked
from coop_tracker.public import opendata as od
from coop_tracker.public.downloads import (
    FILES,
    absolute_url,
    agreement_url,
    catalogue_info,
    document_file_url,
    download,
    downloads_of,
    file_cache,
    file_meta,
    filter_args,
    licence,
    public_records,
)
from coop_tracker.public.models import EXTRAS
from coop_tracker.public.queries import (
    data_version,
    last_modified,
    municipality_counts,
    public_agreements,
    public_extras,
    public_filters,
)
from coop_tracker.public.records import agreement_record, honest_dates
from coop_tracker.public.services import public_contacts, published_extras
from coop_tracker.reviews.rules import GOAL_LABELS, RATING_LABELS, RATING_SHORT
from coop_tracker.schedule.rules import derived_dates

bp = Blueprint("public", __name__, url_prefix="/public")


def _open_data_limit() -> str:
    return current_app.config["OPEN_DATA_RATE_LIMIT"]


# --- pages ----------------------------------------------------------------------------------


@bp.get("/")
def index() -> Any:
    """Every public agreement, filtered by kommun, form, area, phase and free text."""
    filters, problems = filters_from_request(request.args)
    page = search_agreements(db.session, public_filters(filters), None, restrict=False)
    municipalities = list(
        db.session.execute(
            select(Municipality.code, Municipality.name).order_by(swedish(Municipality.name))
        )
    )
    area_label = Area.label_column(current_language())
    areas = list(
        db.session.execute(
            select(Area.slug, area_label)
            .where(Area.is_active.is_(True))
            .order_by(Area.sort_order, area_label)
        )
    )
    now = today()
    extras = public_extras(db.session, [a.id for a in page.items])
    chosen = next((m for m in municipalities if m[0] == filters.municipality), None)
    licence_url, licence_name = licence()
    return render_template(
        "public/index.html",
        page=page,
        rows=[(a, honest_dates(a, derived_dates(a, now), extras[a.id], now)) for a in page.items],
        filters=filters,
        problems=problems,
        municipalities=municipalities,
        areas=areas,
        chosen=chosen,
        counts=municipality_counts(db.session, chosen[0]) if chosen else None,
        downloads=downloads_of(filter_args(request.args)),
        modified_at=last_modified(db.session),
        licence_url=licence_url,
        licence_name=licence_name,
    )


@bp.get("/<int:agreement_id>")
def detail(agreement_id: int) -> Any:
    """One public agreement, without contacts, internal notes or draft exit plans."""
    agreement = db.session.get(Agreement, agreement_id) if is_row_id(agreement_id) else None
    if agreement is None or not is_public_record(agreement):
        abort(404)
    extras = public_extras(db.session, [agreement.id])[agreement.id]
    now = today()
    record = agreement_record(
        agreement, derived_dates(agreement, now), extras, agreement_url, now, document_file_url
    )
    names = {p.municipality_code: p.name for p in agreement.parties}
    current = [
        p.municipality_code for p in agreement.parties if p.left_on is None and p.municipality_code
    ]
    return render_template(
        "public/detail.html",
        agreement=agreement,
        record=record,
        names=names,
        contacts=public_contacts(db.session, current),
        term_labels=fields.TERM_LABELS,
        show_bodies=any("responsible_body" in p for p in record["party_list"]),
        rating_labels=RATING_SHORT,
        goal_labels=GOAL_LABELS,
    )


@bp.get("/municipalities/<code>")
def municipality(code: str) -> Any:
    """A kommun's public page: its published agreements and how many it has in all."""
    kommun = kommun_or_404(code)
    filters, _problems = filters_from_request({"municipality": code})
    agreements = public_agreements(db.session, filters)
    now = today()
    records = public_records(agreements, now)
    rows = []
    for record in records:
        own = next(p for p in record["party_list"] if p["municipality"] == code)
        rows.append((record, own))
    return render_template(
        "public/municipality.html",
        kommun=kommun,
        counts=municipality_counts(db.session, code),
        running=[r for r in rows if r[0]["phase"] in ("active", "exiting") and not r[1]["left_on"]],
        former=[r for r in rows if r[0]["phase"] == "ended" or r[1]["left_on"]],
        downloads=downloads_of({"municipality": code}),
        contact=public_contacts(db.session, [code]).get(code),
        rating_labels=RATING_SHORT,
        extras=[EXTRA_LABELS[key] for key in _extras_of(code)],
    )


@bp.get("/open-data")
def open_data() -> Any:
    """The open data documented field by field, with its licence and its addresses."""
    licence_url, licence_name = licence()
    seen: set[str] = set()
    anchors: dict[tuple[str, str], str] = {}
    tables = (
        ("agreement", fields.AGREEMENT_FIELDS),
        ("nested", fields.NESTED_FIELDS),
        ("party", fields.PARTY_FIELDS),
        ("history", fields.HISTORY_FIELDS),
        ("exit", fields.EXIT_FIELDS),
        ("exit_decision", fields.EXIT_DECISION_FIELDS),
        ("document", fields.DOCUMENT_FIELDS),
        ("review", fields.REVIEW_FIELDS),
        ("file", fields.FILE_FIELDS),
    )
    for table, table_fields in tables:
        for field in table_fields:
            if field.key not in seen:
                anchors[(table, field.key)] = field.key
                seen.add(field.key)
    return render_template(
        "public/open_data.html",
        tables=dict(tables),
        anchors=anchors,
        kinds=fields.KIND_LABELS,
        downloads=downloads_of({}),
        licence_url=licence_url,
        licence_name=licence_name,
        is_cc0=licence_url == linked.CC0,
        modified_at=last_modified(db.session),
        rate_limit=_open_data_limit(),
        base_url=public_base_url(),
        term_labels=fields.TERM_LABELS,
        rating_labels=RATING_LABELS,
        goal_labels=GOAL_LABELS,
    )


# --- files ----------------------------------------------------------------------------------


def _register_file(build: Callable[[list[dict[str, Any]], od.Meta], bytes], endpoint: str) -> Any:
    filters, problems = filters_from_request(request.args)
    if problems:
        return _bad_filters(problems)
    args = filter_args(request.args)
    meta = file_meta(args)

    def render() -> bytes:
        agreements = public_agreements(db.session, filters)
        return build(public_records(agreements, meta.generated_on), meta)

    # The whole register (what harvesters and most people fetch) is built once per data
    # version and day: 10,000 agreements take seconds to load and write. Filtered files are
    # small and built each time.
    if args:
        body = render()
    else:
        key = (
            endpoint,
            data_version(db.session),
            meta.generated_on,
            meta.base_url,
            meta.licence_url,
            meta.licence_name,
            current_language(),
        )
        body = file_cache().get(key, render)
    mimetype, _format, filename = FILES[endpoint]
    return download(body, f"{mimetype}; charset=utf-8", filename or None, meta)


def _bad_filters(problems: dict[str, str]) -> Any:
    body = {
        "error": "invalid",
        "message": _("Filtren kunde inte användas. Rätta fälten som anges."),
        "fields": problems,
    }
    response = jsonify(body)
    response.status_code = 422
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/data/agreements.csv")
@limiter.limit(_open_data_limit)
def agreements_csv() -> Any:
    """One row per agreement, comma-separated (RFC 4180), decimal point, UTF-8."""
    return _register_file(
        lambda records, _meta: od.agreements_csv(records, od.COMMA), "public.agreements_csv"
    )


@bp.get("/data/agreements-semicolon.csv")
@limiter.limit(_open_data_limit)
def agreements_semicolon_csv() -> Any:
    """One row per agreement for Excel with Swedish settings: ``;``, decimal comma, BOM."""
    return _register_file(
        lambda records, _meta: od.agreements_csv(records, od.SEMICOLON),
        "public.agreements_semicolon_csv",
    )


@bp.get("/data/parties.csv")
@limiter.limit(_open_data_limit)
def parties_csv() -> Any:
    """One row per party: decisions with diarienummer and each kommun's own cost."""
    return _register_file(
        lambda records, _meta: od.parties_csv(records, od.COMMA), "public.parties_csv"
    )


@bp.get("/data/parties-semicolon.csv")
@limiter.limit(_open_data_limit)
def parties_semicolon_csv() -> Any:
    """The parties for Excel with Swedish settings."""
    return _register_file(
        lambda records, _meta: od.parties_csv(records, od.SEMICOLON),
        "public.parties_semicolon_csv",
    )


@bp.get("/data/documents.csv")
@limiter.limit(_open_data_limit)
def documents_csv() -> Any:
    """One row per document: type, title, diarienummer, dates; the file only where public."""
    return _register_file(
        lambda records, _meta: od.documents_csv(records, od.COMMA), "public.documents_csv"
    )


@bp.get("/data/documents-semicolon.csv")
@limiter.limit(_open_data_limit)
def documents_semicolon_csv() -> Any:
    """The documents for Excel with Swedish settings."""
    return _register_file(
        lambda records, _meta: od.documents_csv(records, od.SEMICOLON),
        "public.documents_semicolon_csv",
    )


@bp.get("/data/agreements.json")
@limiter.limit(_open_data_limit)
def agreements_json() -> Any:
    """Every public agreement with its parties, phase history and decided exits."""
    return _register_file(od.agreements_json, "public.agreements_json")


@bp.get("/data/agreements.jsonld")
@limiter.limit(_open_data_limit)
def agreements_jsonld() -> Any:
    """The same as JSON-LD (an inline context; each agreement named by its URL)."""
    return _register_file(
        lambda records, meta: linked.agreements_jsonld(records, meta, request.url),
        "public.agreements_jsonld",
    )


@bp.get("/catalog.jsonld")
@limiter.limit(_open_data_limit)
def catalog_jsonld() -> Any:
    """The DCAT-AP-SE description of the open data, as JSON-LD."""
    return download(
        linked.catalogue_jsonld(catalogue_info()),
        "application/ld+json; charset=utf-8",
        None,
        file_meta({}),
    )


@bp.get("/catalog.rdf")
@limiter.limit(_open_data_limit)
def catalog_rdf() -> Any:
    """The same catalogue as RDF/XML, for Sveriges dataportal's harvester."""
    return download(
        linked.catalogue_rdfxml(catalogue_info()),
        "application/rdf+xml; charset=utf-8",
        None,
        file_meta({}),
    )


def _public_network_file(fmt: str) -> Any:
    from coop_tracker.network.exports import annotate, export
    from coop_tracker.network.forms import parse_filters
    from coop_tracker.network.queries import get_network, load_reference

    # The network page's filters (municipality, county, form, area, phase), checked the same
    # way; a bad one answers 422 as the register's files do.
    reference = load_reference(db.session)
    filters, problems = parse_filters(
        request.args.get, request.args.getlist, areas=reference.area_labels, codes=reference.codes
    )
    if problems:
        return _bad_filters(problems)
    network = get_network(
        db.session, None, filters, restrict=False, public=True, reference=reference
    ).complete()
    graph = annotate(network.graph, network.measures)
    args = {k: v if isinstance(v, str) else ",".join(v) for k, v in filters.as_args().items()}
    meta = file_meta(args)
    # The licence and the register's last change inside the file too, not only in the headers.
    graph.graph["license"] = meta.licence_url
    if meta.modified_at is not None:
        graph.graph["modified_at"] = meta.modified_at.isoformat()
    mimetype = "application/graphml+xml" if fmt == "graphml" else "application/json"
    mimetype += "; charset=utf-8"
    filename = "samverkansnatverk.graphml" if fmt == "graphml" else None
    return download(export(graph, fmt), mimetype, filename, meta)


@bp.get("/network.graphml")
@limiter.limit(_open_data_limit)
def network_graphml() -> Any:
    """The public network (published, running agreements) as GraphML."""
    return _public_network_file("graphml")


@bp.get("/network.json")
@limiter.limit(_open_data_limit)
def network_json() -> Any:
    """The public network as node-link JSON."""
    return _public_network_file("json")


# --- the token-free API ----------------------------------------------------------------------


@bp.get("/api/agreements")
@limiter.limit(_open_data_limit)
def api_agreements() -> Any:
    """A page of public agreements: ``{"items", "total", "page", "per_page"}`` plus licence and
    last change; the filters of the page and ``page``/``per_page`` (1–200)."""
    filters, problems = filters_from_request(request.args)
    if problems:
        return _bad_filters(problems)
    page = search_agreements(db.session, public_filters(filters), None, restrict=False)
    meta = file_meta(filter_args(request.args))
    records = public_records(page.items, meta.generated_on)
    body = {
        **od.meta_json(meta),
        "items": [od.json_item(r) for r in records],
        "total": page.total,
        "page": page.page,
        "per_page": page.per_page,
    }
    return download(od.dumps(body), "application/json", None, meta)


@bp.get("/api/agreements/<int:agreement_id>")
@limiter.limit(_open_data_limit)
def api_agreement(agreement_id: int) -> Any:
    """One public agreement; 404 for anything not in the public register."""
    agreement = None
    if is_row_id(agreement_id):
        agreement = db.session.scalars(
            with_children(select(Agreement).where(Agreement.id == agreement_id))
        ).first()
    if agreement is None or not is_public_record(agreement):
        abort(404)
    meta = file_meta({})
    record = public_records([agreement], meta.generated_on)[0]
    body = {**od.meta_json(meta), **od.json_item(record)}
    body.pop("filters")
    return download(od.dumps(body), "application/json", None, meta)


EXTRA_LABELS: dict[str, Any] = {
    "responsible_body": _l("ansvarig nämnd"),
    "review_results": _l("uppföljningens resultat"),
    "review_costs": _l("budget och utfall från uppföljningen"),
}


def _extras_of(code: str) -> list[str]:
    """What the kommun publishes beyond the default, in the settings page's order."""
    chosen = published_extras(db.session, [code]).get(code, frozenset())
    return [key for key in EXTRAS if key in chosen]


@bp.get("/api/municipalities/<code>")
@limiter.limit(_open_data_limit)
def api_municipality(code: str) -> Any:
    """A kommun's counts: running agreements in all, how many are published."""
    kommun = kommun_or_404(code)
    counts = municipality_counts(db.session, code)
    body = {
        "code": kommun.code,
        "name": kommun.name,
        "running_agreements": counts.running,
        "published_running_agreements": counts.public,
        "contact": public_contacts(db.session, [code]).get(code),
        "published_extras": _extras_of(code),
        "agreements_url": absolute_url("public.api_agreements", municipality=code),
        "page_url": absolute_url("public.municipality", code=code),
    }
    return download(od.dumps(body), "application/json", None, file_meta({}))
