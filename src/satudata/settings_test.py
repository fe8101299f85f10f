"""Settings for the test suite: a throwaway data folder and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("SATUDATA_HOME", tempfile.mkdtemp(prefix="satudata-test-"))

from satudata.settings import *  # noqa: E402,F403

# Hashing with PBKDF2 would dominate the suite's time; tests do not need its strength.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests create data without audited services too; the response cache has its own tests.
SATUDATA_PUBLIC_CACHE_SECONDS = 0

# Public statistics follow every registry write at once (the refresh interval has its own test).
SATUDATA_STATISTICS_REFRESH_SECONDS = 0
# ... and are live, not released once a month (releases have their own tests).
SATUDATA_STATISTICS_RELEASE = "live"
