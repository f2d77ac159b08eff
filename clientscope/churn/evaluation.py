"""The model card's evaluation rows with every score's decile: the workbook's sheet behind the card.

Written once by the build step (`clientscope.churn.files`), so neither the page nor its workbook loads the model.
"""

from __future__ import annotations

import polars as pl

from clientscope.churn.card import BASELINES
from clientscope.churn.metrics import assign_deciles
from clientscope.churn.training import tie_break


def scored_evaluation(frame: pl.DataFrame) -> pl.DataFrame:
    """customer_id, month, aum_total, churned_3m (0/1), model_score, model_decile, warning_score, aum_trend, and per
    baseline its calibrated probability (`<code>_probability`) and decile (`<code>_decile`), from
    `evaluation_frame`. Deciles rank by score with ties by AUM (highest first), customer id, month, so anyone can
    recompute the card from this sheet.
    """
    ties = tie_break(frame)
    frame = frame.with_columns(
        pl.Series("model_decile", assign_deciles(frame["model_score"].to_numpy(), ties), dtype=pl.Int64),
        *(
            pl.Series(f"{code}_decile", assign_deciles(frame[f"{code}_rank"].to_numpy(), ties), dtype=pl.Int64)
            for code in BASELINES
        ),
    )
    return frame.select(
        "customer_id",
        "month",
        "aum_total",
        pl.col("churned_3m").cast(pl.Int64),
        "model_score",
        "model_decile",
        pl.col("warning_score").cast(pl.Int64),
        "aum_trend",
        *(c for code in BASELINES for c in (f"{code}_probability", f"{code}_decile")),
    )
