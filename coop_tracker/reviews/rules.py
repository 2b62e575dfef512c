"""The Swedish names of ratings and answers, and the recurring "during" questions."""

from __future__ import annotations

from coop_tracker.core.i18n import _l
from coop_tracker.reviews.models import Answer, GoalAttainment, Rating

RATING_LABELS: dict[str, str] = {
    Rating.GREEN: _l("Grön – fungerar väl"),
    Rating.YELLOW: _l("Gul – behöver uppmärksamhet"),
    Rating.RED: _l("Röd – allvarliga problem"),
}
RATING_SHORT: dict[str, str] = {
    Rating.GREEN: _l("Grön"),
    Rating.YELLOW: _l("Gul"),
    Rating.RED: _l("Röd"),
}
GOAL_LABELS: dict[str, str] = {
    GoalAttainment.MET: _l("Målen är uppnådda"),
    GoalAttainment.PARTLY: _l("Målen är delvis uppnådda"),
    GoalAttainment.NOT_MET: _l("Målen är inte uppnådda"),
    GoalAttainment.NOT_ASSESSED: _l("Har inte gått att bedöma"),
}
ANSWER_LABELS: dict[str, str] = {
    Answer.YES: _l("Ja"),
    Answer.PARTLY: _l("Delvis"),
    Answer.NO: _l("Nej"),
}

# The recurring questions while a cooperation runs (key → question), in our own words.
QUESTIONS: dict[str, str] = {
    "initial_choices": _l(
        "Håller de val ni gjorde från början fortfarande (syfte, form, upplägg)?"
    ),
    "carrier_left": _l("Har någon person som bär samverkan slutat eller bytt uppdrag?"),
    "changed_conditions": _l("Har förutsättningarna ändrats i någon av kommunerna?"),
    "room_for_follow_up": _l("Finns det tid och resurser för uppföljning och analys?"),
    "communication_politicians": _l("Fungerar kommunikationen mellan kommunernas politiker?"),
    "communication_administrations": _l("Fungerar kommunikationen mellan förvaltningarna?"),
    "communication_politics_administration": (
        _l("Fungerar kommunikationen mellan politik och förvaltning i varje kommun?")
    ),
}
# For these questions "yes" is the warning sign (a carrier left, conditions changed).
YES_IS_RISK = frozenset({"carrier_left", "changed_conditions"})
