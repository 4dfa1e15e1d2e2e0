"""The flag colour and message each hold reason starts with; editable afterwards on the
hold-reasons page. The data migration writes these, and a reason whose row is missing
(a flushed test database, a row deleted in the admin) falls back to them."""

# Default flag colour and message per hold reason.
DEFAULTS = [
    (
        "quality",
        1,
        "亲，您好！您的订单 {order_no} 在发货前质检时发现商品有瑕疵，我们不会把有问题的"
        "商品寄给您。可以为您换一件全新的，或者为您办理退款，您看哪种方式更方便？",
    ),
    (
        "out_of_stock",
        2,
        "亲，您好！非常抱歉，您的订单 {order_no} 中的商品暂时缺货，今天无法发出。"
        "您可以选择等待补货、换成其他款式，或者我们为您办理退款。",
    ),
    (
        "cannot_buy",
        5,
        "亲，您好！非常抱歉，您订单 {order_no} 中的商品厂家已无法供货。"
        "我们为您推荐相近的款式换货，或者为您全额退款，您看可以吗？",
    ),
    (
        "courier_delay",
        4,
        "亲，您好！由于快递原因，您的订单 {order_no} 今天未能发出，我们会在快递恢复后"
        "第一时间为您发货，给您带来不便非常抱歉。{note}",
    ),
    (
        "other",
        0,
        "亲，您好！您的订单 {order_no} 今天暂时无法发出：{note}。我们会尽快处理，"
        "有任何问题请随时联系我们。",
    ),
]

BY_REASON = {reason: (flag, template) for reason, flag, template in DEFAULTS}
