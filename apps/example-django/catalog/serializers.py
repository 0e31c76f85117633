"""The API's JSON view of the models."""

from __future__ import annotations

from typing import Any

from .models import PRICE_DECIMAL_PLACES, Item


def item_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "description": item.description,
        # A string: JSON numbers are floats to most clients, and prices must stay exact.
        "price": f"{item.price:.{PRICE_DECIMAL_PLACES}f}",
        "category": (
            {"id": item.category.pk, "name": item.category.name} if item.category else None
        ),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }
