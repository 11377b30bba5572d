"""Helpers shared by the views: JSON in and out, the bearer user, Redis."""
import functools
import json

import redis
from django.conf import settings
from django.http import JsonResponse

# One client for the process: redis-py's connection pool is thread-safe.
REDIS = redis.Redis.from_url(settings.REDIS_URL)


class Problem(Exception):
    """An error answer: raised anywhere in a view, sent as JSON."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def error(status, message):
    return JsonResponse({"error": message}, status=status)


def endpoint(*methods):
    """Decorates a view: only the given methods, Problem sent as JSON."""

    def wrap(view):
        @functools.wraps(view)
        def handle(request, *args, **kwargs):
            if request.method not in methods:
                return error(405, "use " + " or ".join(methods))
            try:
                return view(request, *args, **kwargs)
            except Problem as p:
                return error(p.status, p.message)

        return handle

    return wrap


def pick(variants, name):
    """The view function of variant name, or 404 listing the variants."""
    if name not in variants:
        raise Problem(404, "unknown variant %r; one of %s" % (name, ", ".join(variants)))
    return variants[name]


def json_body(request):
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise Problem(400, "the body is not JSON")
    if not isinstance(data, dict):
        raise Problem(400, "the body must be a JSON object")
    return data


def positive(data, field, default=None):
    """data[field] as an integer >= 1."""
    value = data.get(field, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Problem(400, '"%s" must be an integer >= 1' % field)
    return value


def bearer(request):
    """The user named by Authorization: Bearer <user>."""
    scheme, _, user = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Bearer" or not user:
        raise Problem(401, "send Authorization: Bearer <user>")
    return user
