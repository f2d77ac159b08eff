"""The overview page (`/`): headline KPIs and the tier mix, with links into each analysis.

| module | holds |
|---|---|
| `data.py` | the headline metrics and the tier mix (from the rollups, through the semantic layer) |
| `sections.py` | the page's sections (Dash components), rendered on their own |
| `workbook.py` | the Excel workbook |

No imports here.
"""
