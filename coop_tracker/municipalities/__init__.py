"""Municipalities, counties and the area vocabulary."""
