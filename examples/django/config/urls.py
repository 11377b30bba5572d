"""The endpoints of the example service; README.md lists what they do."""
from django.urls import path

from shop import bank, missions, products, state

urlpatterns = [
    path("healthz", state.healthz),
    path("reset", state.reset),
    path("me", state.me),
    path("missions/<str:variant>/complete", missions.complete),
    path("accounts/<str:name>", bank.show),
    path("accounts/<str:name>/deposit/<str:variant>", bank.deposit),
    path("accounts/<str:name>/withdraw/<str:variant>", bank.withdraw),
    path("products/<int:pk>", products.show),
    path("products/<int:pk>/buy/<str:variant>", products.buy),
    path("products/<int:pk>/<str:variant>", products.edit),
]
