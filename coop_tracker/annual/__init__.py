"""The annual cycle (årshjul): recurring duties per form and party, year by year."""
