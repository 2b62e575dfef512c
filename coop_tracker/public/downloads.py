"""What the public register's pages, files and API share: absolute addresses, the licence,
each file's metadata, records and response headers, the cache of whole-register files, and the
description of the open data for the DCAT-AP-SE catalogue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from flask import Response, current_app
from flask import url_for as flask_url_for

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.clock import today
from coop_tracker.core.web import public_base_url
from coop_tracker.extensions import db
from coop_tracker.network.queries import NetworkCache
from coop_tracker.public import linked
from coop_tracker.public import opendata as od
from coop_tracker.public.queries import last_modified, public_extras
from coop_tracker.public.records import agreement_record
from coop_tracker.schedule.rules import derived_dates

FILTER_KEYS = ("municipality", "form", "area", "phase", "q")


def absolute_url(endpoint: str, **values: Any) -> str:
    return public_base_url() + flask_url_for(endpoint, **values)


def agreement_url(agreement_id: int) -> str:
    return absolute_url("public.detail", agreement_id=agreement_id)


def licence() -> tuple[str, str]:
    url = current_app.config["OPEN_DATA_LICENSE_URL"]
    name = current_app.config.get("OPEN_DATA_LICENSE_NAME") or linked.LICENCE_NAMES.get(url, url)
    return url, name


def file_meta(filters: dict[str, str]) -> od.Meta:
    licence_url, licence_name = licence()
    return od.Meta(
        base_url=public_base_url(),
        licence_url=licence_url,
        licence_name=licence_name,
        modified_at=last_modified(db.session),
        generated_on=today(),
        filters=filters,
    )


def document_file_url(document_id: int) -> str:
    return absolute_url("documents.public_download", document_id=document_id)


def public_records(agreements: Sequence[Agreement], now: date) -> list[dict[str, Any]]:
    extras = public_extras(db.session, [a.id for a in agreements])
    return [
        agreement_record(
            a, derived_dates(a, now), extras[a.id], agreement_url, now, document_file_url
        )
        for a in agreements
    ]


def filter_args(args: Any) -> dict[str, str]:
    return {key: args[key] for key in FILTER_KEYS if args.get(key)}


def download(body: bytes, mimetype: str, filename: str | None, meta: od.Meta) -> Response:
    """A file for anyone: CORS open, cacheable for a few minutes, with its last change."""
    response = Response(body, content_type=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Link"] = f'<{meta.licence_url}>; rel="license"'
    if meta.modified_at is not None:
        response.last_modified = meta.modified_at
    return response


FILES: dict[str, tuple[str, str, str]] = {
    # endpoint: (media type, EU file type, filename)
    "public.agreements_csv": ("text/csv", "CSV", "samverkan.csv"),
    "public.agreements_semicolon_csv": ("text/csv", "CSV", "samverkan-semikolon.csv"),
    "public.parties_csv": ("text/csv", "CSV", "parter.csv"),
    "public.parties_semicolon_csv": ("text/csv", "CSV", "parter-semikolon.csv"),
    "public.documents_csv": ("text/csv", "CSV", "dokument.csv"),
    "public.documents_semicolon_csv": ("text/csv", "CSV", "dokument-semikolon.csv"),
    "public.agreements_json": ("application/json", "JSON", ""),
    "public.agreements_jsonld": ("application/ld+json", "JSON_LD", ""),
}


def downloads_of(args: dict[str, Any]) -> list[tuple[str, str]]:
    """(endpoint, URL with the filters) of every register file."""
    return [(endpoint, flask_url_for(endpoint, **args)) for endpoint in FILES]


def file_cache() -> NetworkCache:
    extensions = current_app.extensions
    if "open_data_cache" not in extensions:
        extensions["open_data_cache"] = NetworkCache(current_app.config["OPEN_DATA_CACHE_SIZE"])
    return extensions["open_data_cache"]


def catalogue_info() -> linked.CatalogueInfo:
    config = current_app.config
    licence_url, _name = licence()
    modified = last_modified(db.session)

    def dist(endpoint: str, slug: str, title: tuple[str, str], description: str) -> Any:
        mimetype, eu_format, _filename = FILES.get(endpoint, ("", "", ""))
        if endpoint == "public.network_graphml":
            mimetype, eu_format = "application/graphml+xml", "XML"
        elif endpoint == "public.network_json":
            mimetype, eu_format = "application/json", "JSON"
        return linked.Distribution(
            slug, absolute_url(endpoint), mimetype, eu_format, title[0], title[1], description
        )

    register = [
        dist(
            "public.agreements_csv",
            "agreements-csv",
            ("Samverkan (CSV, komma)", "Agreements (CSV, comma)"),
            "En rad per samverkan. Kommaseparerad, decimalpunkt, UTF-8.",
        ),
        dist(
            "public.agreements_semicolon_csv",
            "agreements-csv-semicolon",
            ("Samverkan (CSV för Excel)", "Agreements (CSV for Excel)"),
            "En rad per samverkan. Semikolon, decimalkomma, UTF-8 med BOM.",
        ),
        dist(
            "public.parties_csv",
            "parties-csv",
            ("Parter (CSV, komma)", "Parties (CSV, comma)"),
            "En rad per part: roll, beslut med diarienummer och kommunens kostnad.",
        ),
        dist(
            "public.parties_semicolon_csv",
            "parties-csv-semicolon",
            ("Parter (CSV för Excel)", "Parties (CSV for Excel)"),
            "En rad per part. Semikolon, decimalkomma, UTF-8 med BOM.",
        ),
        dist(
            "public.documents_csv",
            "documents-csv",
            ("Dokument (CSV, komma)", "Documents (CSV, comma)"),
            "En rad per dokument: typ, titel, diarienummer, beslut och giltighet; filen bara "
            "där kommunen har gjort den publik.",
        ),
        dist(
            "public.documents_semicolon_csv",
            "documents-csv-semicolon",
            ("Dokument (CSV för Excel)", "Documents (CSV for Excel)"),
            "En rad per dokument. Semikolon, decimalkomma, UTF-8 med BOM.",
        ),
        dist(
            "public.agreements_json",
            "agreements-json",
            ("Samverkan (JSON)", "Agreements (JSON)"),
            "Varje samverkan med parter, fasbyten, beslutade utträden och dokument.",
        ),
        dist(
            "public.agreements_jsonld",
            "agreements-jsonld",
            ("Samverkan (JSON-LD)", "Agreements (JSON-LD)"),
            "Samma uppgifter som länkade data.",
        ),
    ]
    network = [
        dist(
            "public.network_graphml",
            "network-graphml",
            ("Nätverk (GraphML)", "Network (GraphML)"),
            "Kommuner som noder, gemensam samverkan som kanter; för Gephi och liknande.",
        ),
        dist(
            "public.network_json",
            "network-json",
            ("Nätverk (JSON)", "Network (JSON)"),
            "Samma nätverk som nod-länk-JSON (networkx).",
        ),
    ]
    return linked.CatalogueInfo(
        base_url=public_base_url(),
        publisher_name=config.get("OPEN_DATA_PUBLISHER_NAME") or "Samverkanskollen",
        publisher_uri=config.get("OPEN_DATA_PUBLISHER_URI") or None,
        contact_email=config.get("OPEN_DATA_CONTACT_EMAIL") or None,
        licence_url=licence_url,
        modified_on=modified.date().isoformat() if modified else None,
        register=register,
        network=network,
        api_url=absolute_url("public.api_agreements"),
    )
