"""``flask demo``: deterministic demo data (a believable register, or the whole country)."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.errors import DomainError
from coop_tracker.demo.services import load_demo
from coop_tracker.extensions import db


@click.command("demo")
@click.option("--scale", type=click.Choice(["small", "national"]), default="small")
@click.option("--seed", "seed", type=int, default=1, help="Slumpfrö; samma frö ger samma data.")
@click.option("--if-empty", is_flag=True, help="Gör ingenting om det redan finns samverkan.")
def demo_command(scale: str, seed: int, if_empty: bool) -> None:
    """Load demo agreements and demo users (reference data must be seeded first)."""
    existing = db.session.scalar(select(func.count()).select_from(Agreement)) or 0
    if existing and if_empty:
        click.echo(f"Databasen har redan {existing} samverkan; ingen demodata laddades.")
        return
    try:
        result = load_demo(db.session, scale=scale, seed=seed)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(result.summary())
