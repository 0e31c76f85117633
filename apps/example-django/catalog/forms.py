from django import forms

from .models import Item


class ItemForm(forms.ModelForm):
    """The one validation of a new item, for the HTML form and the JSON API alike."""

    class Meta:
        model = Item
        fields = ["name", "description", "price", "category"]
