"""Receipts sent to customers after a successful charge."""

from __future__ import annotations

from typing import Callable, List

from orders.logger import logger
from orders.models import Order

Sender = Callable[[str, str, str], None]


class ReceiptSender:
    def __init__(self, send: Sender) -> None:
        self._send = send
        self.sent: List[str] = []

    def render(self, order: Order) -> str:
        lines = [f"Thank you for your order {order.id}!", ""]
        for item in order.items:
            lines.append(f"{item.quantity} x {item.sku} @ {item.unit_price:.2f} = {item.total:.2f}")
        lines += ["", f"Total: {order.total:.2f}"]
        return "\n".join(lines)

    def send_receipt(self, order: Order) -> None:
        body = self.render(order)
        print("sending receipt", order.id, body)
        self._send(order.customer_email, f"Your receipt for order {order.id}", body)
        self.sent.append(order.id)
        logger.bind(order_id=order.id).info("receipt sent")
