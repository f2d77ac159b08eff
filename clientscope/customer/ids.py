"""Component ids of the customer 360 page (tests and the browser tests find the sections by them)."""

from __future__ import annotations

from enum import StrEnum


class Ids(StrEnum):
    NOT_FOUND = "customer-not-found"
    PROFILE = "customer-profile"
    RISK = "customer-risk"
    REASONS = "customer-reasons"
    TIERS = "customer-tiers"
    AUM = "customer-aum"
    PRODUCTS = "customer-products"
    TRANSACTIONS = "customer-transactions"
    CAMPAIGNS = "customer-campaigns"
    COMPLAINTS = "customer-complaints"
    BACK = "customer-back"
    EXPORT = "customer-export"
    DOWNLOAD = "customer-download"
