"""Fixtures for the JSON API: a user with a token and a client that sends it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from coop_tracker.users.models import User


@dataclass
class ApiClient:
    """The test client with one user's bearer token on every request."""

    client: FlaskClient
    user: User
    token: str

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        return self.client.patch(url, headers=self._headers(kwargs.pop("headers", None)), **kwargs)


@pytest.fixture
def api_as(client: FlaskClient, factory: Any) -> Any:
    """``api_as("editor", "2021")`` → an ApiClient for a new user with that role and kommun."""

    def make(role: str = "editor", municipality: str | None = "2021") -> ApiClient:
        user = factory.user(role, municipality)
        return ApiClient(client, user, factory.token(user))

    return make


@pytest.fixture
def api(api_as: Any) -> ApiClient:
    """An editor of Vansbro (2021)."""
    return api_as("editor", "2021")


def agreement_body(**changes: Any) -> dict[str, Any]:
    """A valid POST body: avtalssamverkan Vansbro (host) – Malung-Sälen (purchaser)."""
    body: dict[str, Any] = {
        "title": "Miljö- och hälsoskydd Vansbro–Malung-Sälen",
        "form": "avtalssamverkan",
        "areas": ["miljo-halsoskydd"],
        "purpose": "Gemensam tillsyn.",
        "start_on": "2025-01-01",
        "end_on": "2027-12-31",
        "notice_months": 6,
        "renewal": "tacit",
        "renewal_months": 12,
        "annual_cost": "250000.00",
        "parties": [
            {"municipality": "2021", "role": "host", "decision_body": "Kommunfullmäktige"},
            {"municipality": "2023", "role": "purchaser", "cost_share_percent": "40"},
        ],
    }
    body.update(changes)
    return body
