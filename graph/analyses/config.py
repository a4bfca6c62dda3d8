"""`AnalysisConfig`: every weight, threshold and template the analyses use, with sensible defaults.

A user overrides any part of it with a TOML or JSON file (see docs/analyses.md and
api/config_file.py); unknown keys are refused so that a typo does not silently do nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graph.model import BuyingRole, Seniority, TouchKind

__all__ = [
    "AnalysisConfig",
    "CommitteeTemplate",
    "CurrencyConfig",
    "CrossSellWeights",
    "DEFAULT_CONFIG",
    "InfluenceWeights",
    "LeadDomains",
    "LeadScoreWeights",
    "StrengthConfig",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InfluenceWeights(_Strict):
    """How much each signal counts towards a person's influence (renormalised over available ones)."""

    structure: float = Field(0.30, ge=0)
    seniority: float = Field(0.35, ge=0)
    centrality: float = Field(0.15, ge=0)
    committee: float = Field(0.12, ge=0)
    engagement: float = Field(0.08, ge=0)


def _default_seniority_values() -> dict[Seniority, float]:
    return {
        Seniority.C_LEVEL: 1.0,
        Seniority.VP: 0.8,
        Seniority.DIRECTOR: 0.6,
        Seniority.MANAGER: 0.35,
        Seniority.INDIVIDUAL: 0.1,
    }


def _default_role_values() -> dict[BuyingRole, float]:
    return {
        BuyingRole.DECISION_MAKER: 1.0,
        BuyingRole.ECONOMIC_BUYER: 1.0,
        BuyingRole.EXECUTIVE_SPONSOR: 0.9,
        BuyingRole.CHAMPION: 0.7,
        BuyingRole.BLOCKER: 0.6,
        BuyingRole.TECHNICAL_EVALUATOR: 0.5,
        BuyingRole.PROCUREMENT: 0.5,
        BuyingRole.LEGAL_COMPLIANCE: 0.4,
        BuyingRole.INFLUENCER: 0.4,
        BuyingRole.GATEKEEPER: 0.3,
        BuyingRole.END_USER: 0.2,
        BuyingRole.OTHER: 0.1,
    }


def _default_rates() -> dict[str, float]:
    """Units of the base currency (USD) per unit of each currency: rounded reference rates of 2025,
    good enough to pick a committee template; a user with other needs sets `currency.rates`."""
    return {
        "USD": 1.0,
        "EUR": 1.08,
        "GBP": 1.27,
        "CHF": 1.13,
        "CNY": 0.14,
        "HKD": 0.13,
        "TWD": 0.031,
        "JPY": 0.0067,
        "KRW": 0.00073,
        "SGD": 0.74,
        "AUD": 0.66,
        "NZD": 0.6,
        "CAD": 0.73,
        "INR": 0.012,
        "BRL": 0.18,
        "MXN": 0.055,
        "SEK": 0.095,
        "NOK": 0.093,
        "DKK": 0.145,
        "PLN": 0.25,
        "ZAR": 0.055,
        "AED": 0.27,
    }


class CurrencyConfig(_Strict):
    """How amounts in different currencies are compared: each is turned into `base` with `rates`.

    An amount without a currency is taken to be in `default` (the currency of a single-currency
    CRM); an amount in a currency the table does not have is not compared at all, and the analysis
    says so in a note instead of treating it as dollars.
    """

    #: The currency of every threshold (template `min_amount`, `executive_min_amount`).
    base: str = Field("USD", pattern=r"^[A-Z]{3}$")
    #: Units of `base` per one unit of each currency (ISO 4217 codes).
    rates: dict[str, float] = Field(default_factory=_default_rates)
    #: The currency of amounts that carry none; None: such amounts are not compared either.
    default: str | None = Field("USD", pattern=r"^[A-Z]{3}$")

    @field_validator("rates", mode="before")
    @classmethod
    def _over_the_defaults(cls, value: Any) -> Any:
        """Rates a user gives change or add to the default table; the others stay."""
        if isinstance(value, dict):
            return {**_default_rates(), **{str(k).upper(): v for k, v in value.items()}}
        return value

    @model_validator(mode="after")
    def _rates_are_sane(self) -> CurrencyConfig:
        bad = sorted(
            code for code, rate in self.rates.items() if rate <= 0 or len(code) != 3 or not code.isupper()
        )
        if bad:
            raise ValueError(f"currency.rates: codes must be 3 upper-case letters with a rate above 0: {bad}")
        if self.rates.get(self.base, 1.0) != 1.0:
            raise ValueError(f"currency.rates: the base currency {self.base} must have the rate 1")
        return self

    def currency_of(self, currency: str | None) -> str | None:
        """The currency an amount is in: its own, else the default."""
        return currency.upper() if currency else self.default

    def to_base(self, amount: float | None, currency: str | None) -> float | None:
        """`amount` in the base currency; None when there is no amount or no rate for its currency.

        >>> CurrencyConfig().to_base(100_000, "CNY"), CurrencyConfig().to_base(10, None)
        (14000.0, 10.0)
        >>> CurrencyConfig().to_base(10, "XYZ") is None
        True
        """
        code = self.currency_of(currency)
        if amount is None or code is None:
            return None
        rate = 1.0 if code == self.base else self.rates.get(code)
        return None if rate is None else round(amount * rate, 2)


class CommitteeTemplate(_Strict):
    """The roles a deal must have filled, from `min_amount` on (and for one product family, if set).

    For a deal, the applicable template is the one with the highest `min_amount` not above the deal
    amount in the base currency (`CurrencyConfig`), preferring a template whose `product_family` is
    among the deal's products over a generic one.
    """

    name: str
    min_amount: float = Field(0, ge=0)
    product_family: str | None = None
    roles: tuple[BuyingRole, ...]


def _default_templates() -> tuple[CommitteeTemplate, ...]:
    small = (BuyingRole.DECISION_MAKER, BuyingRole.CHAMPION)
    mid = (*small, BuyingRole.ECONOMIC_BUYER, BuyingRole.TECHNICAL_EVALUATOR)
    large = (*mid, BuyingRole.PROCUREMENT, BuyingRole.LEGAL_COMPLIANCE, BuyingRole.EXECUTIVE_SPONSOR)
    return (
        CommitteeTemplate(name="small", min_amount=0, roles=small),
        CommitteeTemplate(name="mid", min_amount=10_000, roles=mid),
        CommitteeTemplate(name="large", min_amount=100_000, roles=large),
    )


def _default_touch_weights() -> dict[TouchKind, float]:
    return {
        TouchKind.MEETING: 3.0,
        TouchKind.VISIT: 3.0,
        TouchKind.DEMO: 3.0,
        TouchKind.EVENT: 2.0,
        TouchKind.CALL: 2.0,
        TouchKind.EMAIL: 1.0,
        TouchKind.WEBINAR: 0.5,
        TouchKind.CONTENT_DOWNLOAD: 0.3,
        TouchKind.VIDEO_VIEW: 0.3,
        TouchKind.WEB_VISIT: 0.2,
        TouchKind.PRODUCT_USAGE: 0.2,
        TouchKind.OTHER: 0.5,
    }


class StrengthConfig(_Strict):
    """Relationship strength: recent, frequent, two-way and weightier touches make a stronger tie.

    strength(a, b) = (1 - exp(-S / saturation)) * (two_way_factor if two-way else 1), capped at 1,
    where S = sum over touches of kind_weight * 0.5 ** (age_days / half_life_days).
    """

    touch_weights: dict[TouchKind, float] = Field(default_factory=_default_touch_weights)
    half_life_days: float = Field(90, gt=0)
    saturation: float = Field(6.0, gt=0)
    two_way_factor: float = Field(1.5, ge=1)
    #: Strength of a KNOWS tie without a stored strength (stored strengths above 1 are read as counts).
    knows_default: float = Field(0.5, gt=0, le=1)
    #: Strength of a current reporting line (either direction).
    reporting: float = Field(0.6, gt=0, le=1)
    #: Weakest strength a reachable hop may have, so that a hop never costs more than 1 / this.
    floor: float = Field(0.05, gt=0, le=1)


class LeadScoreWeights(_Strict):
    """Points per behaviour in a person's lead score, and how an account's score grows with people."""

    demo_minute: float = Field(0.5, ge=0)
    video_watched: float = Field(3.0, ge=0)
    page_viewed: float = Field(1.0, ge=0)
    content_downloaded: float = Field(5.0, ge=0)
    webinar: float = Field(8.0, ge=0)
    meeting: float = Field(10.0, ge=0)
    inbound_email: float = Field(4.0, ge=0)
    product_usage: float = Field(2.0, ge=0)
    #: A lead scoring this many points counts as fully engaged when the account score is formed.
    person_cap: float = Field(100.0, gt=0)
    #: The account score multiplies the summed (capped) person scores by 1 + breadth_bonus * (n - 1)
    #: for n distinct engaged people, so that several people beat one very busy person.
    breadth_bonus: float = Field(0.25, ge=0)


def _domain_list(value: Any) -> Any:
    """Domains as lower-case names without a leading '@', 'www.' or spaces; duplicates dropped."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            text = str(item).strip().lower().lstrip("@")
            text = text.removeprefix("www.").rstrip(".")
            if not text or "." not in text or any(c.isspace() or c in "/@" for c in text):
                raise ValueError(f"not an e-mail domain: {item!r}")
            if text not in out:
                out.append(text)
        return tuple(out)
    return value


class LeadDomains(_Strict):
    """Competitors' and partners' e-mail domains: a lead from one of them is flagged, because a high
    lead score there is interest, not intent (they study us or sell with us). A domain also covers
    its subdomains (`acme.com` covers `eu.acme.com`)."""

    competitors: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    _clean = field_validator("competitors", "partners", mode="before")(_domain_list)

    @model_validator(mode="after")
    def _not_both(self) -> LeadDomains:
        both = sorted(set(self.competitors) & set(self.partners))
        if both:
            raise ValueError(f"lead_domains: a domain cannot be both a competitor and a partner: {both}")
        return self


class CrossSellWeights(_Strict):
    """How the three cross-sell signals combine, and how similar accounts are found."""

    similar_accounts: float = Field(0.5, ge=0)
    owned_together: float = Field(0.3, ge=0)
    industry_adoption: float = Field(0.2, ge=0)
    #: How many most-similar accounts vote.
    neighbours: int = Field(50, ge=1)
    #: Extra similarity for the same industry, and for a similar size (employees within 2x).
    same_industry_bonus: float = Field(0.2, ge=0)
    similar_size_bonus: float = Field(0.1, ge=0)
    top_n: int = Field(5, ge=1)


class AccountClassConfig(_Strict):
    """Thresholds of the account classes (graph/analyses/account_class.py)."""

    large_employees: int = Field(500, ge=1)
    large_people: int = Field(30, ge=1)
    engaged_people: int = Field(3, ge=1)
    few_products: int = Field(3, ge=0)
    #: Won deals worth at least this much, in the base currency, make a customer a cash cow.
    cash_cow_value: float = Field(50_000, ge=0)
    #: Active users in 30 days over seats from which usage signals an upgrade.
    upgrade_share: float = Field(0.8, gt=0)


class AnalysisConfig(_Strict):
    """All analysis settings. The defaults are what docs/analyses.md documents."""

    influence: InfluenceWeights = InfluenceWeights()
    seniority_values: dict[Seniority, float] = Field(default_factory=_default_seniority_values)
    role_values: dict[BuyingRole, float] = Field(default_factory=_default_role_values)
    templates: tuple[CommitteeTemplate, ...] = Field(default_factory=_default_templates)
    strength: StrengthConfig = StrengthConfig()
    lead_score: LeadScoreWeights = LeadScoreWeights()
    #: Competitors' and partners' e-mail domains, whose leads are flagged (interest, not intent).
    lead_domains: LeadDomains = LeadDomains()
    cross_sell: CrossSellWeights = CrossSellWeights()
    account_class: AccountClassConfig = AccountClassConfig()
    #: A person is engaged when a touch with them falls within this many days before as_of.
    engaged_days: int = Field(90, ge=1)
    #: Touches older than this do not make a person reachable.
    reach_days: int = Field(365, ge=1)
    #: Longest warm path, in hops, counting the hop from our rep.
    max_hops: int = Field(3, ge=1)
    #: A customer without inbound or product-usage activity for longer than this is at risk.
    at_risk_days: int = Field(7, ge=1)
    #: Infer an org chart (graph/analyses/org_inference.py) for accounts without any reporting line.
    infer_org_chart: bool = True
    #: Deals of at least this amount (in the base currency) need an engaged vp or c_level.
    executive_min_amount: float = Field(100_000, ge=0)
    #: The base currency of every amount threshold, and the rates that convert deal amounts into it.
    currency: CurrencyConfig = CurrencyConfig()
    #: unengaged_superior looks this many levels up from each engaged committee member ...
    superior_levels: int = Field(2, ge=1)
    #: ... for people at this seniority or above.
    superior_min_seniority: Seniority = Seniority.DIRECTOR
    #: Roles that only one person may hold on a deal.
    sole_roles: tuple[BuyingRole, ...] = (BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER)
    #: How many of the account's most influential people join each deal's key people.
    top_influencers_per_deal: int = Field(5, ge=0)
    #: How many key people `analyze` lists.
    key_people_limit: int = Field(10, ge=1)
    #: How many candidates a missing_role gap names.
    candidates_per_role: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _has_base_template(self) -> AnalysisConfig:
        if not any(t.min_amount == 0 and t.product_family is None for t in self.templates):
            raise ValueError("templates: one generic template (no product_family) must start at min_amount 0")
        return self


DEFAULT_CONFIG = AnalysisConfig()
