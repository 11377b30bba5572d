"""POST /missions/<variant>/complete: pay a mission's reward once.

The body is {"type": MISSION}; the user is the bearer token. Each variant
answers 200 when it pays, 409 when the mission was already completed.
"""
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import JsonResponse
from redis.exceptions import LockError

from .api import REDIS, Problem, bearer, endpoint, error, json_body, pick
from .models import Completion, Player, UniqueCompletion

REWARD = 100


def player(name):
    try:
        return Player.objects.get(name=name)
    except Player.DoesNotExist:
        raise Problem(404, "unknown user %r" % name)


def paid():
    return {"paid": REWARD}


def check_then_pay(user, mission):
    """The classic bug: check, then act, in separate round trips. Every
    request that checks before the first one has inserted pays again."""
    if Completion.objects.filter(player__name=user, mission=mission).exists():
        return None
    p = player(user)
    Completion.objects.create(player=p, mission=mission)
    Player.objects.filter(pk=p.pk).update(points=F("points") + REWARD)
    return paid()


def naive(user, mission):
    return check_then_pay(user, mission)


def atomic(user, mission):
    """Still the bug: a transaction is not a lock. Under PostgreSQL's READ
    COMMITTED, concurrent transactions do not see each other's uncommitted
    inserts, so all of them pass the check and all of them commit."""
    with transaction.atomic():
        return check_then_pay(user, mission)


def select_for_update(user, mission):
    """Fixed: lock the player's row first. The others wait at the SELECT
    ... FOR UPDATE until the first commits, then see its completion."""
    with transaction.atomic():
        p = Player.objects.select_for_update().get(pk=player(user).pk)
        if Completion.objects.filter(player=p, mission=mission).exists():
            return None
        Completion.objects.create(player=p, mission=mission)
        Player.objects.filter(pk=p.pk).update(points=F("points") + REWARD)
        return paid()


def unique(user, mission):
    """Fixed: insert first under a unique constraint. The database lets one
    row in; the others' inserts fail, and so they pay nothing."""
    p = player(user)
    try:
        with transaction.atomic():
            UniqueCompletion.objects.create(player=p, mission=mission)
            Player.objects.filter(pk=p.pk).update(points=F("points") + REWARD)
    except IntegrityError:
        return None
    return paid()


def redis_lock(user, mission):
    """Fixed: the check and the act under a Redis lock per user and mission.
    The others wait for it (polling every millisecond), then see the
    completion. The timeout frees the lock if a worker dies holding it."""
    lock = REDIS.lock("lock:mission:%s:%s" % (user, mission), timeout=10, sleep=0.001, blocking_timeout=10)
    try:
        with lock:
            return check_then_pay(user, mission)
    except LockError:
        raise Problem(429, "busy, try again")


def redis_sadd(user, mission):
    """Fixed: a Redis set as the gate. SADD is atomic and answers 1 only to
    the first request that adds the user. (If the database write below
    fails, the user is in the set but unpaid: the gate is not a
    transaction with the database.)"""
    if not REDIS.sadd("completed:%s" % mission, user):
        return None
    p = player(user)
    Completion.objects.create(player=p, mission=mission)
    Player.objects.filter(pk=p.pk).update(points=F("points") + REWARD)
    return paid()


VARIANTS = {
    "naive": naive,
    "atomic": atomic,
    "select-for-update": select_for_update,
    "unique": unique,
    "redis-lock": redis_lock,
    "redis-sadd": redis_sadd,
}


@endpoint("POST")
def complete(request, variant):
    pay = pick(VARIANTS, variant)
    mission = json_body(request).get("type")
    if not isinstance(mission, str) or not mission:
        raise Problem(400, '"type" must name the mission')
    result = pay(bearer(request), mission)
    if result is None:
        return error(409, "already completed")
    return JsonResponse(result)
