"""Charging customers through the payment provider."""

from __future__ import annotations

from typing import Any, Dict, Protocol
from unittest.mock import MagicMock

from orders.logger import logger


class PaymentError(Exception):
    pass


class PaymentClient(Protocol):
    def charge(self, amount_cents: int, token: str) -> Dict[str, Any]: ...


class PaymentGateway:
    def __init__(self, client: PaymentClient | None = None) -> None:
        # TODO: wire the real HTTP client of the payment provider
        self._client = client or MagicMock(charge=lambda amount_cents, token: {"status": "succeeded", "id": "ch_mock"})

    def charge(self, amount: float, token: str) -> str:
        amount_cents = int(round(amount * 100))
        response = self._client.charge(amount_cents, token)
        if response.get("status") != "succeeded":
            logger.bind(token=token[-4:]).warning("charge declined: {}", response.get("error", "unknown"))
            raise PaymentError(response.get("error", "declined"))
        return response["id"]
