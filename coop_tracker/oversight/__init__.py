"""Uppsikt: one page and one meeting report per kommun over every cooperation it is in."""
