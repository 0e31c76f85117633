"""The models and their migrations, on both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from catalog.models import Category, Item


def test_the_database_refuses_a_negative_price(db: str) -> None:
    """The check constraint holds for writes that bypass the form."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(name="refund", price=Decimal("-0.01"))
    assert not Item.objects.exists()


def test_prices_keep_their_cents(db: str) -> None:
    item = Item.objects.create(name="exact", price=Decimal("12345678.90"))
    item.refresh_from_db()
    assert item.price == Decimal("12345678.90")


def test_deleting_a_category_keeps_its_items(db: str) -> None:
    tea = Category.objects.create(name="Tea")
    item = Item.objects.create(name="Sencha", price=1, category=tea)
    tea.delete()
    item.refresh_from_db()
    assert item.category is None


def test_category_names_are_unique(db: str) -> None:
    Category.objects.create(name="Tea")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Tea")


def test_the_migrations_match_the_models() -> None:
    # Exits with status 1 when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
