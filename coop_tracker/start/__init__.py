"""The start page: the user's kommun at a glance."""
