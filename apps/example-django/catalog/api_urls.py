from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("items/", api.items, name="items"),
    path("items/<int:item_id>/", api.item_detail, name="item-detail"),
]
