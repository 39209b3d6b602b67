import asyncio
import unittest
from unittest import mock

from orders.models import LineItem, OrderStatus
from orders.notifications import ReceiptSender
from orders.payments import PaymentError, PaymentGateway
from orders.service import OrderService
from orders.storage import OrderStore
from tests.helpers import CapturingSender, FakePaymentClient, LogCapture


class OrderServiceTest(LogCapture):
    def setUp(self) -> None:
        super().setUp()
        self.client = FakePaymentClient()
        self.sender = CapturingSender()
        self.service = OrderService(OrderStore(self.tmp), PaymentGateway(self.client), ReceiptSender(self.sender))

    def place(self, token: str = "tok_visa"):
        return asyncio.run(self.service.place_order("a@example.com", [LineItem("BOOK", 2, 10.0)], token))

    def test_paid_order_is_stored_and_receipted(self) -> None:
        order = self.place()
        self.assertEqual(order.status, OrderStatus.PAID)
        self.assertEqual(order.charge_id, "ch_1")
        self.assertEqual(self.service.store.list_ids(), [order.id])
        self.assertEqual(len(self.sender.messages), 1)
        self.assertIn("Total: 20.00", self.sender.messages[0][2])

    def test_log_records_carry_the_order_id(self) -> None:
        order = self.place()
        placing = [r for r in self.records if r["message"].startswith("placing order")]
        self.assertEqual(placing[0]["extra"].get("order_id"), order.id)

    def test_declined_payment_is_stored_without_receipt(self) -> None:
        with mock.patch.object(self.service.gateway, "charge", side_effect=PaymentError("declined")):
            order = self.place()
        self.assertEqual(order.status, OrderStatus.PAYMENT_FAILED)
        self.assertEqual(self.sender.messages, [])
        self.assertEqual(self.service.store.list_ids(), [order.id])
        self.assertTrue(any(r["level"] == "ERROR" for r in self.records))

    def test_report_header_names_the_day(self) -> None:
        self.assertRegex(OrderService.daily_report_header(), r"^Orders report \d{4}-\d{2}-\d{2}$")


if __name__ == "__main__":
    unittest.main()
