"""Audit: every change, who made it, and what it was."""
