"""The roles of the e-commerce department (seed/duties.md, "Organisation").

Roles are the vocabulary the duty registry speaks; `org` turns each into a Django group
with the permissions its duties need.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    GENERAL_MANAGER = "general_manager", _("总经理")
    OPS_MANAGER = "ops_manager", _("运营经理")
    MARKETING = "marketing", _("营销专员")
    LOGISTICS = "logistics", _("物流人员")
    SHIPPING = "shipping", _("发货部专员")
    DESIGN_LEAD = "design_lead", _("美工主管")
    DESIGNER = "designer", _("美工人员")
    CUSTOMER_SERVICE = "customer_service", _("客服")
    FINANCE = "finance", _("财务")
    PLANNING = "planning", _("策划")


class Shift(models.TextChoices):
    """Customer service works in shifts; CS-1 belongs to the evening shift."""

    NONE = "", _("无")
    PRE_SALE = "pre_sale", _("售前")
    AFTER_SALE = "after_sale", _("售后")
    EVENING = "evening", _("晚班")


# Roles that see every role's duties and the audit trail.
OVERSEEING_ROLES = frozenset({Role.GENERAL_MANAGER, Role.OPS_MANAGER})
