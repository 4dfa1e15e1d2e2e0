"""The demo company at work: its warehouse, purchasing, shipping and customer service.

The company started running its warehouse on shopops on the first day of last month
(the go-live): that morning's count is the stock ledger's opening balance, received
through `stock_receive` onto the shelf places of the one warehouse. From then until
the real "now", day by day and in time order (`timeline.Timeline`):

- deliveries arrive in the morning and are received against their purchase orders,
  with lots and expiry dates (some a day or two late, some short, a few over);
- the day's shipments reserve and consume stock first expiry first out, each with its
  quality check and shipment record;
- at 17:00 on working days the purchase suggestions are built; logistics accepts those
  of the suppliers it orders from that weekday (buying more before the big festivals,
  nothing of a SKU the supplier cannot deliver), and the 18:00 cut-off makes the
  purchase orders;
- what the order history tells (an order shipped late for want of stock or after a
  failed check, a cancellation, a return, a compensation) becomes holds with the
  evening shift's outcomes, after-sale requests that logistics confirms or rejects,
  and complaints; shipping logs the couriers' hand-off problems;
- a count was posted last week (it found an expired lot), and on the 1st at 09:00 last
  month's stock report was built;
- and today: the open paid orders are reserved (those whose stock ran out are held),
  a courier is delayed, a wave is picked and partly checked, with a failure or two;
  today's unhandled holds wait for the evening shift, and the purchase suggestions of
  the purchasing day wait for logistics.

Every write goes through the services of the app that owns it, with the clock set to
the moment it happened (`timeline.ShopClock`), except:

- the replay of past shipments: thousands of orders reserve, pass their check and ship,
  and the services take milliseconds an order, so their movements, reservations,
  checks and shipments are written in bulk, with the stock levels they leave, exactly
  as the services would; a past failed check is written as its row too (the unit is
  set aside and the order held through the services);
- an order's state around its story: the history is written with each order's final
  state, and the services check the state of their moment, so an order is set as it
  was (paid, not yet shipped or refunded) while its story runs, then put back;
- the notifications of the past, marked read.

The package has one module a department, each a class the next one extends, so that a
department's events may use those of the departments below it: `base` (the state and
small helpers), `stock` (logistics at the warehouse), `purchasing`, `shipping`,
`aftersales`, `service` (orders and customer service) and `company` (the schedule that
runs them all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopops.demo.operations.base import first_of_previous_month, known
from shopops.demo.operations.company import _Operations

if TYPE_CHECKING:
    from shopops.demo.generator import _Builder

__all__ = ["build_operations", "first_of_previous_month", "known"]


def build_operations(builder: _Builder) -> None:
    """Run the company's warehouse, purchasing, shipping and service from the go-live
    to now (see the module's docstring); add the counts to the builder's."""
    _Operations(builder).run()
