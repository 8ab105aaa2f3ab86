"""A dictionary that keeps within a size in bytes, dropping the least recently used first."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any


class SizedLRU:
    """Values by key, within `max_bytes` (as their sizes are given); safe across threads."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # gunicorn threads share a process's entries

    def get(self, key) -> Any:
        """Return the value kept under `key`, or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, size: int) -> None:
        """Keep a value, unless it alone would take more than a tenth of the room."""
        if size > self.max_bytes // 10:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def __len__(self) -> int:
        return len(self._items)
