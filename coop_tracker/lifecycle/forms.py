"""Transition, exit plan and exit task forms. Fields hold raw text; the services validate."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from coop_tracker.core.forms import choices
from coop_tracker.core.i18n import _l
from coop_tracker.lifecycle.exit_rules import EXIT_KIND_LABELS, TASK_STATUS_LABELS
from coop_tracker.lifecycle.plans import DecisionInput
from coop_tracker.lifecycle.services import ExitInput, TaskInput


class TransitionForm(FlaskForm):
    """One phase change: the target phase, a reason, and (admins) an override."""

    to_phase = HiddenField()
    reason = TextAreaField(_l("Motivering"))
    override = BooleanField(_l("Gå förbi villkoren (administratör)"))


class ExitForm(FlaskForm):
    """An exit plan: its kind, notice and transition period."""

    version = HiddenField()
    kind = RadioField(
        _l("Vilket slag av avslut?"),
        choices=choices(EXIT_KIND_LABELS),
        validate_choice=False,
    )
    leaving_party_id = SelectField(_l("Part som lämnar"), choices=[], validate_choice=False)
    title = StringField(_l("Namn på planen"))
    background = TextAreaField(_l("Bakgrund och skäl"))
    notice_party_id = SelectField(_l("Part som säger upp"), choices=[], validate_choice=False)
    notice_given_on = StringField(_l("Uppsägningen lämnades"))
    notice_received_on = StringField(_l("Uppsägningen nådde de andra parterna"))
    effective_on = StringField(_l("Samverkan upphör från"))
    transition_starts_on = StringField(_l("Övergången börjar"))
    transition_ends_on = StringField(_l("Övergången är klar"))
    has_joint_organisation = BooleanField(_l("Parterna har en gemensam övergångsorganisation"))

    def set_parties(self, parties: list[tuple[str, str]]) -> None:
        self.leaving_party_id.choices = choices([("", _l("Välj part")), *parties])
        self.notice_party_id.choices = choices([("", _l("Inte bestämt ännu")), *parties])

    def to_input(self) -> ExitInput:
        return ExitInput(
            kind=self.kind.data,
            leaving_party_id=self.leaving_party_id.data or None,
            title=self.title.data,
            background=self.background.data,
            notice_party_id=self.notice_party_id.data or None,
            notice_given_on=self.notice_given_on.data,
            notice_received_on=self.notice_received_on.data,
            effective_on=self.effective_on.data,
            transition_starts_on=self.transition_starts_on.data,
            transition_ends_on=self.transition_ends_on.data,
            has_joint_organisation=bool(self.has_joint_organisation.data),
        )


class AdoptForm(FlaskForm):
    """Adopting a plan: when, and by which decision."""

    version = HiddenField()
    adopted_on = StringField(_l("Beslutsdatum"))
    decision_ref = StringField(_l("Beslut (paragraf eller diarienummer)"))


class WithdrawForm(FlaskForm):
    """Withdrawing a plan and its notice."""

    version = HiddenField()
    withdrawn_reason = TextAreaField(_l("Skäl till att planen återkallas"))


class VersionForm(FlaskForm):
    """A one-button action on a versioned row."""

    version = HiddenField()


class TaskForm(FlaskForm):
    """An exit task: (own tasks: title and weight) party, owner, due date, status and note."""

    version = HiddenField()
    title = StringField(_l("Uppgift"))
    is_required = BooleanField(_l("Måste vara klar innan planen kan markeras som genomförd"))
    party_id = SelectField(_l("Part"), choices=[], validate_choice=False)
    owner_name = StringField(_l("Ansvarig person"))
    due_on = StringField(_l("Klart senast"))
    status = RadioField(
        _l("Status"), choices=choices(TASK_STATUS_LABELS), default="open", validate_choice=False
    )
    not_applicable_reason = TextAreaField(_l("Skäl till att uppgiften inte är tillämplig"))
    note = TextAreaField(_l("Anteckning"))

    def to_input(self) -> TaskInput:
        return TaskInput(
            title=self.title.data,
            is_required=bool(self.is_required.data),
            owner_name=self.owner_name.data,
            due_on=self.due_on.data,
            status=self.status.data,
            not_applicable_reason=self.not_applicable_reason.data,
            note=self.note.data,
            party_id=self.party_id.data or None,
        )


class DecisionForm(FlaskForm):
    """One party's decision on the exit."""

    version = HiddenField()
    body = StringField(_l("Beslutande organ"))
    decided_on = StringField(_l("Beslutsdatum"))
    paragraph = StringField(_l("Paragraf"))
    case_number = StringField(_l("Diarienummer"))
    note = TextAreaField(_l("Anteckning"))

    def to_input(self) -> DecisionInput:
        return DecisionInput(
            body=self.body.data,
            decided_on=self.decided_on.data,
            paragraph=self.paragraph.data,
            case_number=self.case_number.data,
            note=self.note.data,
        )
