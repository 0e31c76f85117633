from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("catalog.api_urls")),
    path("", include("catalog.urls")),
]

# JSON errors under /api/, Django's plain pages elsewhere (never the DEBUG page in production).
handler400 = "example_django.errors.bad_request"
handler403 = "example_django.errors.permission_denied"
handler404 = "example_django.errors.not_found"
handler500 = "example_django.errors.server_error"
