"""How a job joins the one scheduler process (``flask scheduler run``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask


def add_app_job(
    scheduler: Any,
    run: Callable[[Flask], None],
    app: Flask,
    trigger: str,
    *,
    job_id: str,
    name: str,
    grace_seconds: int,
    **when: Any,
) -> None:
    """Add ``run(app)`` to the scheduler under a fixed id, so a restart replaces it; runs missed
    by less than ``grace_seconds`` are made up once (coalesced), and never two at a time."""
    scheduler.add_job(
        run,
        trigger,
        args=[app],
        id=job_id,
        name=name,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=grace_seconds,
        **when,
    )
