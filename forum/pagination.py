"""One page of any list the forum shows, and how to read one from a query."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from forum.db import db


def page_count(total: int, per_page: int) -> int:
    """Return how many pages `total` items fill (at least one, possibly empty)."""
    return max(1, -(-total // per_page))


def within(page: int, total: int, per_page: int) -> int:
    """Return `page` moved into the pages that exist."""
    return min(max(page, 1), page_count(total, per_page))


@dataclass
class Page:
    """A page of a list, with what a pager needs."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(query, page: int, per_page: int) -> Page:
    """Run a SELECT of ORM rows for one page, with its count (two queries)."""
    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total or 0)
