"""The area vocabulary administered: add, rename, retire and merge (moving agreements)."""
