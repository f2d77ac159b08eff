"""The segments page's tier-migration section: month pickers, the summary, the two heatmaps, the Sankey diagram
and the per-tier flows."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from clientscope.components.empty import empty_state
from clientscope.components.filter_bar import dropdown_labels
from clientscope.components.grid import grid_options
from clientscope.i18n import t
from clientscope.segments import figures
from clientscope.segments.components import Ids, card, click_id, graph, setting_id, stat
from clientscope.segments.migration import is_served, migration, migration_summary, tier_flows
from clientscope.segments.numbers import numbers
from clientscope.segments.serving import CLOSED, NEW
from clientscope.segments.view import SegmentsView, migration_labels, move_option, tier_codes
from clientscope.view_context import PageContext


def migration_section(pc: PageContext, view: SegmentsView) -> dbc.Card:
    lang = pc.lang
    num = numbers(pc)
    months = [{"value": m, "label": m} for m in pc.choices.months]
    pickers = dbc.Row(
        [
            dbc.Col(
                [
                    html.Label(t("segments.migration.from", lang), className="small text-muted"),
                    dcc.Dropdown(
                        id=setting_id("from"),
                        options=months,
                        value=view.from_month,
                        clearable=False,
                        labels=dropdown_labels(lang),
                    ),
                ],
                md=2,
                xs=6,
            ),
            dbc.Col(
                [
                    html.Label(t("segments.migration.to", lang), className="small text-muted"),
                    dcc.Dropdown(
                        id=setting_id("to"),
                        options=months,
                        value=view.to_month,
                        clearable=False,
                        labels=dropdown_labels(lang),
                    ),
                ],
                md=2,
                xs=6,
            ),
        ],
        className="g-2 mb-2",
    )
    matrix = migration(pc, view)
    tiers = tier_codes(pc)
    title = t("segments.migration.title", lang, start=view.opening_month, end=view.to_month)
    if not matrix["customers"].sum():
        return card(title, [pickers, empty_state(lang)], Ids.MIGRATION)
    summary = migration_summary(matrix, tiers)
    stats = dbc.Row(
        [
            stat(t("segments.migration.upgrades", lang), num.count(summary.upgrades), "segments-upgrades"),
            stat(t("segments.migration.downgrades", lang), num.count(summary.downgrades), "segments-downgrades"),
            stat(t("segments.migration.net", lang), num.count_change(summary.net_moves), "segments-net-moves"),
            stat(t("segments.migration.new", lang), num.count(summary.new), "segments-new"),
            stat(t("segments.migration.closed", lang), num.count(summary.closed), "segments-closed"),
            stat(t("segments.migration.net_aum", lang), num.money_change(summary.net_aum_moved_up), "segments-net-aum"),
        ],
        className="g-2 mb-2",
        id=Ids.MIGRATION_SUMMARY,
    )
    labels = migration_labels(pc)
    from_order = (*tiers, NEW)
    to_order = (*tiers, CLOSED)
    common = {
        "from_order": from_order,
        "to_order": to_order,
        "labels": labels,
        "money": num.money,
        "theme": pc.state.theme,
        "move": move_option,
    }
    axes = {
        "x_title": t("segments.migration.to_axis", lang, month=view.to_month),
        "y_title": t("segments.migration.from_axis", lang, month=view.opening_month),
    }
    heatmaps = dbc.Row(
        [
            dbc.Col(
                graph(
                    click_id("move-customers"),
                    figures.migration_heatmap(
                        matrix, value="customers", title=t("segments.migration.customers", lang), **axes, **common
                    ),
                ),
                lg=6,
            ),
            dbc.Col(
                graph(
                    click_id("move-aum"),
                    figures.migration_heatmap(
                        matrix, value="aum", title=t("segments.migration.aum", lang), **axes, **common
                    ),
                ),
                lg=6,
            ),
        ]
    )
    sankey = graph(
        click_id("move-sankey"),
        figures.migration_sankey(
            matrix,
            from_order=from_order,
            to_order=to_order,
            labels=labels,
            money=num.money,
            theme=pc.state.theme,
            title=t("segments.migration.sankey", lang),
            move=move_option,
        ),
    )
    flows = tier_flows(matrix, tiers)
    flow_columns = [
        ("tier", pc.model.dimension_label("tier", lang)),
        ("opening", t("segments.flow.opening", lang)),
        ("moved_in", t("segments.flow.moved_in", lang)),
        ("new", t("segments.flow.new", lang)),
        ("moved_out", t("segments.flow.moved_out", lang)),
        ("closed", t("segments.flow.closed", lang)),
        ("closing", t("segments.flow.closing", lang)),
        ("aum_in", t("segments.flow.aum_in", lang)),
        ("aum_out", t("segments.flow.aum_out", lang)),
        ("net_aum_moved", t("segments.flow.net_aum", lang)),
    ]
    flow_rows = []
    for row in flows.iter_rows(named=True):
        shown = {k: num.count(v) if isinstance(v, int) else v for k, v in row.items()}
        shown.update(
            tier=labels.get(row["tier"], row["tier"]),
            aum_in=num.money(row["aum_in"]),
            aum_out=num.money(row["aum_out"]),
            net_aum_moved=num.money_change(row["net_aum_moved"]),
        )
        flow_rows.append(shown)
    flow_table = dag.AgGrid(
        id="segments-flows",
        rowData=flow_rows,
        columnDefs=[{"field": k, "headerName": label} for k, label in flow_columns],
        defaultColDef={"resizable": True, "sortable": False, "width": 110},
        dashGridOptions=grid_options(lang, domLayout="autoHeight"),
        columnSize="autoSize",
    )
    notes = [html.P(t("segments.migration.note", lang), className="small text-muted mb-0")]
    if not is_served(pc, view):  # a pair the serving layer does not hold: say why it may be slower
        notes.append(html.P(t("segments.migration.detail", lang), className="small text-muted mb-0", id=Ids.DETAIL))
    return card(title, [pickers, stats, heatmaps, sankey, flow_table, *notes], Ids.MIGRATION)
