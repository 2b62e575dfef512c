"""Derived dates: what an agreement's terms, meeting calendars, reviews and notices give."""
