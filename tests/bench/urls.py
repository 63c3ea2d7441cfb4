"""The bench's URLconf: Polku's own URLs plus a bare view to compare the pages with."""

from functools import cache

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

# A small page rendered through the template engine, with the context processors of
# every page (user, active role, CSP nonce, messages), and no data of Polku.
BARE_TEMPLATE = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Polku</title></head>
<body><main><h1>Polku</h1><p>{{ user.get_full_name }}</p>
<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul></main></body></html>"""


@cache
def _template():
    # Compiled once, as the cached template loader does for Polku's pages.
    return engines["django"].from_string(BARE_TEMPLATE)


def bare_view(request):
    """What Django, the middleware stack and the session cost without any of Polku's work."""
    return HttpResponse(_template().render({"items": range(10)}, request))


urlpatterns = [
    path("bench/bare/", bare_view, name="bench_bare"),
    path("", include("config.urls")),
]
