"""Server-rendered pages: the item list and the form that creates an item (CSRF-protected)."""

from __future__ import annotations

import os

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from .forms import ItemForm
from .models import Item

HOME_PAGE_ITEMS = 50


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "items": Item.objects.select_related("category")[:HOME_PAGE_ITEMS],
        # Read per request: a secrets reload shows here without a restart. Never logged.
        "greeting": os.getenv("GREETING_SECRET", ""),
        # The address this page was served under: the viewer's host and scheme behind the edge.
        "site_url": request.build_absolute_uri("/"),
    }
    return render(request, "catalog/home.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect  # also checked by the middleware; here so the form stays protected without it
def new_item(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            item = form.save()
            messages.success(request, f"Created “{item.name}”.")
            return redirect("catalog:home")
        return render(request, "catalog/item_form.html", {"form": form}, status=400)
    return render(request, "catalog/item_form.html", {"form": form})
