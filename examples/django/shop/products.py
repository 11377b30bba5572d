"""Products: POST /products/<id>/buy/<variant> with {"quantity": Q} (default
1), 409 when sold out; PATCH /products/<id>/<variant> with {"name": N},
guarded by an edit lock, 429 while it is held; GET /products/<id>.
"""
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .api import REDIS, Problem, endpoint, error, json_body, pick, positive
from .models import Product

# The edit lock expires on its own, so that a crashed editor cannot block
# the product; it is not released when the edit is done, so that a burst of
# duplicate saves (a double-clicked Save) gets one 200 and the rest 429.
EDIT_LOCK_SECONDS = 5


def product(pk, lock=False):
    rows = Product.objects.select_for_update() if lock else Product.objects
    try:
        return rows.get(pk=pk)
    except Product.DoesNotExist:
        raise Problem(404, "unknown product %d" % pk)


def view(p):
    return {"id": p.pk, "name": p.name, "stock": p.stock, "version": p.version}


def buy_naive(pk, quantity):
    """The oversell: check the stock, then decrement it. Every buyer that
    read the stock before the last item went passes the check, and the
    decrements take the stock below zero."""
    if product(pk).stock < quantity:
        return False
    Product.objects.filter(pk=pk).update(stock=F("stock") - quantity)
    return True


def buy_locked(pk, quantity):
    """Fixed: the same check and decrement under a row lock."""
    with transaction.atomic():
        p = product(pk, lock=True)
        if p.stock < quantity:
            return False
        p.stock -= quantity
        p.save(update_fields=["stock"])
        return True


def lock_key(pk):
    return "lock:product:%d" % pk


def save_edit(p, name):
    # A read-modify-write of version, safe only while one editor holds the
    # lock.
    p.name = name
    p.version += 1
    p.save(update_fields=["name", "version"])
    return view(p)


def edit_naive(pk, name):
    """The broken lock: look for it (failing fast, before the database is
    touched), load the product, then take the lock. Editors that look
    before the first one has taken it all get in."""
    if REDIS.get(lock_key(pk)):
        return None
    p = product(pk)
    REDIS.set(lock_key(pk), "1", ex=EDIT_LOCK_SECONDS)
    return save_edit(p, name)


def edit_locked(pk, name):
    """Fixed: take the lock with one atomic SET key 1 NX EX: exactly one
    editor gets it."""
    p = product(pk)
    if not REDIS.set(lock_key(pk), "1", nx=True, ex=EDIT_LOCK_SECONDS):
        return None
    return save_edit(p, name)


BUYS = {"naive": buy_naive, "select-for-update": buy_locked}
EDITS = {"naive": edit_naive, "redis-lock": edit_locked}


@endpoint("POST")
def buy(request, pk, variant):
    act = pick(BUYS, variant)
    quantity = positive(json_body(request), "quantity", default=1)
    if not act(pk, quantity):
        return error(409, "sold out")
    return JsonResponse({"ok": True, "quantity": quantity})


@endpoint("PATCH")
def edit(request, pk, variant):
    act = pick(EDITS, variant)
    name = json_body(request).get("name")
    if not isinstance(name, str) or not name:
        raise Problem(400, '"name" must be a non-empty string')
    result = act(pk, name)
    if result is None:
        return error(429, "product is being edited, try again later")
    return JsonResponse(result)


@endpoint("GET")
def show(request, pk):
    return JsonResponse(view(product(pk)))
