"""The API's documentation as a readable page (``/api-dokumentation``): every path and method
with its summary, parameters and answers, read from the same OpenAPI description that
``/api/v1/openapi.json`` serves. Rendered on the server: no script, nothing from other hosts,
Swedish with a page title and language; the JSON is one link further."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template

from coop_tracker.api import OPENAPI_PATH

bp = Blueprint("api_page", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)
    has_body: bool = False


def operations(spec: dict[str, Any]) -> list[tuple[str, list[Operation]]]:
    """The spec's operations grouped by their first tag, in path order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            description = (operation.get("description") or "").strip()
            summary = (operation.get("summary") or description.split("\n", 1)[0]).strip()
            tag = (operation.get("tags") or ["API"])[0]
            groups.setdefault(tag, []).append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=summary,
                    description=description if description != summary else "",
                    parameters=[*shared, *operation.get("parameters", [])],
                    responses=[
                        (code, (answer or {}).get("description", ""))
                        for code, answer in operation.get("responses", {}).items()
                    ],
                    has_body="requestBody" in operation,
                )
            )
    # A tag is a blueprint's name ("api_agreements"); its description (the blueprint's
    # docstring) says in words what the group is.
    names = {
        tag["name"]: (tag.get("description") or tag["name"]).strip().split("\n", 1)[0]
        for tag in spec.get("tags", [])
    }
    named = [(names.get(tag, tag).rstrip("."), ops) for tag, ops in groups.items()]
    return sorted(named, key=lambda pair: pair[0].casefold())


@bp.get("/api-dokumentation")
def docs() -> Any:
    from coop_tracker.extensions import api

    spec = api.spec.to_dict()
    return render_template(
        "api/docs.html",
        info=spec.get("info", {}),
        groups=operations(spec),
        openapi_path=OPENAPI_PATH,
    )
