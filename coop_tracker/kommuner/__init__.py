"""Kommun pages: the kommuner with their agreements, one kommun's agreements, its settings."""
