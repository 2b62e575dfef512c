"""Reading the audit log: the history tab, the administrators' log with its CSV export, the
restore of an archived agreement, and the history API; above the domains whose changes it names."""
