"""The API client fixture of tests/api, for the list filter tests."""

from tests.api.conftest import api_as  # noqa: F401
