"""`/customers/<customer_id>`: the customer 360 view — profile, tier history, AUM composition, products,
transactions, campaign touches and conversions, complaints, and the current churn risk in words."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, html, no_update

from clientscope import customer360 as c360
from clientscope import runtime
from clientscope.components.request_context import page_context
from clientscope.customer.export import workbook_download
from clientscope.customer.ids import Ids
from clientscope.customer.view import customer_view, not_found
from clientscope.shell_ids import ShellIds

dash.register_page(
    __name__,
    path_template="/customers/<customer_id>",
    nav_hidden=True,
    order=95,
    title="Clientscope · customer",
)


def layout(customer_id: str | None = None, **query: str) -> html.Div:
    if not runtime.current().ok:
        return html.Div()
    pc = page_context(query)
    data = c360.load_customer(pc, customer_id)
    if data is None:
        return not_found(pc, customer_id)
    return customer_view(pc, data)


@callback(
    Output(Ids.DOWNLOAD, "data"),
    Input(Ids.EXPORT, "n_clicks"),
    State(ShellIds.URL, "pathname"),
    State(ShellIds.URL, "search"),
    prevent_initial_call=True,
)
def on_export(n_clicks, pathname, search):
    """The customer's workbook (clientscope/reports/customer.py); the id travels as the `p.customer` option."""
    if not n_clicks or not pathname:
        return no_update
    return workbook_download(pathname, search)
