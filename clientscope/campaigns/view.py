"""What a campaigns view asks for: the attribution settings in the URL, the period, and which filters select
touches (campaign, marketing channel, campaign type, product) rather than customers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clientscope.campaigns.models import MODELS
from clientscope.campaigns.serving import DEFAULT_HALF_LIFE_DAYS
from clientscope.db import Database
from clientscope.kpis import period_bounds
from clientscope.semantic.filtering import ViewFilters
from clientscope.semantic.periods import DEFAULT_PERIOD_MONTHS
from clientscope.state import Notice, ViewState
from clientscope.view_context import PageContext

# URL page options (`p.<name>`, see clientscope.state): the attribution settings of the view.
MODEL_OPTION = "model"
LOOKBACK_OPTION = "lookback"
HALF_LIFE_OPTION = "half_life"
DEFAULT_MODEL = "last_touch"  # the same rule as metrics.yaml's attributed_* metrics, so the numbers agree
LOOKBACK_CHOICES: tuple[int, ...] = (7, 14, 30, 60, 90)
HALF_LIFE_CHOICES: tuple[int, ...] = (1, 3, 7, 14, 30)
DEFAULT_HALF_LIFE = DEFAULT_HALF_LIFE_DAYS

REQUIRED_TABLES: tuple[str, ...] = ("campaigns", "touches", "conversions")
REQUIRED_MARTS: tuple[str, ...] = ("campaign_facts", "touch_facts", "conversion_facts")
# metrics.yaml dimensions that describe the touch: a filter on them selects campaigns or channels, and the credit
# reported is the one the selected touches earn.  Every other dimension filters customers.
TOUCH_DIMENSIONS: tuple[str, ...] = ("campaign", "channel", "campaign_type", "product_type")


@dataclass(frozen=True)
class Settings:
    """The attribution settings of the view (URL page options `p.model`, `p.lookback`, `p.half_life`)."""

    model: str
    lookback_days: int
    half_life_days: int


def lookback_choices(default: int) -> tuple[int, ...]:
    return tuple(sorted({*LOOKBACK_CHOICES, default}))


def default_lookback(pc: PageContext) -> int:
    return pc.model.rules.conversion.attribution_lookback_days


def settings_of(state: ViewState, default_lookback: int) -> tuple[Settings, tuple[Notice, ...]]:
    """The settings in the URL, each constrained to its choices; a value outside them becomes a notice."""
    notices: list[Notice] = []

    def choice(name: str, allowed: Sequence[str], default: str) -> str:
        raw = state.options.get(name)
        value = state.option(name, allowed, default)
        if raw is not None and raw != value:
            notices.append(Notice(f"p.{name}", raw, "bad_choice"))
        return value

    model = choice(MODEL_OPTION, MODELS, DEFAULT_MODEL)
    lookback = choice(LOOKBACK_OPTION, [str(d) for d in lookback_choices(default_lookback)], str(default_lookback))
    half_life = choice(HALF_LIFE_OPTION, [str(h) for h in HALF_LIFE_CHOICES], str(DEFAULT_HALF_LIFE))
    return Settings(model, int(lookback), int(half_life)), tuple(notices)


def page_settings(pc: PageContext) -> Settings:
    """The view's settings (a bad value falls back to its default; `settings_of` reports it)."""
    return settings_of(pc.state, default_lookback(pc))[0]


def settings_state(state: ViewState, settings: Settings, default_lookback: int) -> ViewState:
    """`state` carrying `settings` as page options; defaults are left out so URLs stay short."""
    defaults = {
        MODEL_OPTION: DEFAULT_MODEL,
        LOOKBACK_OPTION: str(default_lookback),
        HALF_LIFE_OPTION: str(DEFAULT_HALF_LIFE),
    }
    values = {
        MODEL_OPTION: settings.model,
        LOOKBACK_OPTION: str(settings.lookback_days),
        HALF_LIFE_OPTION: str(settings.half_life_days),
    }
    for name, value in values.items():
        state = state.with_option(name, None if value == defaults[name] else value)
    return state


def is_built(pc: PageContext, settings: Settings) -> bool:
    """True when the build step's credits answer the view: the default look-back and half-life (every model
    is built); any other setting recomputes the view's attribution."""
    return settings.lookback_days == default_lookback(pc) and settings.half_life_days == DEFAULT_HALF_LIFE


@dataclass(frozen=True)
class View:
    """The period and filters of a view, as the campaign data reads them."""

    filters: ViewFilters
    start: str  # YYYY-MM
    end: str  # YYYY-MM
    window_days: int
    default_period: bool  # the page's default period (the last 12 months of data)

    @property
    def selects(self) -> bool:
        """True when campaigns or channels are selected: the credit reported is the selection's."""
        return any(dim in TOUCH_DIMENSIONS for dim in self.filters.dimensions)

    @property
    def customer_filters(self) -> ViewFilters:
        return self.filters.without(*TOUCH_DIMENSIONS)

    @property
    def touch_filters(self) -> ViewFilters:
        return self.filters.without(*(d for d in self.filters.dimensions if d not in TOUCH_DIMENSIONS))


def has_campaign_data(db: Database) -> bool:
    return db.has(*REQUIRED_TABLES, *REQUIRED_MARTS)


def missing_tables(db: Database) -> tuple[str, ...]:
    """The extract tables the page needs and the folder lacks."""
    return tuple(name for name in REQUIRED_TABLES if not db.has(name))


def view_of(pc: PageContext) -> View:
    start, end = period_bounds(pc)
    return View(
        filters=pc.filters,
        start=start,
        end=end,
        window_days=pc.model.rules.conversion.window_days,
        default_period=(start, end) == default_period(pc.choices.months),
    )


def default_period(months: Sequence[str]) -> tuple[str, str]:
    """The page's default period over these months of data (YYYY-MM): the last DEFAULT_PERIOD_MONTHS."""
    if not months:
        return "", ""
    return months[-DEFAULT_PERIOD_MONTHS:][0], months[-1]
