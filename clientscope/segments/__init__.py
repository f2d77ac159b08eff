"""The segments analysis (`/segments`): who the customers are — tier mix and trend, breakdowns, product
penetration, tier migration, potential customers — and the customer lists behind them.

| module | holds |
|---|---|
| `view.py` | the page's URL state → `SegmentsView`, tier codes and tags, filters of tier-axis charts, option changes |
| `mix.py` | tier mix, tier trend and the breakdown by a dimension or by tag |
| `products.py` | product penetration and products per customer |
| `migration.py` | the tier-migration matrix, its summary and per-tier flows |
| `potential.py` | the potential-customer rule and its summary |
| `lists.py` | the customer lists (book, migration cell, potential customers) and their titles |
| `numbers.py` | how the page writes numbers |
| `serving.py` | the serving layer: the marts the page reads (built once per data version) |
| `figures.py` | plotly figure builders |
| `sections.py`, `migration_section.py` | the page's sections (Dash components), rendered on their own |
| `workbook.py` | the Excel workbook |
| `messages.py` | UI strings (zh_CN, en) |

SQL: `queries/segments/` (page queries) and `queries/marts/segment_*.sql` (the serving layer).
No imports here: `clientscope.marts` imports `serving.py` without loading the rest.
"""
