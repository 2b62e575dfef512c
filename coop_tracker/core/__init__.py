"""Core: the shared base model, database set-up, errors, permissions, clock and helpers."""
