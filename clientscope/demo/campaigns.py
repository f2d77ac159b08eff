"""Seasonal marketing campaigns, their touches and control groups, and the conversions they cause.

Each campaign targets a share of the customers in its segment who are open on its first day and
holds out `control_share` of them as a control group (one `is_control` row each, never contacted).
The hold-out is a standing one (the same customers for every campaign with the same share), as
banks do, so a control group is never contacted by an overlapping campaign either.
Everyone targeted converts to the campaign's product with the template's base rate; treated
customers convert `lift` times as often, within 30 days after one of their touches. The lift is
therefore a real, measurable effect — strong for most campaigns, absent for one or two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from clientscope.demo.conversions import CONVERSION_SCHEMA, business_time, conversion_values
from clientscope.demo.dynamics import Trajectories
from clientscope.demo.holdings import Holdings, held_at
from clientscope.demo.people import Population
from clientscope.demo.reference import CAMPAIGN_CALENDAR, PRODUCT_INDEX, TOUCH_CHANNELS, CampaignTemplate
from clientscope.demo.window import US_PER_DAY, US_PER_SECOND, Window, day_of

# Rough share of customers in each segment, to budget a campaign before anyone is drawn.
_SEGMENT_SHARE = {"mass": 0.87, "affluent": 0.13, "private": 0.008, "age 45+": 0.45, "dormant": 0.08, "all": 1.0}
_MAX_EXTRA_TOUCHES = 4
_CONVERSION_DELAY_DAYS = 6.0  # mean days from the touch that worked to the conversion
_CONVERSION_WINDOW_DAYS = 30

TOUCH_SCHEMA = {
    "customer": pl.Int64,
    "campaign_id": pl.String,
    "channel": pl.String,
    "touch_ts": pl.Int64,
    "touch_type": pl.String,
    "is_control": pl.Boolean,
}


@dataclass(frozen=True)
class CampaignPlan:
    campaign_id: str
    name: str
    template: CampaignTemplate
    start_day: int
    end_day: int
    cost: float


def plan_campaigns(rng: np.random.Generator, window: Window, customers: int) -> tuple[CampaignPlan, ...]:
    """Every calendar campaign whose whole run falls inside the window, numbered by start date."""
    first_year = int(window.years[0])
    found: list[tuple[int, int, str, CampaignTemplate]] = []
    for year in range(first_year, window.end_year + 1):
        for template in CAMPAIGN_CALENDAR:
            start = day_of(date(year, template.start_month, template.start_day))
            end = start + template.days - 1
            if start >= window.first_day and end <= window.last_day:
                found.append((start, end, f"{year}{template.name}", template))
    found.sort(key=lambda item: item[0])
    plans = []
    for number, (start, end, name, template) in enumerate(found, start=1):
        targeted = customers * _SEGMENT_SHARE[template.segment] * template.reach
        targeted *= 0.6 if template.exclude_holders else 1.0
        contacts = targeted * (1.0 - template.control_share) * (1.0 + template.extra_touches)
        cost = round((contacts * template.cost_per_contact + 20_000.0) * rng.lognormal(0.0, 0.1), -2)
        plans.append(CampaignPlan(f"CMP{number:03d}", name, template, start, end, cost))
    return tuple(plans)


def campaigns_frame(plans: tuple[CampaignPlan, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "campaign_id": [p.campaign_id for p in plans],
            "campaign_name": [p.name for p in plans],
            "campaign_type": [p.template.campaign_type for p in plans],
            "channel": [p.template.channel for p in plans],
            "start_date": [p.start_day for p in plans],
            "end_date": [p.end_day for p in plans],
            "cost": [p.cost for p in plans],
            "target_segment": [p.template.segment for p in plans],
            "product_type": [p.template.product_type for p in plans],
            "control_share": [p.template.control_share for p in plans],
        },
        schema_overrides={"start_date": pl.Int64, "end_date": pl.Int64, "cost": pl.Float64},
    )


def _reference_month(plan: CampaignPlan, window: Window) -> int:
    """The last month-end before the campaign starts: what the bank knew when it picked its targets."""
    return max(int(np.searchsorted(window.month_ends, plan.start_day, side="left")) - 1, 0)


def _eligible(
    plan: CampaignPlan, pop: Population, traj: Trajectories, holdings: Holdings, window: Window
) -> np.ndarray:
    t = plan.template
    ref = _reference_month(plan, window)
    tier = traj.tier[:, ref]
    segment = {
        "mass": tier == 0,
        "affluent": tier >= 1,
        "private": tier == 2,
        "age 45+": pop.age >= 45,
        "dormant": traj.dormant[:, ref],
        "all": np.ones(pop.size, dtype=bool),
    }[t.segment]
    open_then = (pop.open_day <= plan.start_day) & (traj.close_day > plan.start_day)
    eligible = segment & open_then
    if t.exclude_holders:
        eligible &= ~held_at(holdings, pop.size, PRODUCT_INDEX[t.product_type], plan.start_day)
    return eligible


def _touch_rows(
    rng: np.random.Generator, plan: CampaignPlan, treated: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Touches of the treated customers: (customer, channel index, timestamp, first row of each customer)."""
    t = plan.template
    count = 1 + np.minimum(rng.poisson(t.extra_touches, len(treated)), _MAX_EXTRA_TOUCHES)
    customer = np.repeat(treated, count)
    first_row = (np.cumsum(count) - count).astype(np.int64)
    is_first = np.zeros(len(customer), dtype=bool)
    is_first[first_row] = True
    follow_up = np.array([TOUCH_CHANNELS.index(c) for c in t.channels])[rng.integers(0, len(t.channels), len(customer))]
    channel = np.where(is_first, TOUCH_CHANNELS.index(t.channel), follow_up)
    day = plan.start_day + rng.integers(0, t.days, len(customer))
    ts = business_time(rng, day)
    # Sort times within each customer's (contiguous, ascending) block, so the campaign's own
    # channel, assigned to the block's first row, is also the first touch in time.
    ts = ts[np.lexsort((ts, customer))]
    return customer, channel, ts, first_row


def _exact_share(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """A random subset of exactly round(n × rate) of n (rounded at random), so that a group's observed
    conversion rate is its true rate even for small groups: lifts show up without sampling noise."""
    count = int(np.floor(n * rate + rng.random()))
    chosen = np.zeros(n, dtype=bool)
    chosen[rng.permutation(n)[:count]] = True
    return chosen


def campaign_activity(
    rng: np.random.Generator,
    plans: tuple[CampaignPlan, ...],
    pop: Population,
    traj: Trajectories,
    holdings: Holdings,
    window: Window,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Touches (including control assignments) and campaign conversions of one chunk."""
    touches: list[pl.DataFrame] = []
    conversions: list[pl.DataFrame] = []
    # A standing holdout: the customers below a campaign's control share are held out of every campaign
    # that targets them, so no control group is contaminated by another campaign's contacts.
    holdout = rng.random(pop.size)
    for plan in plans:  # a few dozen campaigns, each vectorised over the chunk
        eligible = _eligible(plan, pop, traj, holdings, window)
        targeted = eligible & (rng.random(pop.size) < plan.template.reach)
        control = targeted & (holdout < plan.template.control_share)
        treated = np.nonzero(targeted & ~control)[0]
        held_out = np.nonzero(control)[0]
        customer, channel, ts, first_row = _touch_rows(rng, plan, treated)
        conversions.append(_conversions(rng, plan, treated, held_out, ts, first_row, traj, window))
        touches.append(_touch_frame(rng, plan, customer, channel, ts, held_out, traj))
    touch_frame = pl.concat(touches) if touches else pl.DataFrame(schema=TOUCH_SCHEMA)
    conversion_frame = pl.concat(conversions) if conversions else pl.DataFrame(schema=CONVERSION_SCHEMA)
    return touch_frame, conversion_frame


def _conversions(
    rng: np.random.Generator,
    plan: CampaignPlan,
    treated: np.ndarray,
    held_out: np.ndarray,
    ts: np.ndarray,
    first_row: np.ndarray,
    traj: Trajectories,
    window: Window,
) -> pl.DataFrame:
    """Treated customers convert after one of their touches, control customers after a "virtual" touch on a
    random day of the campaign; the only difference between the groups is the lift."""
    t = plan.template
    count = np.diff(np.append(first_row, len(ts)))
    treated_converts = _exact_share(rng, len(treated), min(t.base_rate * t.lift, 1.0))
    pick = first_row + (rng.random(len(treated)) * count).astype(np.int64)
    anchor_t = ts[pick][treated_converts]
    control_converts = _exact_share(rng, len(held_out), t.base_rate)
    anchor_c = business_time(rng, plan.start_day + rng.integers(0, t.days, len(held_out)))[control_converts]
    customer = np.concatenate([treated[treated_converts], held_out[control_converts]])
    anchor = np.concatenate([anchor_t, anchor_c])
    delay_days = np.minimum(rng.exponential(_CONVERSION_DELAY_DAYS, len(anchor)), _CONVERSION_WINDOW_DAYS - 0.01)
    conv_ts = anchor + 600 * US_PER_SECOND + (delay_days * US_PER_DAY).astype(np.int64)
    product = np.full(len(customer), PRODUCT_INDEX[t.product_type], dtype=np.int64)
    value = conversion_values(rng, product, traj.tier[customer, _reference_month(plan, window)])
    # Nothing is recorded after the customer left or after the extract's last day.
    keep = (conv_ts < traj.close_day[customer] * US_PER_DAY) & (conv_ts < (window.last_day + 1) * US_PER_DAY)
    return pl.DataFrame(
        {"customer": customer[keep], "ts": conv_ts[keep], "product": product[keep], "value": value[keep]},
        schema=CONVERSION_SCHEMA,
    )


def _touch_frame(
    rng: np.random.Generator,
    plan: CampaignPlan,
    customer: np.ndarray,
    channel: np.ndarray,
    ts: np.ndarray,
    held_out: np.ndarray,
    traj: Trajectories,
) -> pl.DataFrame:
    """Contacts (an app push is sometimes only an in-app impression) and one row per control customer,
    dated on the campaign's first day; touches after a customer closed never happened."""
    own_channel = TOUCH_CHANNELS.index(plan.template.channel)
    touch_type = np.where(
        (channel == TOUCH_CHANNELS.index("app_push")) & (rng.random(len(channel)) < 0.25),
        TOUCH_CHANNELS.index("impression"),
        channel,
    )
    alive = ts < traj.close_day[customer] * US_PER_DAY
    control_channel = np.full(len(held_out), own_channel)
    control_ts = plan.start_day * US_PER_DAY + 9 * 3600 * US_PER_SECOND
    channels = pl.Series(TOUCH_CHANNELS)
    return pl.DataFrame(
        {
            "customer": np.concatenate([customer[alive], held_out]),
            "campaign_id": plan.campaign_id,
            "channel": channels.gather(np.concatenate([channel[alive], control_channel])),
            "touch_ts": np.concatenate([ts[alive], np.full(len(held_out), control_ts)]),
            "touch_type": channels.gather(np.concatenate([touch_type[alive], control_channel])),
            "is_control": np.concatenate([np.zeros(alive.sum(), bool), np.ones(len(held_out), bool)]),
        },
        schema=TOUCH_SCHEMA,
    )
