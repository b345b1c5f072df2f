"""Settings for the test suite: fast hashing, tasks run at once, no manifest for static files."""

from zhiben.settings import *  # noqa: F403
from zhiben.settings import HUEY, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
AXES_FAILURE_LIMIT = 5

# whitenoise warns on every request when the collected-static folder does not exist yet.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# A file, not memory, for the SQLite test database: concurrent writers then queue on SQLite's lock
# (IMMEDIATE transactions, busy_timeout) exactly as in the embedded deployment. pytest-xdist adds a
# per-worker suffix to the name.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
