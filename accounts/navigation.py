"""The main menu: apps register their entries; the header shows those of the active role."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] | None = None
    order: int = 100


_items: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _items[item.url_name] = item


def navigation_for(request) -> list[dict]:
    role = request.user.active_role
    current = request.path
    entries = []
    for item in sorted(_items.values(), key=lambda i: (i.order, i.url_name)):
        if item.roles is not None and role not in item.roles:
            continue
        url = reverse(item.url_name)
        is_current = current == url if url == "/" else current.startswith(url)
        entries.append({"url": url, "label": item.label, "current": is_current})
    return entries
