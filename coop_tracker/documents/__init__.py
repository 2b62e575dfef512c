"""Documents of an agreement: typed, versioned, stored or linked, searchable in full text."""
