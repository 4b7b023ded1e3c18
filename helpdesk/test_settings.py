"""Settings for the test suite: the normal settings, with development defaults for the
values production must be given explicitly. DATABASE_URL and REDIS_URL still apply."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "kefu-test-secret-key-only-for-the-test-suite")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Out-of-hours acknowledgements depend on the time of day the suite runs; the tests of
# that feature turn them on (tests/sla/test_acknowledgements.py).
KEFU_SLA_AUTO_ACKNOWLEDGE = False
