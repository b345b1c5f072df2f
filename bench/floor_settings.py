"""Settings for the concurrency benchmark's server only: the product's, plus the floor endpoint's URLconf.

Never used by the product: ``bench/concurrency.py`` starts waitress with
``DJANGO_SETTINGS_MODULE=bench.floor_settings``.
"""

from zhiben.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
