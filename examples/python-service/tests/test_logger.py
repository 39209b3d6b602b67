import unittest

from orders.logger import Logger


class LoggerTest(unittest.TestCase):
    def setUp(self) -> None:
        self.records = []
        self.log = Logger(sinks=[self.records.append])

    def test_keyword_arguments_become_context(self) -> None:
        self.log.info("charged {} cents", 1250, order_id="o1")
        self.assertEqual(self.records[0]["message"], "charged 1250 cents")
        self.assertEqual(self.records[0]["extra"], {"order_id": "o1"})

    def test_contextualize_applies_to_a_block(self) -> None:
        with self.log.contextualize(request_id="r9"):
            self.log.info("inside")
        self.log.info("outside")
        self.assertEqual(self.records[0]["extra"], {"request_id": "r9"})
        self.assertEqual(self.records[1]["extra"], {})

    def test_bind_still_works_but_is_deprecated(self) -> None:
        with self.assertWarns(DeprecationWarning):
            bound = self.log.bind(order_id="o2")
        bound.warning("declined")
        self.assertEqual(self.records[0]["level"], "WARNING")
        self.assertEqual(self.records[0]["extra"], {"order_id": "o2"})

    def test_records_below_the_level_are_dropped(self) -> None:
        self.log.debug("noise")
        self.log.level = "DEBUG"
        self.log.debug("detail")
        self.assertEqual([r["message"] for r in self.records], ["detail"])


if __name__ == "__main__":
    unittest.main()
