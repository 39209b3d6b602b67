"""Orders persisted as one JSON file per order."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import List

from orders.models import Order


class OrderStore:
    def __init__(self, directory: Path, write_delay: float = 0.0) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        # Lets tests stand in for a slow disk or network file system.
        self.write_delay = write_delay

    def _path(self, order_id: str) -> Path:
        return self.directory / f"{order_id}.json"

    def _write_sync(self, order: Order) -> None:
        tmp = self._path(order.id).with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(order.to_dict(), handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        if self.write_delay:
            time.sleep(self.write_delay)
        os.replace(tmp, self._path(order.id))

    def _read_sync(self, order_id: str) -> Order:
        with open(self._path(order_id), encoding="utf-8") as handle:
            return Order.from_dict(json.load(handle))

    async def save(self, order: Order) -> None:
        self._write_sync(order)

    async def get(self, order_id: str) -> Order:
        return self._read_sync(order_id)

    def list_ids(self) -> List[str]:
        return sorted(path.stem for path in self.directory.glob("*.json"))
