"""Middleware of the example service."""
import time


def arrival_stamp(get_response):
    """Stamps every response with X-Racetest-Arrival, the Unix time in
    nanoseconds at which Django started on the request, so that racetest
    can report how far apart the server saw a burst arrive."""

    def middleware(request):
        arrived = time.time_ns()
        response = get_response(request)
        response["X-Racetest-Arrival"] = str(arrived)
        return response

    return middleware
