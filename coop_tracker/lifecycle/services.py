"""The lifecycle's services in one place for callers: phase transitions, exits and exit tasks.

The code lives in ``transitions`` (gates and phase changes), ``exits`` (exit plans) with
``exit_input`` (a plan as typed, checked), ``tasks`` (exit tasks) and ``common`` (lookups);
this module keeps the names callers use.
Every function takes the session and an explicit actor (and ``today`` where dates matter),
validates plain data, writes the audit log and flushes; the caller commits.
"""

from __future__ import annotations

from coop_tracker.lifecycle.common import (
    agreement_of,
    check_exit_edit,
    exits_of,
    get_exit,
    get_task,
    open_agreement_exits,
    party_name,
    task_owner,
)
from coop_tracker.lifecycle.exit_input import EXIT_FIELDS, ExitInput
from coop_tracker.lifecycle.exits import (
    ExitOutcome,
    adopt_exit,
    check_exit_version,
    complete_exit,
    create_exit,
    exit_snapshot,
    late_notice_warning,
    remaining_role_errors,
    update_exit,
    withdraw_exit,
)
from coop_tracker.lifecycle.rules import TRANSITIONS
from coop_tracker.lifecycle.tasks import (
    DAYS_BEFORE_NOTICE,
    TASK_FIELDS,
    TaskInput,
    open_plan_items,
    planned_tasks,
    sync_plan,
    task_snapshot,
    update_task,
    validate_task,
)
from coop_tracker.lifecycle.transitions import (
    CHECKLIST_NAMES,
    GATES,
    TransitionOption,
    allowed_transitions,
    notice_still_standing,
    phase_history,
    transition,
    unmet_conditions,
)

__all__ = [
    "CHECKLIST_NAMES",
    "DAYS_BEFORE_NOTICE",
    "EXIT_FIELDS",
    "GATES",
    "TASK_FIELDS",
    "TRANSITIONS",
    "ExitInput",
    "ExitOutcome",
    "TaskInput",
    "TransitionOption",
    "adopt_exit",
    "agreement_of",
    "allowed_transitions",
    "check_exit_edit",
    "check_exit_version",
    "complete_exit",
    "create_exit",
    "exit_snapshot",
    "exits_of",
    "get_exit",
    "get_task",
    "late_notice_warning",
    "notice_still_standing",
    "open_agreement_exits",
    "open_plan_items",
    "party_name",
    "phase_history",
    "planned_tasks",
    "remaining_role_errors",
    "sync_plan",
    "task_owner",
    "task_snapshot",
    "transition",
    "unmet_conditions",
    "update_exit",
    "update_task",
    "validate_task",
    "withdraw_exit",
]
