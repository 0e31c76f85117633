from django.contrib import admin

from .models import Category, Item


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["name", "price", "category", "created_at"]
    list_filter = ["category"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["category"]
    readonly_fields = ["created_at", "updated_at"]
