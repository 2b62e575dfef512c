"""Reminders: planned rows per deadline and recipient, swept by the scheduler into digests."""
