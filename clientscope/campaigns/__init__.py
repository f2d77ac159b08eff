"""The campaigns analysis (`/campaigns`): campaign KPIs with control-group uplift, multi-touch attribution under
six models, conversion paths and the converted customers.  Nothing is imported here (the build step imports
`serving` without pulling in the page).

- `view.py`: what the URL asks for: attribution settings (`p.model`, `p.lookback`, `p.half_life`), the period,
  which filters select touches rather than customers.
- `journeys.py`: conversion paths (the touches in each conversion's look-back window) and journeys;
  `models.py`: the six attribution models (rule-based ones here, `attribute`, `all_models_table`);
  `markov.py`: the Markov chain and its removal effects (pure polars functions, docs/attribution.md).
- `uplift.py`: uplift against a control group with Newcombe and Katz intervals (also used by the retention
  actions' hold-out comparison, `clientscope/actions/outcomes.py`).
- `credits.py`: per-conversion credits under every model and the journeys (engine frames, shared by the build
  and a recompute).
- `serving.py`: the build step: `campaign_credits` and `campaign_journeys` Parquet files per data version,
  registered as tables.
- `attribution.py`: the view's attribution: sums of the built credits (default look-back and half-life) or of a
  recompute, by the same SQL.
- `table.py`: campaign table (reach, control-group uplift, cost, credit, ROI), channels by model, trend, headline.
- `customers.py`: the converted-customer drill list and who the customers are, registered as the customer-list
  engine's "campaign_customers" source (clientscope/customer_list/ pages, links and masks it).
- `display.py`: labels and screen formats shared by the page and the workbook.
- `sections.py`: the page's sections (each drawn on its own request); `cards.py`: its grids and charts.
- `figures.py`: plotly figures (uplift intervals, channels × models, trend lines).
- `workbook.py`: the Excel workbook (`clientscope export campaigns`, the page's Export button).
- `messages.py`: UI strings (zh_CN and en).

SQL: `queries/campaigns/` (one statement per file; the credit aggregates read `filtered_campaign_credits`).
Rules and their reasons: docs/attribution.md (engine, serving layer), docs/metrics.md (conversion metrics).
"""
