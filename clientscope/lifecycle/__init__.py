"""The lifecycle analysis (`/lifecycle`): the acquisition-cohort funnel, the funnel by group, cohort retention,
the stage flow, time to activate and the stage mix, with a customer list behind every click.

Where things are (this file imports nothing, so `clientscope.marts` can import `serving` without a cycle):

- `codes`     — funnel steps, flow states and the page's own cross-filters (import-free: the URL parser reads it).
- `view`      — the URL state resolved against the data (`LifecycleView`), URL changes by the controls, clicks.
- `serving`   — the serving-layer marts (SQL in `queries/marts/lifecycle_*.sql`), built once per data version.
- `cohort`    — the cohort charts' data: served cells or the detail rows, cross-filters, the stage flow and mix.
- `measures`  — pure functions over the cells: funnel, funnel by group, retention, time to activate, summary.
- `drill`     — the customer lists behind the clicks (detail rows).
- `lists`     — that list as the customer-list engine's "lifecycle_drill" source (columns, labels, paging).
- `labels`    — texts shared by the page and the workbook (step names, definitions, list headers).
- `api`       — the names the page, the workbook and the tests use, in one place.
- `figures` (funnels, retention; shared colours), `figures_flow` (stage flow, time to activate, stage mix),
  `workbook`, `messages` — the charts, the Excel workbook, the UI strings (zh_CN and en).

SQL: `queries/lifecycle/` (the detail queries and the shared fragments `cohort_steps`, `flow_classify`,
`flow_states`) and `queries/marts/customer_lifecycle.sql` (the per-customer mart the serving marts read).
The page is `pages/lifecycle.py`; the definitions of every step are in `docs/lifecycle.md` and `cohort_steps.sql`.
"""
