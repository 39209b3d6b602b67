from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    PAYMENT_FAILED = "payment_failed"


@dataclass
class LineItem:
    sku: str
    quantity: int
    unit_price: float

    @property
    def total(self) -> float:
        return round(self.quantity * self.unit_price, 2)


@dataclass
class Order:
    customer_email: str
    items: List[LineItem]
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    status: OrderStatus = OrderStatus.PENDING
    created_at: datetime = field(default_factory=datetime.utcnow)
    charge_id: str | None = None

    @property
    def total(self) -> float:
        return round(sum(item.total for item in self.items), 2)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "customer_email": self.customer_email,
            "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": i.unit_price} for i in self.items],
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "charge_id": self.charge_id,
        }

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "Order":
        return cls(
            customer_email=data["customer_email"],
            items=[LineItem(**item) for item in data["items"]],
            id=data["id"],
            status=OrderStatus(data["status"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            charge_id=data.get("charge_id"),
        )
