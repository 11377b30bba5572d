"""POST /reset, GET /me, GET /healthz."""
from django.db import connection, transaction
from django.http import JsonResponse

from .api import REDIS, Problem, bearer, endpoint
from .models import Account, Completion, Player, Product, UniqueCompletion

PLAYERS = ["u1", "u2", "u3"]


@endpoint("POST")
def reset(request):
    """Restores the seed state: players u1-u3 with 0 points and no
    completions, account "a" with 1000, product 1 with stock 10, and an
    empty Redis (locks and gates)."""
    with transaction.atomic():
        Completion.objects.all().delete()
        UniqueCompletion.objects.all().delete()
        for name in PLAYERS:
            Player.objects.update_or_create(name=name, defaults={"points": 0})
        Account.objects.update_or_create(name="a", defaults={"balance": 1000})
        Product.objects.update_or_create(pk=1, defaults={"name": "widget", "stock": 10, "version": 0})
    REDIS.flushdb()
    return JsonResponse({"ok": True})


@endpoint("GET")
def me(request):
    """The bearer user's points and how many completions are recorded."""
    user = bearer(request)
    try:
        p = Player.objects.get(name=user)
    except Player.DoesNotExist:
        raise Problem(404, "unknown user %r" % user)
    done = Completion.objects.filter(player=p).count() + UniqueCompletion.objects.filter(player=p).count()
    return JsonResponse({"user": p.name, "points": p.points, "completions": done})


@endpoint("GET")
def healthz(request):
    with connection.cursor() as c:
        c.execute("SELECT 1")
    REDIS.ping()
    return JsonResponse({"ok": True})
