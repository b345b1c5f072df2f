"""The pages of dual prevention (each area's views under ``views/``, their paths listed there)."""

from .views.checks import checks_urls

app_name = "risks"
urlpatterns = [*checks_urls]
