"""Running an installation: its identity (safe restores) and upgrades."""
