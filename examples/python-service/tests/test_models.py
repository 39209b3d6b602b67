import unittest
from datetime import datetime, timezone

from orders.models import LineItem, Order, OrderStatus


def as_utc_timestamp(value: datetime) -> float:
    # Naive datetimes in this code base mean UTC.
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()


class OrderTest(unittest.TestCase):
    def test_total_adds_up_line_items(self) -> None:
        order = Order("a@example.com", [LineItem("BOOK", 2, 12.5), LineItem("PEN", 3, 1.2)])
        self.assertEqual(order.total, 28.6)

    def test_created_at_is_now_in_utc(self) -> None:
        order = Order("a@example.com", [])
        now = datetime.now(timezone.utc).timestamp()
        self.assertLess(abs(as_utc_timestamp(order.created_at) - now), 5)

    def test_dict_round_trip(self) -> None:
        order = Order("a@example.com", [LineItem("BOOK", 1, 9.99)], status=OrderStatus.PAID, charge_id="ch_1")
        again = Order.from_dict(order.to_dict())
        self.assertEqual(again, order)


if __name__ == "__main__":
    unittest.main()
