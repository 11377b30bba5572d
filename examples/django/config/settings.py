"""Settings of the racetest example service.

Everything comes from the environment that run.sh sets: a private
PostgreSQL and Redis on loopback ports. The service is deliberately
vulnerable; it must only ever listen on loopback.
"""
import os

# A throwaway key: the service has no sessions, no users and no signed data.
SECRET_KEY = "racetest-example-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = ["shop"]
# No CSRF, session or auth middleware: a JSON API called with a bearer
# token. The one middleware stamps each request's arrival time.
MIDDLEWARE = ["shop.middleware.arrival_stamp"]
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": os.environ.get("RACETEST_DJANGO_PG_PORT", "15432"),
        "NAME": "racetest",
        "USER": "racetest",
        # One connection per gunicorn thread, kept across requests, so that
        # a burst does not pay for 30 connection set-ups.
        "CONN_MAX_AGE": 600,
    }
}
REDIS_URL = "redis://127.0.0.1:%s/0" % os.environ.get("RACETEST_DJANGO_REDIS_PORT", "16379")

# No static files are served; Django 3.2's live server (pytest-django's
# live_server) still needs a static URL to tell them apart.
STATIC_URL = "/static/"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
