"""``flask municipalities sync``: reference data from Kolada."""

from __future__ import annotations

import click


@click.group("municipalities")
def municipalities_group() -> None:
    """Reference data about kommuner."""
