"""The state the races fight over: players' points, bank accounts, products."""
from django.db import models


class Player(models.Model):
    """A user of the mission story, named by the bearer token."""

    name = models.CharField(max_length=50, unique=True)
    points = models.IntegerField(default=0)


class Completion(models.Model):
    """A completed mission. Nothing stops duplicates: the views must."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE)
    mission = models.CharField(max_length=50)


class UniqueCompletion(models.Model):
    """A completed mission under a unique constraint: the database refuses
    the second row, whatever the timing (the insert-first fix)."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE)
    mission = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["player", "mission"], name="one_completion_per_mission"),
        ]


class Account(models.Model):
    """A bank account of the deposit and withdraw story."""

    name = models.CharField(max_length=50, unique=True)
    balance = models.IntegerField(default=0)


class Product(models.Model):
    """A product of the stock and edit-lock stories."""

    name = models.CharField(max_length=100)
    stock = models.IntegerField(default=0)
    # version counts the edits applied; with the edit lock held by one
    # editor at a time it ends equal to the number of PATCHes answered 200.
    version = models.IntegerField(default=0)
