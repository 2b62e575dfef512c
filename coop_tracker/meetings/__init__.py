"""Meeting calendars: KS, KF (and nämnd) meetings per kommun with their case deadlines."""
