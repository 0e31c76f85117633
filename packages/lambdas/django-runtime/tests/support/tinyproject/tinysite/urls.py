from django.contrib import admin
from django.urls import path

from catalog import probes, views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/items/", views.api_items, name="api-items"),
    path("items/new/", views.new_item, name="new-item"),
    path("healthz", views.healthz, name="healthz"),
    # For the adapter's tests only.
    path("probe/environ", probes.environ),
    path("probe/cookies", probes.cookies),
    path("probe/image", probes.image),
    path("probe/stream", probes.stream),
    path("probe/large", probes.large),
    path("probe/echo", probes.echo),
    path("probe/boom", probes.boom),
    path("probe/reverse", probes.reverse_url),
    path("probe/requests", probes.requests),
    path("probe/greeting", probes.greeting),
]
