"""Checklists: versioned templates (data files) and their items on each agreement."""
