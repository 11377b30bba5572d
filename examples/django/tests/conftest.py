"""pytest-django set-up for the Django example's tests."""
import pytest
from django.core.servers.basehttp import WSGIServer

# Django's development and live server listens with a backlog of 10
# (WSGIServer.request_queue_size). racetest opens all 30 connections of a
# burst before it releases them; past the backlog the kernel resets the
# connections it could not queue, and such a burst is incomplete. gunicorn
# listens with 2048; the live server of these tests gets 128.
WSGIServer.request_queue_size = 128


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Closes each request's database connection when it ends. The live
    server starts a thread per connection; with the service's persistent
    connections (CONN_MAX_AGE) every thread of a burst would keep one open
    and the bursts of a session would exhaust PostgreSQL's connections."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
