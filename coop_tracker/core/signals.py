"""Signals by which a lower domain announces a change that a higher domain acts on, or asks a
higher domain for what only it knows.

A domain below may not import one above it (``tests/core/test_import_graph.py``). When a change
down there must have an effect up here — a saved review re-plans the agreement's reminders, a new
agreement gets its checklists — the lower service sends a signal named here, and the higher
domain connects its receiver in ``routes.register_signal_receivers`` (the roof, at app creation,
never on import). Receivers run at once, in the sender's transaction, with the sender's actor;
like services they flush and never commit.

A signal may also ask (Indico's plugin signals do the same): the lower domain sends it and reads
what the receivers return (``send`` gives ``(receiver, value)`` pairs). ``exit_plans_wanted`` is
the one such signal: checklists ask lifecycle for an agreement's exit plans.
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

agreement_created = signals.signal("agreement-created")
"""A new agreement and its parties are flushed and its "create" entry is in the audit log.
Sent by ``agreements.services.create_agreement`` (web form, API, import, network, demo alike)
with the session as sender and ``agreement`` and ``actor``; checklists give it its "before"
list."""

deadlines_changed = signals.signal("deadlines-changed")
"""An agreement's dates moved (a notice given, a plan withdrawn, a task's due date changed, a
review recorded): what the next reminder sweep sends must change now, not at the nightly
planning. Sent by the lifecycle's exit services and by a saved review, with the session as
sender and ``agreement`` and ``today``; reminders re-plan the agreement's rows."""

exit_plans_wanted = signals.signal("exit-plans-wanted")
"""Checklists keep one list per exit plan and know a plan by its id; the plans are lifecycle's.
Sent by ``checklists.exits.exit_plans`` with the session as sender and ``agreement_id``; a
receiver returns the agreement's plans as ``checklists.exits.ExitPlan`` rows, oldest first.
Nothing changes: the answer is the return value (``send`` collects it)."""
