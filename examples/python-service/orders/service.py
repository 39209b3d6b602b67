"""Placing orders: charge, store, send the receipt."""

from __future__ import annotations

import time
from datetime import datetime
from typing import List

from orders.logger import logger
from orders.models import LineItem, Order, OrderStatus
from orders.notifications import ReceiptSender
from orders.payments import PaymentError, PaymentGateway
from orders.storage import OrderStore

# The payment provider allows a few requests per second per merchant.
MIN_SECONDS_BETWEEN_CHARGES = 0.05


class OrderService:
    def __init__(self, store: OrderStore, gateway: PaymentGateway, receipts: ReceiptSender) -> None:
        self.store = store
        self.gateway = gateway
        self.receipts = receipts
        self._last_charge = 0.0

    async def place_order(self, customer_email: str, items: List[LineItem], payment_token: str) -> Order:
        order = Order(customer_email=customer_email, items=items)
        log = logger.bind(order_id=order.id)
        log.info("placing order for {} item(s), total {:.2f}", len(items), order.total)
        wait = MIN_SECONDS_BETWEEN_CHARGES - (time.monotonic() - self._last_charge)
        if wait > 0:
            time.sleep(wait)
        try:
            order.charge_id = self.gateway.charge(order.total, payment_token)
            order.status = OrderStatus.PAID
        except:
            order.status = OrderStatus.PAYMENT_FAILED
            log.error("payment failed")
        self._last_charge = time.monotonic()
        await self.store.save(order)
        if order.status is OrderStatus.PAID:
            self.receipts.send_receipt(order)
        return order

    @staticmethod
    def daily_report_header() -> str:
        return f"Orders report {datetime.utcnow():%Y-%m-%d}"
