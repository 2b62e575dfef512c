"""Organisations that can be parties: kommuner, regioner, förbund, Finsam, companies, agencies."""
