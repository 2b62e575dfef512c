# Copy to instance/config.py and adjust. Environment variables COOP_TRACKER_<NAME> override these.
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://coop:secret@127.0.0.1:5432/coop_tracker"
# SECRET_KEY = "a long random string; generated into instance/secret_key when unset"
# BASE_URL = "https://samverkan.example.se"  # unset: the request's address; e-mails 127.0.0.1:5000
# SESSION_COOKIE_SECURE = True
# MAIL_SERVER = "smtp.example.se"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "samverkanskollen"
# MAIL_PASSWORD = "..."
# MAIL_SENDER = "Samverkanskollen <noreply@example.se>"
# ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@example.se"
