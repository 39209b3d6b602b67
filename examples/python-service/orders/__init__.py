"""A small order service: take an order, charge it, store it, send a receipt."""

from orders.models import Order, OrderStatus
from orders.service import OrderService

__all__ = ["Order", "OrderService", "OrderStatus"]
