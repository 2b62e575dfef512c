"""The cooperation network in the JSON API: the graph (node-link) and Liknande kommuner."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx
from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from coop_tracker.agreements.rules import FORM_LABELS, PHASE_LABELS
from coop_tracker.api.common import api_user, error_responses, permission_required
from coop_tracker.api.schemas import (
    MUNICIPALITY_CODE,
    Length,
    OneOf,
    Range,
    Regexp,
    Schema,
)
from coop_tracker.core.errors import NotFound, ValidationFailed
from coop_tracker.extensions import db
from coop_tracker.network import graph as g
from coop_tracker.network.exports import annotate
from coop_tracker.network.forms import VIEWS, parse_filters
from coop_tracker.network.queries import get_network, get_similar, load_reference

graph_blp = Blueprint(
    "api_graph",
    __name__,
    url_prefix="/api/v1/graph",
    description="Samverkansnätverket: kommuner som noder, gemensamma samverkan som kanter.",
)
similar_blp = Blueprint(
    "api_similar",
    __name__,
    url_prefix="/api/v1/municipalities",
    description="Liknande kommuner och vad de samverkar om.",
)


class GraphQuerySchema(Schema):
    """The same filters as the network page."""

    area = fields.String(validate=Length(max=60), metadata={"description": "Områdets slug."})
    form = fields.String(validate=OneOf(list(FORM_LABELS)), metadata={"description": "Form."})
    phase = fields.List(
        fields.String(validate=OneOf(list(PHASE_LABELS))),
        metadata={"description": "Fas; upprepa för flera. Utan: active och exiting."},
    )
    county = fields.String(
        validate=Regexp(r"^\d{2}$", error="Länskod ska vara två siffror, t.ex. 20."),
        metadata={"description": "Bara kommunerna i länet och samverkan mellan dem."},
    )
    municipality = fields.String(
        validate=MUNICIPALITY_CODE,
        metadata={"description": "Visa bara kommunens grannskap (kommunkod)."},
    )
    depth = fields.Integer(
        validate=Range(min=1, max=2),
        metadata={"description": "Steg från kommunen i grannskapet: 1 eller 2 (standard 1)."},
    )
    organisations = fields.Boolean(
        metadata={
            "description": "true: också regioner, förbund, samordningsförbund, bolag och "
            "myndigheter som noder (id o:<organisationens id>, kind anger slaget)."
        },
    )
    view = fields.String(
        validate=OneOf(list(VIEWS)),
        metadata={"description": "graph: kommun–kommun (standard); bipartite: kommun–samverkan."},
    )


class GraphSchema(Schema):
    """A networkx node-link graph (``networkx.node_link_graph(data, edges="edges")``)."""

    directed = fields.Boolean()
    multigraph = fields.Boolean()
    graph = fields.Dict(metadata={"description": "Namn och filtren i ord."})
    nodes = fields.List(
        fields.Dict(),
        metadata={
            "description": "Kommuner: id (kommunkod), name, county_code, county, skr_group, "
            "population och måtten partners, agreements, as_host, as_purchaser, as_member, "
            "depends_on, main_host, serves, betweenness, community (och depth i ett grannskap)."
        },
    )
    edges = fields.List(
        fields.Dict(),
        metadata={
            "description": "Kopplingar: source, target, weight (antal gemensamma samverkan), "
            "agreement_ids, forms, areas."
        },
    )


class SimilarItemSchema(Schema):
    municipality = fields.String(metadata={"example": "2062"})
    name = fields.String()
    county_name = fields.String()
    skr_group = fields.String(allow_none=True)
    population = fields.Integer(allow_none=True)
    score = fields.Float(metadata={"description": "Likhet 0–1."})
    reasons = fields.List(fields.String(), metadata={"description": "Skälen i ord."})
    shared_areas = fields.List(fields.String())


class ExampleSchema(Schema):
    id = fields.Integer()
    title = fields.String()
    form = fields.String()
    municipalities = fields.List(fields.String(), metadata={"description": "Liknande kommuner."})


class SuggestionSchema(Schema):
    area = fields.String()
    label = fields.String()
    municipalities = fields.List(fields.String())
    examples = fields.List(fields.Nested(ExampleSchema))


class SimilarSchema(Schema):
    """The kommuner most like one kommun, and what they cooperate on that it does not."""

    municipality = fields.String()
    name = fields.String()
    basis = fields.List(
        fields.String(),
        metadata={"description": "Det likheten bygger på: group, population, areas, county."},
    )
    notes = fields.List(fields.String(), metadata={"description": "Uppgifter som saknas."})
    own_areas = fields.List(fields.String())
    items = fields.List(fields.Nested(SimilarItemSchema))
    suggestions = fields.List(fields.Nested(SuggestionSchema))


@graph_blp.route("", endpoint="graph")
class GraphResource(MethodView):
    @permission_required("network.view")
    @graph_blp.arguments(GraphQuerySchema, location="query")
    @graph_blp.response(200, GraphSchema)
    @error_responses(graph_blp, 401, 403, 422)
    def get(self, args: dict[str, Any]) -> Any:
        """Nätverket som node-link-JSON

        Samma filter och mått som sidan Nätverk. Planerad samverkan syns bara för dess parter.
        """
        reference = load_reference(db.session)
        filters, problems = parse_filters(
            lambda name: None if args.get(name) is None else str(args[name]),
            lambda name: args.get(name) or [],
            areas=reference.area_labels,
            codes=reference.codes,
        )
        if problems:
            raise ValidationFailed(problems)
        network = get_network(db.session, api_user(), filters, reference=reference).complete()
        view = args.get("view") or "graph"

        def build() -> bytes:
            graph = annotate(network.graph, network.measures)
            if view == "bipartite":
                graph = g.build_bipartite(graph, network.data)
            data = nx.node_link_data(graph, edges="edges")
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

        # Made once per network (a national graph is 3 MB of JSON: 0.3 s to write each time).
        return Response(network.memoised(f"api:{view}", build), mimetype="application/json")


@similar_blp.route("/<code>/similar", endpoint="similar")
class SimilarResource(MethodView):
    @permission_required("network.view")
    @similar_blp.response(200, SimilarSchema)
    @error_responses(similar_blp, 401, 403, 404)
    def get(self, code: str) -> Any:
        """Liknande kommuner

        De tio mest lika kommunerna (kommungrupp, folkmängd, samverkansområden; län när
        uppgifter saknas) med skälen i ord, och områden de samverkar om som kommunen inte gör.
        """
        reference = load_reference(db.session)
        if code not in reference.codes:
            raise NotFound("Kommunen finns inte. Kommunkoden har fyra siffror, t.ex. 0180.")
        result = get_similar(db.session, api_user(), code, reference=reference)
        return {
            "municipality": code,
            "name": result.municipality.name,
            "basis": result.basis,
            "notes": result.notes,
            "own_areas": result.own_areas,
            "items": [
                {
                    "municipality": s.municipality.code,
                    "name": s.municipality.name,
                    "county_name": s.municipality.county_name,
                    "skr_group": s.municipality.skr_group,
                    "population": s.municipality.population,
                    "score": s.score,
                    "reasons": s.reasons,
                    "shared_areas": s.shared_areas,
                }
                for s in result.similar
            ],
            "suggestions": [
                {
                    "area": s.area,
                    "label": s.label,
                    "municipalities": [m.code for m in s.municipalities],
                    "examples": [
                        {
                            "id": e.agreement.id,
                            "title": e.agreement.title,
                            "form": e.agreement.form,
                            "municipalities": [m.code for m in e.municipalities],
                        }
                        for e in s.examples
                    ],
                }
                for s in result.suggestions
            ],
        }
