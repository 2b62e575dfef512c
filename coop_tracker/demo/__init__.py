"""Deterministic demo data: a believable register (``small``) or the whole country (``national``).

``services.load_demo(session, scale=..., seed=...)`` is what ``flask demo`` (``cli.py``) calls.
The same seed on the same day gives the same data: every random choice comes from
``random.Random`` seeded with the scale and the seed (never the global generator), and every
date is derived from one ``today`` read once from :mod:`coop_tracker.core.clock` (or passed in
by tests) plus seeded offsets, so the agreements always look current — notice deadlines fall in
the coming months, terms have run for years — whenever the demo is loaded. A few historical
facts keep their real dates (the MTG cooperation started 2006; Göteborg's alcohol supervision
for its neighbours ended 2023-06-30).

The data (kommuner, the hand-written agreements, names and titles, the national profiles, the
texts of reviews and exit plans) lives in ``data/*.toml``; the modules here hold the code:

- ``users``: the demo logins; ``context``: what each step gets and what the load returns;
- ``small``: the hand-written register through the services (validated and audited like a
  real registration); ``national``: 10,000 generated agreements inserted in bulk;
- the steps that run after the agreements exist, in the order ``services.STEPS`` lists them:
  ``followup`` (reviews, meeting calendars), ``lifecycle`` with ``checklists`` and ``exits``,
  ``documents``, ``party_reviews``, ``budget_days``, ``costs``.

A step is ``step(session, context)``: deterministic (it draws only from
``context.random(name)`` and derives dates from ``context.today``), it flushes and never commits
(``flask demo`` commits once at the end), and it adds its count to ``context.counts`` for the
summary line. A new step is written into ``STEPS``, where its place in the order is explicit.

The package sits above every domain: nothing below imports it.
"""
