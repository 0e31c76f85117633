from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

PRICE_DECIMAL_PLACES = 2


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10,
        decimal_places=PRICE_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Deleting a category keeps its items, uncategorised.
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # Newest first; the id breaks ties between items created in the same instant.
        ordering = ["-created_at", "-id"]
        constraints = [
            # The database enforces what the form validates, for writes that bypass forms.
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_item_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name
