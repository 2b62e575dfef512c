"""The Swedish names of ratings and answers, and the recurring "during" questions."""

from __future__ import annotations

from coop_tracker.reviews.models import Answer, GoalAttainment, Rating

RATING_LABELS: dict[str, str] = {
    Rating.GREEN: "Grön – fungerar väl",
    Rating.YELLOW: "Gul – behöver uppmärksamhet",
    Rating.RED: "Röd – allvarliga problem",
}
RATING_SHORT: dict[str, str] = {
    Rating.GREEN: "Grön",
    Rating.YELLOW: "Gul",
    Rating.RED: "Röd",
}
GOAL_LABELS: dict[str, str] = {
    GoalAttainment.MET: "Målen är uppnådda",
    GoalAttainment.PARTLY: "Målen är delvis uppnådda",
    GoalAttainment.NOT_MET: "Målen är inte uppnådda",
    GoalAttainment.NOT_ASSESSED: "Har inte gått att bedöma",
}
ANSWER_LABELS: dict[str, str] = {
    Answer.YES: "Ja",
    Answer.PARTLY: "Delvis",
    Answer.NO: "Nej",
}

# The recurring questions while a cooperation runs (key → question), in our own words.
QUESTIONS: dict[str, str] = {
    "initial_choices": "Håller de val ni gjorde från början fortfarande (syfte, form, upplägg)?",
    "carrier_left": "Har någon person som bär samverkan slutat eller bytt uppdrag?",
    "changed_conditions": "Har förutsättningarna ändrats i någon av kommunerna?",
    "room_for_follow_up": "Finns det tid och resurser för uppföljning och analys?",
    "communication_politicians": "Fungerar kommunikationen mellan kommunernas politiker?",
    "communication_administrations": "Fungerar kommunikationen mellan förvaltningarna?",
    "communication_politics_administration": (
        "Fungerar kommunikationen mellan politik och förvaltning i varje kommun?"
    ),
}
# For these questions "yes" is the warning sign (a carrier left, conditions changed).
YES_IS_RISK = frozenset({"carrier_left", "changed_conditions"})
