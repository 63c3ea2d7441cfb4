"""A test-only page with the bell on it, until base.html includes the bell in the header."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

PAGE = engines["django"].from_string(
    '{% extends "base.html" %}{% block head_title %}Kello{% endblock %}'
    '{% block content %}<h1>Kello</h1>{% include "notifications/bell.html" %}{% endblock %}'
)


def bell_page(request):
    return HttpResponse(PAGE.render({}, request))


urlpatterns = [
    path("bell-page/", bell_page, name="bell_page"),
    path("", include("config.urls")),
]
