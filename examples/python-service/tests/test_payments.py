import unittest

from orders.payments import PaymentError, PaymentGateway
from tests.helpers import FakePaymentClient, LogCapture


class PaymentGatewayTest(LogCapture):
    def test_charges_in_cents(self) -> None:
        client = FakePaymentClient()
        charge_id = PaymentGateway(client).charge(19.99, "tok_visa")
        self.assertEqual(charge_id, "ch_1")
        self.assertEqual(client.charges, [(1999, "tok_visa")])

    def test_declined_card_raises_and_logs(self) -> None:
        with self.assertRaises(PaymentError):
            PaymentGateway(FakePaymentClient()).charge(5, "tok_declined_1234")
        self.assertEqual(self.records[-1]["level"], "WARNING")
        self.assertEqual(self.records[-1]["extra"].get("token"), "1234")


if __name__ == "__main__":
    unittest.main()
