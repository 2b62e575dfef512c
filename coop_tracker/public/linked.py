"""The public register as linked data: the records as JSON-LD, and a DCAT-AP-SE catalogue
(JSON-LD, and RDF/XML for Sveriges dataportal, whose harvester reads RDF/XML).

DCAT-AP-SE (Digg, docs.dataportal.se/dcat) asks of a catalogue: title, description,
publisher, licence and its datasets; of a dataset: title, description and publisher; of a
distribution: an access URL; of a publisher: a name; and it recommends contact point,
keywords, theme, language, spatial coverage, modification date, format and licence per
distribution, all with absolute IRIs and no blank nodes for catalogue, datasets,
distributions, publisher and contact point. Every context here is inline, so a client (and
rdflib in the tests) parses it without fetching anything.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coop_tracker.public.fields import (
    AGREEMENT_FIELDS,
    DATE,
    DATETIME,
    DECIMAL,
    DOCUMENT_FIELDS,
    EXIT_DECISION_FIELDS,
    EXIT_FIELDS,
    FILE_FIELDS,
    HISTORY_FIELDS,
    INT,
    NESTED_FIELDS,
    PARTY_FIELDS,
    REVIEW_FIELDS,
    URL,
)
from coop_tracker.public.opendata import Meta, json_item, meta_json

DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

RDFLIB_JSONLD_WARNING = "ConjunctiveGraph is deprecated"

CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
LICENCE_NAMES = {
    CC0: "CC0 1.0 Universell (Public Domain Dedication)",
    "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
}

_XSD_TYPES = {
    DATE: "xsd:date",
    DATETIME: "xsd:dateTime",
    DECIMAL: "xsd:decimal",
    INT: "xsd:integer",
}
_WELL_KNOWN = {"title": "dct:title", "modified_at": "dct:modified", "license": "dct:license"}


def vocabulary(base_url: str) -> str:
    """The terms of the records are anchors on the open-data documentation page."""
    return f"{base_url}/public/open-data#"


def record_context(base_url: str) -> dict[str, Any]:
    """Every field key as a term: typed dates and amounts, links as IRIs."""
    context: dict[str, Any] = {
        "@vocab": vocabulary(base_url),
        "dct": DCT,
        "xsd": XSD,
        "Agreement": {"@id": f"{vocabulary(base_url)}Agreement"},
    }
    fields = (
        *AGREEMENT_FIELDS,
        *NESTED_FIELDS,
        *PARTY_FIELDS,
        *HISTORY_FIELDS,
        *EXIT_FIELDS,
        *EXIT_DECISION_FIELDS,
        *DOCUMENT_FIELDS,
        *REVIEW_FIELDS,
        *FILE_FIELDS,
    )
    for field in fields:
        if field.key in context or field.key in ("id", "url"):
            continue
        term: dict[str, Any] = {"@id": _WELL_KNOWN.get(field.key, field.key)}
        if field.kind == URL:
            term["@type"] = "@id"
        elif field.kind in _XSD_TYPES:
            term["@type"] = _XSD_TYPES[field.kind]
        context[field.key] = term
    context["number"] = {"@id": "dct:identifier"}
    context["documentation"] = {"@id": "dct:conformsTo", "@type": "@id"}
    context["generated_on"] = {"@id": "dct:issued", "@type": "xsd:date"}
    return context


def agreements_jsonld(records: Sequence[Mapping[str, Any]], meta: Meta, file_url: str) -> bytes:
    """The records as a JSON-LD graph: each agreement is a node named by its public URL."""
    nodes = []
    for record in records:
        item = json_item(record)
        item.pop("url")
        node = {"@id": record["url"], "@type": "Agreement", "number": str(item.pop("id")), **item}
        nodes.append(node)
    head = {key: value for key, value in meta_json(meta).items() if key != "filters"}
    head.pop("license_name")
    # The file's own description is a node beside the records, in the default graph (a top
    # object with "@graph" and properties of its own would make the records a named graph).
    about = {"@id": file_url, **head, "total": len(records)}
    body = {"@context": record_context(meta.base_url), "@graph": [about, *nodes]}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


# --- the DCAT-AP-SE catalogue ------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """One file (or the API) of a dataset."""

    slug: str
    url: str
    media_type: str
    eu_format: str
    title_sv: str
    title_en: str
    description_sv: str


@dataclass(frozen=True)
class CatalogueInfo:
    """What the installation says about itself (configuration), and the URLs of its files."""

    base_url: str
    publisher_name: str
    publisher_uri: str | None
    contact_email: str | None
    licence_url: str
    modified_on: str | None  # ISO date
    register: Sequence[Distribution]
    network: Sequence[Distribution]
    api_url: str


def _lit(value: str, lang: str) -> dict[str, str]:
    return {"@value": value, "@language": lang}


def catalogue(info: CatalogueInfo) -> dict[str, Any]:
    """The DCAT-AP-SE description of the public register as a JSON-LD document."""
    base = info.base_url
    catalogue_id = f"{base}/public/catalog"
    publisher_id = info.publisher_uri or f"{catalogue_id}#publisher"
    contact_id = f"{catalogue_id}#contact"
    docs = f"{base}/public/open-data"
    modified = {"@value": info.modified_on, "@type": "xsd:date"} if info.modified_on else None
    licence = {"@id": info.licence_url}
    sweden = {"@id": f"{EU}country/SWE"}
    swedish = {"@id": f"{EU}language/SWE"}

    def distribution(dist: Distribution) -> dict[str, Any]:
        node: dict[str, Any] = {
            "@id": f"{catalogue_id}#distribution-{dist.slug}",
            "@type": "dcat:Distribution",
            "dct:title": [_lit(dist.title_sv, "sv"), _lit(dist.title_en, "en")],
            "dct:description": _lit(dist.description_sv, "sv"),
            "dcat:accessURL": {"@id": dist.url},
            "dcat:downloadURL": {"@id": dist.url},
            "dcat:mediaType": {"@id": f"{IANA}{dist.media_type}"},
            "dct:format": {"@id": f"{EU}file-type/{dist.eu_format}"},
            "dct:license": licence,
            "dct:conformsTo": {"@id": docs},
        }
        if modified:
            node["dct:modified"] = modified
        return node

    def dataset(
        slug: str,
        title: tuple[str, str],
        description: tuple[str, str],
        keywords: Sequence[str],
        dists: Sequence[Distribution],
    ) -> dict[str, Any]:
        node: dict[str, Any] = {
            "@id": f"{catalogue_id}#dataset-{slug}",
            "@type": "dcat:Dataset",
            "dct:title": [_lit(title[0], "sv"), _lit(title[1], "en")],
            "dct:description": [_lit(description[0], "sv"), _lit(description[1], "en")],
            "dct:publisher": {"@id": publisher_id},
            "dcat:contactPoint": {"@id": contact_id},
            "dcat:keyword": [_lit(k, "sv") for k in keywords],
            "dcat:theme": {"@id": f"{EU}data-theme/GOVE"},
            "dct:spatial": sweden,
            "dct:language": swedish,
            "dct:accessRights": {"@id": f"{EU}access-right/PUBLIC"},
            "dct:accrualPeriodicity": {"@id": f"{EU}frequency/UPDATE_CONT"},
            "dcat:landingPage": {"@id": f"{base}/public/"},
            "foaf:page": {"@id": docs},
            "dcat:distribution": [{"@id": f"{catalogue_id}#distribution-{d.slug}"} for d in dists],
        }
        if modified:
            node["dct:modified"] = modified
        return node

    register = dataset(
        "register",
        ("Kommunal samverkan – publikt register", "Intermunicipal cooperation – public register"),
        (
            "Samverkan mellan kommuner som kommunerna har publicerat: form, områden, parter och "
            "deras roller, beslut med diarienummer, varje kommuns kostnad, avtalstid och "
            "uppsägning, fasbyten, beslutade utträden och samverkans dokument (uppgifter om dem; "
            "filerna där kommunen har publicerat dem).",
            "Cooperation between Swedish municipalities that the municipalities have published: "
            "legal form, areas, parties and their roles, decisions with case numbers, each "
            "municipality's cost, term and notice, phase changes, decided exits and the "
            "agreements' documents (metadata; files where the municipality has published them).",
        ),
        ("kommunal samverkan", "mellankommunal samverkan", "avtalssamverkan", "kommunalförbund"),
        info.register,
    )
    network = dataset(
        "network",
        ("Kommunal samverkan – nätverk", "Intermunicipal cooperation – network"),
        (
            "Nätverket av kommuner som samverkar i publicerad, pågående samverkan: en nod per "
            "kommun, en kant per kommunpar med antalet gemensamma samverkan.",
            "The network of municipalities cooperating in published, running cooperation: one "
            "node per municipality, one edge per pair with the number of shared agreements.",
        ),
        ("kommunal samverkan", "nätverk"),
        info.network,
    )
    service = {
        "@id": f"{catalogue_id}#api",
        "@type": "dcat:DataService",
        "dct:title": [
            _lit("Öppet API för det publika registret", "sv"),
            _lit("Open API of the public register", "en"),
        ],
        "dct:description": _lit(
            "Läs det publika registret som JSON, sida för sida eller en samverkan i taget, "
            "utan inloggning. Antalet anrop per minut är begränsat.",
            "sv",
        ),
        "dcat:endpointURL": {"@id": info.api_url},
        "dcat:endpointDescription": {"@id": docs},
        "dcat:servesDataset": {"@id": register["@id"]},
        "dct:license": licence,
        "dct:accessRights": {"@id": f"{EU}access-right/PUBLIC"},
        "dct:publisher": {"@id": publisher_id},
        "dcat:contactPoint": {"@id": contact_id},
    }
    contact: dict[str, Any] = {
        "@id": contact_id,
        "@type": "vcard:Organization",
        "vcard:fn": info.publisher_name,
        "vcard:hasURL": {"@id": docs},
    }
    if info.contact_email:
        contact["vcard:hasEmail"] = {"@id": f"mailto:{info.contact_email}"}
    publisher = {
        "@id": publisher_id,
        "@type": "foaf:Agent",
        "foaf:name": info.publisher_name,
    }
    catalog: dict[str, Any] = {
        "@id": catalogue_id,
        "@type": "dcat:Catalog",
        "dct:title": [
            _lit("Samverkanskollen – öppna data", "sv"),
            _lit("Samverkanskollen – open data", "en"),
        ],
        "dct:description": [
            _lit(
                "Öppna data om kommunal samverkan från Samverkanskollen: det publika registret "
                "och samverkansnätverket.",
                "sv",
            ),
            _lit(
                "Open data on intermunicipal cooperation from Samverkanskollen: the public "
                "register and the cooperation network.",
                "en",
            ),
        ],
        "dct:publisher": {"@id": publisher_id},
        "dct:license": licence,
        "dct:language": swedish,
        "dct:spatial": sweden,
        "foaf:homepage": {"@id": f"{base}/public/"},
        "dcat:themeTaxonomy": {"@id": f"{EU}data-theme"},
        "dcat:dataset": [{"@id": register["@id"]}, {"@id": network["@id"]}],
        "dcat:service": {"@id": service["@id"]},
    }
    if modified:
        catalog["dct:modified"] = modified
    graph = [
        catalog,
        register,
        network,
        *(distribution(d) for d in (*info.register, *info.network)),
        service,
        publisher,
        contact,
    ]
    return {
        "@context": {
            "dct": DCT,
            "dcat": DCAT,
            "foaf": FOAF,
            "vcard": VCARD,
            "xsd": XSD,
        },
        "@graph": graph,
    }


def catalogue_jsonld(info: CatalogueInfo) -> bytes:
    return json.dumps(catalogue(info), ensure_ascii=False, indent=1).encode("utf-8")


def catalogue_rdfxml(info: CatalogueInfo) -> bytes:
    """The same catalogue as RDF/XML, the syntax Sveriges dataportal harvests."""
    from rdflib import Graph

    graph = Graph()
    with warnings.catch_warnings():
        # rdflib 7's own JSON-LD parser still builds a ConjunctiveGraph, which rdflib itself
        # deprecates; nothing for a caller to change.
        warnings.filterwarnings("ignore", RDFLIB_JSONLD_WARNING, DeprecationWarning)
        graph.parse(data=json.dumps(catalogue(info)), format="json-ld")
    graph.bind("dct", DCT)
    graph.bind("dcat", DCAT)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    return graph.serialize(format="pretty-xml", encoding="utf-8")
