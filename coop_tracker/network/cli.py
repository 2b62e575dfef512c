"""``flask graph export``: the cooperation network as GraphML, GEXF or node-link JSON."""

from __future__ import annotations

from pathlib import Path

import click

from coop_tracker.extensions import db
from coop_tracker.network import graph as g
from coop_tracker.network.exports import EXPORT_FORMATS, annotate, export
from coop_tracker.network.forms import parse_filters
from coop_tracker.network.queries import get_network, load_reference


@click.group("graph")
def graph_group() -> None:
    """Samverkansnätverket."""


@graph_group.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--area", help="Samverkansområdets slug, t.ex. raddningstjanst.")
@click.option("--form", "form_", help="Samverkansform, t.ex. avtalssamverkan.")
@click.option(
    "--phase",
    multiple=True,
    help="Fas (upprepa för flera). Utan: active och exiting.",
)
@click.option("--county", help="Länskod, två siffror: bara länets kommuner.")
@click.option("--municipality", help="Kommunkod: bara kommunens grannskap.")
@click.option("--depth", type=click.IntRange(1, 2), default=1, show_default=True)
@click.option("--bipartite", is_flag=True, help="Kommuner och samverkan som noder.")
def export_command(
    fmt: str,
    output: Path,
    area: str | None,
    form_: str | None,
    phase: tuple[str, ...],
    county: str | None,
    municipality: str | None,
    depth: int,
    bipartite: bool,
) -> None:
    """Write the network with the same filters as the page (every unarchived agreement)."""
    values = {
        "area": area,
        "form": form_,
        "county": county,
        "municipality": municipality,
        "depth": str(depth),
    }
    reference = load_reference(db.session)
    filters, problems = parse_filters(
        values.get,
        lambda name: list(phase) if name == "phase" else [],
        areas=reference.area_labels,
        codes=reference.codes,
    )
    if problems:
        raise click.UsageError(" ".join(f"--{k}: {v}" for k, v in problems.items()))
    network = get_network(db.session, None, filters, restrict=False).complete()
    graph = annotate(network.graph, network.measures)
    if bipartite:
        graph = g.build_bipartite(graph, network.data)
    output.write_bytes(export(graph, fmt))
    click.echo(
        f"Skrev {output}: {graph.number_of_nodes()} noder, {graph.number_of_edges()} kanter "
        f"({g.describe_filters(filters, network.data)})."
    )
