from __future__ import annotations

import tempfile
import unittest
from pathlib import Path
from typing import Any, Dict, List, Tuple

from orders.logger import logger


class FakePaymentClient:
    """Stands in for the provider's HTTP client: succeeds unless the token says otherwise."""

    def __init__(self) -> None:
        self.charges: List[Tuple[int, str]] = []

    def charge(self, amount_cents: int, token: str) -> Dict[str, Any]:
        self.charges.append((amount_cents, token))
        if token.startswith("tok_declined"):
            return {"status": "declined", "error": "card declined"}
        return {"status": "succeeded", "id": f"ch_{len(self.charges)}"}


class CapturingSender:
    def __init__(self) -> None:
        self.messages: List[Tuple[str, str, str]] = []

    def __call__(self, to: str, subject: str, body: str) -> None:
        self.messages.append((to, subject, body))


class LogCapture(unittest.TestCase):
    """Collects log records in self.records and silences the default stderr sink."""

    def setUp(self) -> None:
        super().setUp()
        self.records: List[Dict[str, Any]] = []
        self._saved_sinks = list(logger._sinks)
        logger._sinks.clear()
        logger.add_sink(self.records.append)
        self.tmp = Path(tempfile.mkdtemp(prefix="orders-test-"))

    def tearDown(self) -> None:
        logger._sinks[:] = self._saved_sinks
        super().tearDown()
