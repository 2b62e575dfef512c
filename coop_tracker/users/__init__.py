"""Users: accounts, roles, login and API tokens."""
