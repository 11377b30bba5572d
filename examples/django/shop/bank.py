"""POST /accounts/<name>/deposit/<variant> and .../withdraw/<variant>.

The body is {"amount": A}. A withdrawal larger than the balance is
refused with 409. GET /accounts/<name> shows the balance.
"""
from django.db import transaction
from django.db.models import F
from django.http import JsonResponse

from .api import Problem, endpoint, error, json_body, pick, positive
from .models import Account


def account(name, lock=False):
    rows = Account.objects.select_for_update() if lock else Account.objects
    try:
        return rows.get(name=name)
    except Account.DoesNotExist:
        raise Problem(404, "unknown account %r" % name)


def deposit_naive(name, amount):
    """The lost update: read, add in Python, write back. Two deposits that
    read the same balance write the same sum, and one of them is lost."""
    a = account(name)
    a.balance += amount
    a.save(update_fields=["balance"])
    return True


def withdraw_naive(name, amount):
    a = account(name)
    if a.balance < amount:
        return False
    a.balance -= amount
    a.save(update_fields=["balance"])
    return True


def deposit_f(name, amount):
    """Fixed: UPDATE ... SET balance = balance + A, computed by PostgreSQL."""
    if not Account.objects.filter(name=name).update(balance=F("balance") + amount):
        account(name)  # 404 if it does not exist
    return True


def withdraw_f(name, amount):
    """Fixed: one conditional UPDATE ... WHERE balance >= A; no row
    updated means the funds were short (or there is no such account)."""
    if Account.objects.filter(name=name, balance__gte=amount).update(balance=F("balance") - amount):
        return True
    account(name)
    return False


def deposit_locked(name, amount):
    """Fixed: the read-modify-write of deposit_naive under a row lock."""
    with transaction.atomic():
        a = account(name, lock=True)
        a.balance += amount
        a.save(update_fields=["balance"])
        return True


def withdraw_locked(name, amount):
    with transaction.atomic():
        a = account(name, lock=True)
        if a.balance < amount:
            return False
        a.balance -= amount
        a.save(update_fields=["balance"])
        return True


DEPOSITS = {"naive": deposit_naive, "f-expression": deposit_f, "select-for-update": deposit_locked}
WITHDRAWALS = {"naive": withdraw_naive, "f-expression": withdraw_f, "select-for-update": withdraw_locked}


def move(request, name, variants, variant):
    act = pick(variants, variant)
    amount = positive(json_body(request), "amount")
    if not act(name, amount):
        return error(409, "insufficient funds")
    return JsonResponse({"ok": True, "amount": amount})


@endpoint("POST")
def deposit(request, name, variant):
    return move(request, name, DEPOSITS, variant)


@endpoint("POST")
def withdraw(request, name, variant):
    return move(request, name, WITHDRAWALS, variant)


@endpoint("GET")
def show(request, name):
    a = account(name)
    return JsonResponse({"name": a.name, "balance": a.balance})
