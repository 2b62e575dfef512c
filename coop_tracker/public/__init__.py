"""The public register: agreements marked public, readable without logging in."""
