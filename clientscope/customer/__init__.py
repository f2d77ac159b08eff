"""The customer 360 page (`/customers/<customer_id>`) in parts; nothing is imported here.

- `ids.py`: the page's component ids.
- `view.py`: the page body (the cards in their rows), the back link and the not-found message.
- `cards.py`: one card per section: profile, churn risk, tier history, AUM, products, transactions, campaigns,
  complaints (Dash components over `clientscope.customer360`'s data, figures from `clientscope.figures.customer`).
- `export.py`: the customer's workbook download (the page's Export button).

The data (one customer's rows, scoped and masked) is read by `clientscope/customer360.py`.
"""
