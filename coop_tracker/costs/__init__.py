"""What each kommun pays: cost models per agreement, index clauses and reconciliation."""
