import asyncio
import unittest

from orders.models import LineItem, Order
from orders.storage import OrderStore
from tests.helpers import LogCapture


class OrderStoreTest(LogCapture):
    def test_save_then_get(self) -> None:
        store = OrderStore(self.tmp)
        order = Order("a@example.com", [LineItem("BOOK", 1, 9.99)])

        async def scenario() -> Order:
            await store.save(order)
            return await store.get(order.id)

        self.assertEqual(asyncio.run(scenario()), order)
        self.assertEqual(store.list_ids(), [order.id])
        self.assertEqual([p.suffix for p in self.tmp.iterdir()], [".json"])


if __name__ == "__main__":
    unittest.main()
