"""Deterministic generation of one account of the synthetic B2B world at a time.

Every account is built from its own random generator, seeded from (seed, account index), so accounts can
be generated in any order, streamed to disk one by one, and regenerated identically: memory stays flat
and the same arguments give byte-identical files. Cross-account facts (parents, job changes) only need
another account's cheap *profile*, never its body.

Dates are handled as integer day offsets before `as_of` (0 = as_of); touches never fall on offsets 0 or
88..92, so "engaged within 90 days" has the same answer whatever boundary convention a reader uses.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from ingest.synthetic import names as N

HISTORY_DAYS = 730
ENGAGED_DAYS = 90
#: Touch day offsets that are never generated, so the engagement boundary is unambiguous.
DEAD_ZONE = (ENGAGED_DAYS - 2, ENGAGED_DAYS + 2)
EXECUTIVE_MIN_AMOUNT = 100_000
#: (minimum amount, roles the template adds from that amount on), in the base currency (USD): a deal's
#: `amount` is drawn in USD and written in its own currency (`written_amount`).
TEMPLATE_STEPS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("decision_maker", "champion")),
    (10_000, ("economic_buyer", "technical_evaluator")),
    (100_000, ("procurement", "legal_compliance", "executive_sponsor")),
)
SOLE_ROLES = ("decision_maker", "economic_buyer")
SENIORITY = ("c_level", "vp", "director", "manager", "individual")
RANK = {s: i for i, s in enumerate(SENIORITY)}
OPEN_STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review")
#: Outcome model of closed deals: logit = a + b*eb_engaged + c*min(engaged, 4) + d*stale_roles, where
#: "engaged" means touched within ENGAGED_DAYS before (and on) the deal's close date. These are the true
#: effects (log-odds per unit of each feature) that `buyergraph learn` should recover; the feature names
#: are those of graph/analyses/win_model.py.
OUTCOME_MODEL = {
    "intercept": -1.6,
    "economic_buyer_engaged": 1.6,
    "engaged_people_upto4": 0.6,
    "stale_required_roles": -0.7,
}
#: How each OUTCOME_MODEL term is named as a feature of graph/analyses/win_model.py.
OUTCOME_FEATURES = {
    "economic_buyer_engaged": "economic_buyer_engaged",
    "engaged_people_upto4": "engaged_people",
    "stale_required_roles": "stale_required_roles",
}
#: Lead conversion (issue 21): a person who is on no deal's committee is a lead or contact; their lead
#: status is "Converted" with logit = intercept + sum of weight * behaviour over the LEAD_WINDOW_DAYS before
#: the world's last day (offsets 1..LEAD_WINDOW_DAYS), else "Open"; a converted lead converted on the
#: world's last day (people.csv converted_on), so the lead-weight fit's window before that day holds
#: exactly the behaviour that decided it. The window is the lead score's own (ENGAGED_DAYS), and no touch
#: falls on the last day or near the window's start, so a non-converter's window up to the last day
#: holds the same touches. Behaviours are named as `graph.analyses.engagement.lead_points` names them:
#: demo minutes attended, web pages viewed, content downloaded, webinars, meetings (and visits). With
#: `--outcome-signal none` every lead converts with the same chance (NO_SIGNAL_CONVERSION_RATE).
LEAD_WINDOW_DAYS = ENGAGED_DAYS
#: Marketing behaviour of an engaged lead in the window (kind, mean count), times the lead's interest
#: in that kind (one of LEAD_INTEREST, equally likely, drawn per kind): inbound touches without a rep,
#: from the leads' own stream.
LEAD_MARKETING = (("web_visit", 1.5), ("content_download", 0.6), ("webinar", 0.5))
LEAD_INTEREST = (0.3, 1.0, 2.5)
LEAD_CONVERTED_OFF = 0
NO_SIGNAL_CONVERSION_RATE = 0.2
#: The true weights are what real history would teach against the configured weights (the lead
#: score's defaults rate a meeting 10 points, a webinar 8, a download 5, a page view 1): the behaviour
#: they rate lowest, page views, is the one that comes before conversion; webinars and downloads, which
#: they rate high, come just below zero (-0.15, -0.1: their attendees convert a little less), meetings
#: and demo minutes have no effect. So on planted worlds the learned weights rank converters better
#: than the configured ones by a margin that passes the paired use rule (LEAD_USE_RULE).
LEAD_MODEL = {
    "intercept": -1.8,
    "demo_minutes": 0.0,
    "pages_viewed": 0.9,
    "content_downloaded": -0.1,
    "webinars": -0.15,
    "meetings": 0.0,
}
_LEAD_KIND = {
    "web_visit": "pages_viewed",
    "content_download": "content_downloaded",
    "webinar": "webinars",
    "meeting": "meetings",
    "visit": "meetings",
}
#: The choices of `generate --outcome-signal`: "planted" draws won/lost from OUTCOME_MODEL; "none" draws
#: every closed deal with the same chance (NO_SIGNAL_WIN_RATE), so that nothing predicts the outcome.
OUTCOME_SIGNALS = ("planted", "none")
NO_SIGNAL_WIN_RATE = 0.4


def required_roles(amount: float) -> tuple[str, ...]:
    """The committee template of a deal of this amount (issue 5)."""
    roles: list[str] = []
    for threshold, added in TEMPLATE_STEPS:
        if amount >= threshold:
            roles.extend(added)
    return tuple(roles)


def written_amount(amount: int, currency: str) -> int:
    """The amount in `currency` that a deal worth `amount` USD is written with: rounded up, so that
    converting it back with the default rate table (graph/analyses/config.py) lands on or just above
    `amount` and never crosses a template threshold (all multiples of 100) the other way."""
    from graph.analyses.config import DEFAULT_CONFIG

    rate = DEFAULT_CONFIG.currency.rates[currency]
    return amount if rate == 1.0 else math.ceil(amount / rate)


def stage_path(rng: random.Random, d: DealInfo) -> list[tuple[int, str]]:
    """A plausible stage path of a deal, as (day offset, stage) oldest first: the open stages in order
    up to the current one (an open deal) or up to a random one followed by the closing stage on the
    close day (a closed deal); the first entered on the creation day, the others on days between that
    and yesterday (open) or the close day. No outcome signal is planted in it."""
    if d.status == "open":
        names = list(OPEN_STAGES[: OPEN_STAGES.index(d.stage) + 1])
        end = 1
    else:
        names = list(OPEN_STAGES[: rng.randrange(len(OPEN_STAGES)) + 1])
        end = d.closed_off
    start = max(d.created_off, end)
    later = sorted((rng.randint(end, start) for _ in names[1:]), reverse=True)
    path = list(zip([start, *later], names, strict=True))
    if d.status != "open":
        path.append((d.closed_off, d.stage))
    return path


def derive_seed(seed: int, index: int, salt: int) -> int:
    """A 64-bit seed for one account and purpose; blake2b so nearby indices are unrelated."""
    digest = hashlib.blake2b(f"{seed}:{index}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


# --- ids -------------------------------------------------------------------------------------

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SFSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def _b62(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 62)
        out.append(_B62[r])
    return "".join(reversed(out))


def sf_id(prefix: str, account: int, local: int) -> str:
    """An 18-character Salesforce-style id: prefix, pod, base-62 body and the real case-checksum."""
    base = f"{prefix}5g0{_b62(account, 5)}{_b62(local, 4)}"
    suffix = []
    for start in (0, 5, 10):
        bits = 0
        for j, ch in enumerate(base[start : start + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << j
        suffix.append(_SFSUM[bits])
    return base + "".join(suffix)


class IdScheme:
    """Ids of the records the truth file names; the Salesforce scheme gives 18-char ids."""

    def __init__(self, salesforce: bool) -> None:
        self.salesforce = salesforce

    def company(self, a: int, variant: int = 0) -> str:
        if self.salesforce:
            return sf_id("001", a, variant)
        return f"C{a:07d}" if variant == 0 else f"C{a:07d}-{variant}"

    def person(self, a: int, i: int) -> str:
        return sf_id("003", a, i) if self.salesforce else f"P{a:07d}-{i:04d}"

    def deal(self, a: int, j: int) -> str:
        return sf_id("006", a, j) if self.salesforce else f"D{a:07d}-{j:02d}"

    def rep(self, r: int) -> str:
        return sf_id("005", 0, r) if self.salesforce else f"R{r:05d}"

    def product(self, p: int) -> str:
        return sf_id("01t", 0, p) if self.salesforce else f"PR{p:03d}"


# --- catalogue and reps ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Product:
    index: int
    id: str
    name: str
    family: str


def catalogue(ids: IdScheme) -> list[Product]:
    products: list[Product] = []
    for family, names in N.PRODUCT_FAMILIES.items():
        for name in names:
            products.append(Product(len(products), ids.product(len(products)), name, family))
    return products


@dataclass(frozen=True, slots=True)
class RepInfo:
    id: str
    name: str
    email: str
    kind: str


def make_reps(seed: int, accounts: int, ids: IdScheme) -> list[RepInfo]:
    """Our own people: about one sales rep per 40 accounts, with presales, success and marketing."""
    rng = random.Random(derive_seed(seed, -1, 7))
    n_sales = max(3, min(3000, accounts // 40 + 2))
    kinds = ["sales"] * n_sales + ["presales"] * max(2, n_sales // 3) + ["success"] * max(2, n_sales // 3)
    kinds += ["marketing"] * max(1, n_sales // 10)
    reps = []
    used: set[str] = set()
    for r, kind in enumerate(kinds):
        if rng.random() < 0.3:
            sur, sur_py = rng.choice(N.CN_SURNAME)
            giv, giv_py = rng.choice(N.CN_GIVEN)
            name, local = sur + giv, f"{giv_py}.{sur_py}"
        else:
            first, last = rng.choice(N.EN_FIRST), rng.choice(N.EN_LAST)
            name, local = f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}"
        email = f"{local}@seller.example.com"
        k = 1
        while email in used:
            k += 1
            email = f"{local}{k}@seller.example.com"
        used.add(email)
        reps.append(RepInfo(ids.rep(r), name, email, kind))
    return reps


def _ascii(text: str) -> str:
    table = {"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss", "é": "e", "'": "", " ": ""}
    return "".join(table.get(ch, ch) for ch in text.lower())


# --- company profiles ------------------------------------------------------------------------

_EN_WORDS: tuple[tuple[str, str], ...] = tuple(
    (ind, w) for ind in N.INDUSTRIES for w in N.EN_INDUSTRY_WORD[ind]
)
_REGION_WORD = {
    "United States": "Americas",
    "United Kingdom": "UK",
    "Germany": "Deutschland",
    "France": "France",
    "Singapore": "Asia Pacific",
}


@dataclass(slots=True)
class Profile:
    """What other accounts may need to know about an account: cheap to recompute from the seed."""

    index: int
    country: str
    lang: str
    industry: str
    size_class: str
    n_people: int
    employees: int
    brand: str
    brand_ascii: str
    name: str
    domain: str
    parent: int | None
    email_pattern: int


def _is_subsidiary(seed: int, a: int) -> bool:
    return a >= 10 and derive_seed(seed, a, 2) % 100 < 6


def size_class_of(a: int) -> str:
    if a % 1000 == 500:
        return "large"
    if a % 100 == 3:
        return "mid"
    return "small"


def profile(seed: int, a: int) -> Profile:
    """The account's identity: country, language, industry, size, name and domain."""
    rng = random.Random(derive_seed(seed, a, 0))
    size = size_class_of(a)
    if size == "large":
        n_people = 2000 if (a // 1000) % 2 == 0 else rng.randint(500, 2000)
        employees = rng.randint(5_000, 120_000)
    elif size == "mid":
        n_people = int(50 + 150 * rng.random() ** 2)
        employees = rng.randint(500, 8_000)
    else:
        n_people = rng.randint(5, 12)
        employees = rng.randint(20, 800)
    parent = None
    if _is_subsidiary(seed, a):
        parent = derive_seed(seed, a, 3) % a
        while _is_subsidiary(seed, parent):
            parent -= 1
    zh = rng.random() < 0.3
    country = "China" if zh else rng.choice(N.EN_COUNTRIES)
    if parent is not None:
        pp = profile(seed, parent)
        if pp.lang == "zh":
            zh, country = True, "China"
        elif country == "China" or country == pp.country:
            zh, country = False, rng.choice([c for c in N.EN_COUNTRIES if c != pp.country])
    combo = (a * 7919 + seed) % (len(N.EN_BRAND_A) * len(_EN_WORDS))
    suffix_no = str(a // 1200) if a >= 1200 else ""
    suffixes, tld, _, _ = N.COUNTRIES[country]
    if zh:
        c2 = (a * 7919 + seed) % (len(N.CN_BRAND) * len(N.INDUSTRIES))
        brand, brand_py = N.CN_BRAND[c2 // len(N.INDUSTRIES)]
        industry = N.INDUSTRIES[c2 % len(N.INDUSTRIES)]
        word, word_py = N.CN_INDUSTRY_WORD[industry]
        if parent is not None and pp.lang == "zh":
            brand, brand_py, industry = pp.brand, pp.brand_ascii, pp.industry
            word, word_py = N.CN_INDUSTRY_WORD[industry]
        name = f"{rng.choice(N.CN_CITY)}{brand}{word}{rng.choice(suffixes)}"
        domain = (
            f"{brand_py}{word_py}{suffix_no}.com.cn"
            if parent is None
            else f"{brand_py}{word_py}{suffix_no}-{a % 1000}.com.cn"
        )
        ascii_brand = brand_py
    else:
        first = N.EN_BRAND_A[combo // len(_EN_WORDS)]
        industry, word = _EN_WORDS[combo % len(_EN_WORDS)]
        brand = f"{first} {word}"
        if parent is not None:
            brand, industry = pp.brand, pp.industry
            name = f"{brand} {_REGION_WORD[country]} {rng.choice(suffixes)}"
        else:
            name = f"{brand} {rng.choice(suffixes)}"
        ascii_brand = _ascii(brand)
        domain = f"{ascii_brand}{suffix_no}.{tld}"
        if parent is not None:
            domain = f"{ascii_brand}{suffix_no}-{_ascii(_REGION_WORD[country])}.{tld}"
    return Profile(
        a,
        country,
        "zh" if zh else "en",
        industry,
        size,
        n_people,
        employees,
        brand,
        ascii_brand,
        name,
        domain,
        parent,
        rng.randrange(3),
    )


# --- the account body ------------------------------------------------------------------------


class Person:
    """One person of the clean world (plus duplicate/broken copies, flagged)."""

    __slots__ = (
        "i",
        "id",
        "first",
        "last",
        "name",
        "email",
        "title",
        "function",
        "seniority",
        "mgr",
        "location",
        "since",
        "policy",
        "leave",
        "on_open",
        "on_any",
        "children",
        "show_title",
        "new_company",
        "new_title",
        "new_email",
        "new_since",
        "new_local",
        "prior",
        "lead_status",
        "lead_behaviour",
        "converted_off",
    )

    i: int
    id: str
    first: str
    last: str
    name: str
    email: str
    title: str
    function: str
    seniority: str
    location: str
    since: int

    def __init__(self, i: int, pid: str) -> None:
        self.i = i
        self.id = pid
        self.mgr = -1
        self.policy = "N"
        self.leave: int | None = None
        self.on_open = False
        self.on_any = False
        self.children: list[int] = []
        self.show_title = True
        self.new_company: str | None = None
        self.new_title = ""
        self.new_email = ""
        self.new_since = 0
        self.new_local = -1
        self.prior: tuple[str, str, int, int] | None = None
        #: "Converted" or "Open" for a lead (nobody on a committee), "" otherwise; and its behaviours.
        self.lead_status = ""
        self.lead_behaviour: dict[str, float] = {}
        #: The day offset a converted lead converted on (None: not converted).
        self.converted_off: int | None = None


@dataclass(slots=True)
class DealInfo:
    j: int
    id: str
    name: str
    #: The deal's worth in USD (the generator's decisions use it); `written_amount` gives the file's.
    amount: int
    currency: str
    status: str
    stage: str
    created_off: int
    closed_off: int  # 0 for open deals
    expected_close: int  # negative offset = future, for open deals
    owner: str
    products: list[int]
    planted: list[str] = field(default_factory=list)
    features: dict[str, float | int | bool] = field(default_factory=dict)
    #: The stages the deal entered, as (day offset, stage), oldest first (`stage_path`).
    stages: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class Account:
    """Everything generated for one account, in the shape the writers and the truth need."""

    index: int
    profile: Profile
    company_id: str
    parent_id: str | None
    status: str
    people: list[Person]
    deals: list[DealInfo]
    committee: list[tuple[int, int, str, str, float, int]]  # deal j, person i, role, source, conf, off
    touches: list[tuple[int, str, str, tuple[int, ...], str | None, int, int, str]]
    # (offset, time, kind, person indices, rep id, deal j or -1, duration_s, subject)
    knows: list[tuple[int, int, float, str]]
    reporting: list[tuple[int, int, int, int | None, str, str]]  # p, m, since_off, until_off, kind, src
    holdings: list[tuple[int, int, int, str]]  # product, since_off, seats, status
    duplicates: list[tuple[Person, int, str]]  # dup record, canonical index, how
    company_dups: list[tuple[str, str, str | None]]  # id, name variant, domain
    broken: list[tuple[str, str, str]]  # file kind, id, problem
    assistant: int
    warm_target: int
    held_out: list[tuple[int, str]]  # product, bundle


_FUNCTION_WEIGHTS = (
    ("engineering", 3.0),
    ("operations", 3.0),
    ("sales", 3.0),
    ("it", 2.0),
    ("finance", 1.5),
    ("marketing", 1.5),
    ("hr", 1.0),
    ("procurement", 1.0),
    ("legal", 0.7),
)
_NEXT = {"c_level": "vp", "vp": "director", "director": "manager", "manager": "individual"}


def _org_plan(rng: random.Random, n: int, size: str) -> list[tuple[str, str, int]]:
    """(function, seniority, manager index) for n people: a CEO, an assistant, heads, then BFS trees."""
    plan: list[tuple[str, str, int]] = [("executive", "c_level", -1), ("executive", "individual", 0)]
    if size == "small":
        funcs = ["finance"] + rng.sample(["it", "operations", "procurement", "sales", "engineering"], 3)
        k = max(1, min(n - 2, rng.randint(2, 4)))
        heads = [(f, "director" if rng.random() < 0.7 else "manager") for f in funcs[:k]]
    elif size == "mid":
        heads = [
            ("finance", rng.choice(("c_level", "vp"))),
            ("it", rng.choice(("vp", "director"))),
            ("operations", "vp"),
            ("procurement", "director"),
            ("legal", "director"),
            ("sales", "vp"),
            ("engineering", "vp"),
            ("hr", "director"),
            ("marketing", "director"),
        ]
        plan.append(("executive", "vp", 0))
    else:
        heads = [
            ("finance", "c_level"),
            ("it", "c_level"),
            ("engineering", "c_level"),
            ("operations", "c_level"),
            ("legal", "c_level"),
            ("procurement", "vp"),
            ("sales", "vp"),
            ("marketing", "vp"),
            ("hr", "vp"),
        ]
        plan.append(("executive", "vp", 0))
    head_at: dict[str, int] = {}
    for f, s in heads:
        if len(plan) >= n:
            break
        head_at[f] = len(plan)
        plan.append((f, s, 0))
    remaining = n - len(plan)
    if remaining <= 0 or not head_at:
        return plan[:n]
    funcs = list(head_at)
    weights = [dict(_FUNCTION_WEIGHTS)[f] for f in funcs]
    total = sum(weights)
    counts = [int(remaining * w / total) for w in weights]
    for k in range(remaining - sum(counts)):
        counts[k % len(counts)] += 1
    for f, count in zip(funcs, counts, strict=True):
        queue = [head_at[f]]
        managers: list[int] = []
        q = 0
        while count > 0:
            if q < len(queue):
                boss = queue[q]
                q += 1
            else:  # every slot filled: widen the lowest managers
                boss = managers[rng.randrange(len(managers))] if managers else head_at[f]
            boss_level = plan[boss][1]
            child_level = _NEXT.get(boss_level, "individual")
            fan = rng.randint(2, 4) if boss_level in ("c_level", "vp") else rng.randint(3, 7)
            for _ in range(min(fan, count)):
                plan.append((f, child_level, boss))
                count -= 1
                if child_level != "individual":
                    queue.append(len(plan) - 1)
                    if child_level == "manager":
                        managers.append(len(plan) - 1)
    return plan


def _title(rng: random.Random, function: str, seniority: str, lang: str) -> str:
    options = N.TITLES.get((function, seniority)) or N.TITLES[("operations", seniority)]
    return rng.choice(options[1] if lang == "zh" else options[0])


def _day_for(p: Person, rng: random.Random, recent: bool = False) -> int:
    """A touch day offset allowed by p's engagement policy (E engaged, S stale, N never)."""
    if p.leave is not None:
        return rng.randint(max(DEAD_ZONE[1] + 1, p.leave + 1), HISTORY_DAYS)
    if p.policy == "S":
        return rng.randint(DEAD_ZONE[1] + 1, HISTORY_DAYS)
    if recent:
        return rng.randint(1, DEAD_ZONE[0] - 1)
    d = rng.randint(1, HISTORY_DAYS)
    return DEAD_ZONE[1] + 1 if DEAD_ZONE[0] <= d <= DEAD_ZONE[1] else d


def _allowed(p: Person, d: int) -> bool:
    if p.policy == "N":
        return False
    if p.leave is not None:
        return d > p.leave and d > DEAD_ZONE[1]
    if p.policy == "S":
        return d > DEAD_ZONE[1]
    return True


_TIMES = tuple(f"T{h:02d}:{m:02d}:00" for h in range(8, 18) for m in (0, 15, 30, 45))
_OUT_KINDS = (("email", 0.42), ("call", 0.25), ("meeting", 0.18), ("demo", 0.08), ("visit", 0.07))
_IN_KINDS = (("web_visit", 0.5), ("content_download", 0.25), ("webinar", 0.25))
_DURATION = {
    "meeting": (1800, 3600, 5400),
    "call": (300, 600, 900, 1800),
    "email": (0,),
    "demo": (3600, 5400),
    "visit": (3600, 7200),
    "webinar": (2700, 3600),
    "content_download": (0,),
    "web_visit": (60, 120, 300),
    "product_usage": (600, 1800, 3600),
}


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _pick(rng: random.Random, table: tuple[tuple[str, float], ...]) -> str:
    r = rng.random()
    for kind, w in table:
        r -= w
        if r < 0:
            return kind
    return table[-1][0]


class WorldBuilder:
    """Builds accounts one at a time; holds only the small shared context (reps, catalogue)."""

    def __init__(
        self, seed: int, accounts: int, as_of: date, ids: IdScheme, outcome_signal: str = "planted"
    ) -> None:
        if outcome_signal not in OUTCOME_SIGNALS:
            raise ValueError(
                f"outcome_signal must be one of {', '.join(OUTCOME_SIGNALS)}, got {outcome_signal!r}"
            )
        self.outcome_signal = outcome_signal
        self.seed = seed
        self.accounts = accounts
        self.as_of = as_of
        self.ids = ids
        self.products = catalogue(ids)
        self.product_by_name = {p.name: p.index for p in self.products}
        self.reps = make_reps(seed, accounts, ids)
        self.reps_by_kind: dict[str, list[RepInfo]] = {}
        for rep in self.reps:
            self.reps_by_kind.setdefault(rep.kind, []).append(rep)

    def day(self, off: int) -> date:
        return self.as_of - timedelta(days=off)

    # -- people --------------------------------------------------------------------------------

    def _people(self, rng: random.Random, a: int, prof: Profile) -> list[Person]:
        plan = _org_plan(rng, prof.n_people, prof.size_class)
        zh = prof.lang == "zh"
        cities = N.CITIES[prof.country]
        used_emails: set[str] = set()
        people: list[Person] = []
        for i, (function, seniority, mgr) in enumerate(plan):
            p = Person(i, self.ids.person(a, i))
            if zh:
                sur, sur_py = rng.choice(N.CN_SURNAME)
                giv, giv_py = rng.choice(N.CN_GIVEN)
                p.first, p.last, p.name = giv, sur, sur + giv
                local = (f"{giv_py}.{sur_py}", f"{sur_py}{giv_py}", f"{sur_py}.{giv_py}")[prof.email_pattern]
                free = N.FREE_MAIL_CN
            else:
                first, last = rng.choice(N.EN_FIRST), rng.choice(N.EN_LAST)
                p.first, p.last, p.name = first, last, f"{first} {last}"
                fa, la = _ascii(first), _ascii(last)
                local = (f"{fa}.{la}", f"{fa[0]}{la}", f"{fa}{la[0]}")[prof.email_pattern]
                free = N.FREE_MAIL_EN
            if rng.random() < 0.06:
                domain = rng.choice(free)
                local = f"{local}{rng.randint(1, 99)}"
            else:
                domain = prof.domain
            email = f"{local}@{domain}"
            k = 1
            while email in used_emails:
                k += 1
                email = f"{local}{k}@{domain}"
            used_emails.add(email)
            p.email = email
            p.function, p.seniority, p.mgr = function, seniority, mgr
            p.title = _title(rng, function, seniority, prof.lang)
            p.location = cities[0] if rng.random() < 0.7 else rng.choice(cities)
            p.since = rng.randint(1500, 6000) if i == 0 else rng.randint(HISTORY_DAYS + 30, 4000)
            if mgr >= 0:
                people[mgr].children.append(i)
            people.append(p)
        return people

    # -- committees ------------------------------------------------------------------------------

    @staticmethod
    def _candidates(people: list[Person], role: str, big: bool) -> list[list[Person]]:
        """Preference tiers of holders for a role; the first non-empty tier wins."""
        cur = [p for p in people if p.leave is None and p.i != 1 and p.show_title]

        def tier(funcs: tuple[str, ...] | None, levels: tuple[str, ...]) -> list[Person]:
            return [p for p in cur if (funcs is None or p.function in funcs) and p.seniority in levels]

        if role == "decision_maker":
            if big:
                return [
                    tier(("executive", "it", "operations", "engineering"), ("c_level", "vp")),
                    tier(None, ("c_level", "vp", "director")),
                ]
            return [
                tier(("it", "operations", "engineering"), ("vp", "director")),
                tier(None, ("c_level", "vp", "director")),
                tier(None, ("manager",)),
            ]
        if role == "economic_buyer":
            return [tier(("finance",), ("c_level", "vp", "director")), tier(("executive",), ("c_level",))]
        if role == "champion":
            return [
                tier(("it", "engineering", "operations"), ("manager", "director")),
                tier(None, ("manager",)),
                tier(None, ("individual",)),
            ]
        if role == "technical_evaluator":
            return [tier(("it", "engineering"), ("individual", "manager")), tier(None, ("individual",))]
        if role == "procurement":
            return [
                tier(("procurement",), ("manager", "director", "individual")),
                tier(("finance",), ("manager",)),
            ]
        if role == "legal_compliance":
            return [tier(("legal",), ("manager", "director", "individual"))]
        if role == "executive_sponsor":
            return [tier(None, ("c_level", "vp"))]
        return [tier(None, ("manager", "individual"))]

    def _assign(
        self, rng: random.Random, people: list[Person], roles: tuple[str, ...], big: bool
    ) -> list[tuple[int, str]]:
        chosen: list[tuple[int, str]] = []
        used: set[int] = set()
        for role in roles:
            pick = None
            for tier_people in self._candidates(people, role, big):
                free = [p for p in tier_people if p.i not in used]
                if free:
                    pick = rng.choice(free)
                    break
            if pick is None and role in ("economic_buyer", "executive_sponsor") and people[0].leave is None:
                pick = people[0]  # small firms: the CEO holds it too
            if pick is not None:
                used.add(pick.i)
                chosen.append((pick.i, role))
        return chosen

    # -- the account -------------------------------------------------------------------------------

    def build(self, a: int) -> Account:
        """Generate account a: org chart, deals and committees, touches, ties, holdings, mess."""
        prof = profile(self.seed, a)
        rng = random.Random(derive_seed(self.seed, a, 1))
        ids = self.ids
        people = self._people(rng, a, prof)
        n = len(people)
        currency = N.COUNTRIES[prof.country][2] if rng.random() < 0.5 else "USD"
        owner = self.reps_by_kind["sales"][rng.randrange(len(self.reps_by_kind["sales"]))]
        presales = self.reps_by_kind["presales"][rng.randrange(len(self.reps_by_kind["presales"]))]

        # missing titles: leaves only, never on a committee (chosen before committees)
        for p in people[2:]:
            if not p.children and p.seniority == "individual" and rng.random() < 0.05:
                p.show_title = False

        # deals
        lo, hi, mode = {
            "small": (2_000, 150_000, 15_000),
            "mid": (5_000, 300_000, 60_000),
            "large": (20_000, 2_000_000, 200_000),
        }[prof.size_class]
        bundles = N.INDUSTRY_BUNDLES[prof.industry]
        deals: list[DealInfo] = []
        n_closed = rng.choices((0, 1, 2, 3), (30, 40, 20, 10))[0]
        n_open = rng.choices((0, 1, 2), (22, 55, 23))[0]
        hold_out_bundle = None
        for j in range(n_closed + n_open):
            is_open = j >= n_closed
            amount = int(min(hi, max(lo, rng.lognormvariate(math.log(mode), 0.9))) // 100 * 100)
            bundle = rng.choice(bundles) if rng.random() < 0.8 else rng.choice(sorted(N.BUNDLES))
            prods = [self.product_by_name[x] for x in N.BUNDLES[bundle]]
            if is_open:
                prods = rng.sample(prods, rng.randint(1, len(prods)))
                created = rng.randint(20, 300)
                closed, exp = 0, -rng.randint(15, 180)
                stage = rng.choice(OPEN_STAGES)
            else:
                if hold_out_bundle is None and rng.random() < 0.35:
                    hold_out_bundle = bundle
                    prods = prods[: len(prods) - 1] if rng.random() < 0.5 else prods[1:]
                closed = rng.randint(95, 700)
                created, exp = closed + rng.randint(30, 200), closed
                stage = ""
            word = N.BUNDLES[bundle][0] if prof.lang == "en" else N.BUNDLES[bundle][0] + " 项目"
            deals.append(
                DealInfo(
                    j,
                    ids.deal(a, j),
                    f"{prof.brand} - {word}",
                    max(amount, 500),
                    currency,
                    "open" if is_open else "",
                    stage,
                    created,
                    closed,
                    exp,
                    owner.id,
                    sorted(prods),
                )
            )

        # departures are decided before committees so that a departed member is a real ex-employee
        committee: list[tuple[int, int, str, str, float, int]] = []
        members: dict[int, list[tuple[int, str]]] = {}
        for d in deals:
            big = d.amount >= EXECUTIVE_MIN_AMOUNT
            roles = list(required_roles(d.amount))
            extra = rng.random()
            if extra < 0.4:
                roles.append("influencer")
            elif extra < 0.6:
                roles.append("end_user")
            members[d.j] = self._assign(rng, people, tuple(roles), big)

        # plants on open deals
        for d in deals:
            if d.status != "open":
                continue
            m = members[d.j]
            req = required_roles(d.amount)
            if m and rng.random() < 0.2:
                drop = rng.choice([r for r in req if any(role == r for _, role in m)] or [m[0][1]])
                members[d.j] = m = [(i, r) for i, r in m if r != drop]
                d.planted.append("missing_role")
            leaves = [i for i, r in m if not people[i].children and r != "decision_maker" and i > 1]
            if leaves and rng.random() < 0.1:
                x = people[rng.choice(leaves)]
                x.leave = rng.randint(120, 400)
                d.planted.append("departed_member")
        for d in deals:
            for i, _ in members[d.j]:
                people[i].on_any = True
                if d.status == "open":
                    people[i].on_open = True

        # job changes: departed people join another account of the world
        for p in people:
            if p.leave is None:
                continue
            if self.accounts > 1:
                b = (a + 1 + rng.randrange(self.accounts - 1)) % self.accounts
                pb = profile(self.seed, b)
                p.new_company = ids.company(b)
                p.new_title = _title(rng, p.function, p.seniority, pb.lang)
                p.new_email = f"{p.email.split('@')[0]}@{pb.domain}"
            p.new_since = p.leave - rng.randint(14, 60)

        # engagement policies: defaults, then plants override
        for p in people:
            if p.on_open:
                p.policy = "E"
            elif p.on_any:
                p.policy = "E" if rng.random() < 0.6 else "S"
            elif p.i == 1:
                p.policy = "E"  # the assistant: heavy e-mail volume, no power
            else:
                roll = rng.random()
                if RANK[p.seniority] <= 2:
                    p.policy = "E" if roll < 0.45 else ("S" if roll < 0.75 else "N")
                else:
                    p.policy = "E" if roll < 0.4 else ("S" if roll < 0.7 else "N")
            if p.leave is not None:
                p.policy = "S"
        warm_target = -1
        execs = [p for p in people if RANK[p.seniority] <= 1 and not p.on_any and p.leave is None and p.i]
        if not execs:  # small firms: a department head is the executive within reach
            execs = [p for p in people if RANK[p.seniority] == 2 and not p.on_any and p.leave is None]
        if execs and rng.random() < 0.7:
            t = rng.choice(execs)
            t.policy = "N"
            warm_target = t.i
        for d in deals:
            if d.status != "open":
                continue
            m = [(i, r) for i, r in members[d.j] if people[i].leave is None]
            if not m:
                continue
            req = required_roles(d.amount)
            if rng.random() < 0.25:
                roles_here = sorted({r for _, r in m if r in req})
                if roles_here:
                    stale_role = rng.choice(roles_here)
                    for i, r in m:
                        if r == stale_role:
                            people[i].policy = "S"
                    d.planted.append("stale_role")
            if rng.random() < 0.12 and len(m) > 1:
                keep = rng.choice(m)[0]
                for i, _ in m:
                    if i != keep:
                        people[i].policy = "S"
                people[keep].policy = "E"
                d.planted.append("single_threaded")
            if d.amount >= EXECUTIVE_MIN_AMOUNT and rng.random() < 0.3:
                for i, _ in m:
                    if RANK[people[i].seniority] <= 1:
                        people[i].policy = "S"
                d.planted.append("no_executive")
            if rng.random() < 0.3:
                champ = [i for i, r in m if r == "champion"]
                if champ:
                    c = people[champ[0]]
                    c.policy = "E"
                    up = c.mgr
                    for _ in range(2):
                        if up < 0:
                            break
                        if RANK[people[up].seniority] <= 2 and up != 0:
                            people[up].policy = "N"
                            d.planted.append("unengaged_superior")
                            break
                        up = people[up].mgr

        # committee assertions (crm mostly; presales sometimes agrees, sometimes disagrees)
        for d in deals:
            base_off = d.created_off - rng.randint(0, max(1, (d.created_off - max(d.closed_off, 1)) // 2))
            for i, role in members[d.j]:
                conf = round(0.6 + 0.4 * rng.random(), 2)
                source = "crm" if rng.random() < 0.88 else "presales"
                committee.append((d.j, i, role, source, conf, base_off))
                if source == "crm" and rng.random() < 0.2:
                    committee.append((d.j, i, role, "presales", round(conf - 0.1, 2), base_off - 3))
            if d.status == "open" and members[d.j]:
                if rng.random() < 0.12:
                    i, role = rng.choice(members[d.j])
                    other = "influencer" if role != "influencer" else "champion"
                    committee.append((d.j, i, other, "presales", 0.7, max(1, base_off - 5)))
                    d.planted.append("role_conflict")
                elif rng.random() < 0.06:
                    on = {i for i, _ in members[d.j]}
                    cands = [
                        p.i
                        for p in people
                        if p.leave is None
                        and p.i not in on
                        and p.i > 1
                        and RANK[p.seniority] <= 2
                        and p.show_title
                        and p.i != warm_target
                    ]
                    if cands:
                        i = rng.choice(cands)
                        committee.append((d.j, i, "decision_maker", "sales", 0.6, max(1, base_off - 2)))
                        people[i].on_any = True
                        if people[i].policy == "N":
                            people[i].policy = "E"
                        d.planted.append("role_conflict")

        # touches
        touches: list[tuple[int, str, str, tuple[int, ...], str | None, int, int, str]] = []
        subjects = N.SUBJECTS_ZH if prof.lang == "zh" else N.SUBJECTS_EN
        by_person_deals: dict[int, list[DealInfo]] = {}
        for d in deals:
            for i, _ in members[d.j]:
                by_person_deals.setdefault(i, []).append(d)
        dept: dict[str, list[int]] = {}
        for p in people:
            dept.setdefault(p.function, []).append(p.i)

        def touch(off: int, kind: str, who: tuple[int, ...], rep: str | None, deal: int) -> None:
            touches.append(
                (
                    off,
                    rng.choice(_TIMES),
                    kind,
                    who,
                    rep,
                    deal,
                    rng.choice(_DURATION[kind]),
                    rng.choice(subjects[kind]),
                )
            )

        def deal_for(i: int, off: int) -> int:
            for d in by_person_deals.get(i, ()):
                if d.closed_off <= off <= d.created_off:
                    return d.j
            return -1

        for p in people:
            if p.policy == "N":
                continue
            if p.i == 1:
                continue  # the assistant's e-mails come last, sized on everybody else's volume
            if p.on_open and p.policy == "E":
                count = rng.randint(7, 16)
            elif p.on_any:
                count = rng.randint(3, 9)
            elif p.policy == "S" or p.leave is not None:
                count = rng.randint(2, 8)
            else:
                count = rng.randint(2, 9)
            for k in range(count):
                off = _day_for(p, rng, recent=(k == 0 and p.policy == "E"))
                if rng.random() < 0.22:
                    touch(off, _pick(rng, _IN_KINDS), (p.i,), None, -1)
                    continue
                kind = _pick(rng, _OUT_KINDS)
                deal = deal_for(p.i, off)
                who = [p.i]
                group = kind in ("meeting", "demo", "visit")
                if group or (kind == "email" and rng.random() < 0.2):  # attendees, or people on cc
                    pool = [i for i, _ in members[deal]] if deal >= 0 else dept[p.function]
                    for _ in range(rng.randint(0, 3) if group else rng.randint(1, 2)):
                        o = pool[rng.randrange(len(pool))]
                        if o not in who and _allowed(people[o], off):
                            who.append(o)
                rep = presales.id if kind == "demo" else owner.id
                touch(off, kind, tuple(who), rep, deal)

        # closed deals: coverage touches, then the outcome drawn from the real coverage
        for d in deals:
            if d.status == "open":
                continue
            q = rng.random()
            for i, _ in members[d.j]:
                p = people[i]
                if rng.random() < 0.15 + 0.75 * q:
                    for _ in range(rng.randint(1, 3)):
                        off = rng.randint(d.closed_off + 1, d.closed_off + ENGAGED_DAYS - 5)
                        if _allowed(p, off):
                            touch(off, rng.choice(("meeting", "call", "email")), (i,), owner.id, d.j)
        last_at: dict[int, list[int]] = {}
        for tch in touches:
            for i in tch[3]:
                last_at.setdefault(i, []).append(tch[0])
        won_any = -1
        for d in deals:
            if d.status == "open":
                continue
            engaged = {
                i
                for i, _ in members[d.j]
                if any(d.closed_off <= o <= d.closed_off + ENGAGED_DAYS for o in last_at.get(i, ()))
            }
            eb = any(r == "economic_buyer" and i in engaged for i, r in members[d.j])
            req = required_roles(d.amount)
            stale = sum(
                1
                for r in req
                if any(rr == r for _, rr in members[d.j])
                and not any(rr == r and i in engaged for i, rr in members[d.j])
            )
            logit = (
                OUTCOME_MODEL["intercept"]
                + OUTCOME_MODEL["economic_buyer_engaged"] * eb
                + OUTCOME_MODEL["engaged_people_upto4"] * min(len(engaged), 4)
                + OUTCOME_MODEL["stale_required_roles"] * stale
            )
            p_won = 1 / (1 + math.exp(-logit)) if self.outcome_signal == "planted" else NO_SIGNAL_WIN_RATE
            d.status = "won" if rng.random() < p_won else "lost"
            d.stage = "Closed Won" if d.status == "won" else "Closed Lost"
            d.features = {
                "economic_buyer_engaged": bool(eb),
                "engaged_people": len(engaged),
                "stale_required_roles": stale,
                "p_won": round(p_won, 4),
            }
            if d.status == "won" and (won_any < 0 or d.closed_off > won_any):
                won_any = d.closed_off

        # status and installed base
        status = "prospect"
        holdings: list[tuple[int, int, int, str]] = []
        if won_any >= 0:
            status = "former_customer" if rng.random() < 0.12 else "customer"
            owned: dict[int, int] = {}
            for d in deals:
                if d.status == "won":
                    for pr in d.products:
                        owned[pr] = max(owned.get(pr, 0), d.closed_off)
            for pr in sorted(owned):
                st = (
                    "churned"
                    if status == "former_customer"
                    else ("trial" if rng.random() < 0.05 else "active")
                )
                holdings.append((pr, owned[pr], rng.choice((5, 10, 25, 50, 100, 250)), st))
        elif rng.random() < 0.04:
            status = "partner"
        if status == "customer":  # after the sale, customer success takes over most outreach
            success = self.reps_by_kind["success"][a % len(self.reps_by_kind["success"])]
            for k, tch in enumerate(touches):
                if tch[0] < won_any and tch[4] == owner.id and tch[5] < 0 and rng.random() < 0.6:
                    touches[k] = (tch[0], tch[1], tch[2], tch[3], success.id, tch[5], tch[6], tch[7])
            for p in people:  # product usage, by people allowed recent touches
                if p.policy == "E" and p.leave is None and rng.random() < 0.5:
                    for _ in range(rng.randint(1, 6)):
                        off = _day_for(p, rng)
                        if off < won_any:
                            touch(off, "product_usage", (p.i,), None, -1)

        # the assistant: more e-mail than anyone, with no power
        if n > 1:
            per: dict[int, int] = {}
            for tch in touches:
                for i in tch[3]:
                    per[i] = per.get(i, 0) + 1
            volume = int(max(per.values(), default=10) * 1.5) + 20
            asst = people[1]
            for k in range(volume):
                off = _day_for(asst, rng, recent=(k < 3))
                touch(off, "email", (1,), owner.id, -1)

        # lead conversion, from the behaviours of the lead window, with its own random stream (so that
        # the rest of the world is what it was before leads were drawn). First the marketing behaviour
        # of engaged leads (web visits, downloads, webinars: inbound, no rep) in the window, more of it
        # for some leads than others, so that a fit has behaviour to learn from.
        lead_rng = random.Random(derive_seed(self.seed, a, 11))
        for p in people:
            if p.on_any or p.i == 1 or p.leave is not None or p.policy != "E":
                continue
            for kind, mean in LEAD_MARKETING:
                for _ in range(_poisson(lead_rng, mean * lead_rng.choice(LEAD_INTEREST))):
                    off = lead_rng.randint(1, DEAD_ZONE[0] - 1)
                    touches.append(
                        (
                            off,
                            lead_rng.choice(_TIMES),
                            kind,
                            (p.i,),
                            None,
                            -1,
                            lead_rng.choice(_DURATION[kind]),
                            lead_rng.choice(subjects[kind]),
                        )
                    )
        behaviour: dict[int, dict[str, float]] = {}
        for off, _, kind, attendees, _, _, dur, _ in touches:
            if not 1 <= off <= LEAD_WINDOW_DAYS:
                continue
            name = "demo_minutes" if kind == "demo" else _LEAD_KIND.get(kind)
            if name is None:
                continue
            for i in attendees:
                counts = behaviour.setdefault(i, {})
                counts[name] = counts.get(name, 0.0) + (dur / 60 if kind == "demo" else 1.0)
        for p in people:
            if p.on_any or p.i == 1 or p.leave is not None:
                continue
            counts = {k: round(behaviour.get(p.i, {}).get(k, 0.0), 1) for k in LEAD_MODEL if k != "intercept"}
            logit = LEAD_MODEL["intercept"] + sum(LEAD_MODEL[k] * v for k, v in counts.items())
            chance = (
                1 / (1 + math.exp(-logit)) if self.outcome_signal == "planted" else NO_SIGNAL_CONVERSION_RATE
            )
            converted = lead_rng.random() < chance
            p.lead_status = "Converted" if converted else "Open"
            # converted on the world's last day (offset LEAD_CONVERTED_OFF), after every behaviour of the
            # window that decided it: the window before that day is the window the conversion came from
            p.converted_off = LEAD_CONVERTED_OFF if converted else None
            p.lead_behaviour = counts

        # cross-sell truth: a bundle owned but for one product
        held_out: list[tuple[int, str]] = []
        active = {pr for pr, _, _, st in holdings if st != "churned"}
        for bname, bprods in N.BUNDLES.items():
            idx = {self.product_by_name[x] for x in bprods}
            if len(idx & active) == len(idx) - 1:
                held_out.append(((idx - active).pop(), bname))

        # KNOWS: along reporting lines, inside departments, a few across. A tie x -> y means x turns
        # to y: a report turns to their manager, a colleague to another (one tie per pair).
        knows: dict[tuple[int, int], tuple[float, str]] = {}
        seen_pairs: set[tuple[int, int]] = set()
        current = [p for p in people if p.leave is None]

        def tie(x: int, y: int, lo_s: float, hi_s: float, src: str) -> None:
            if x != y:
                pair = (x, y) if x < y else (y, x)
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    knows[(x, y)] = (round(lo_s + (hi_s - lo_s) * rng.random(), 2), src)

        for p in current:
            # (the heads of department always turn to the CEO; further down, 70% to their manager)
            if p.mgr >= 0 and people[p.mgr].leave is None and (rng.random() < 0.7 or p.mgr == 0):
                tie(p.i, p.mgr, 0.6, 1.0, "email")
            colleagues = [i for i in dept[p.function] if people[i].leave is None]
            for _ in range(rng.randint(0, 2)):
                tie(p.i, colleagues[rng.randrange(len(colleagues))], 0.3, 0.8, "email")
            if rng.random() < 0.2:
                tie(p.i, current[rng.randrange(len(current))].i, 0.1, 0.5, "enrichment")
        knows_rows = [(x, y, s, src) for (x, y), (s, src) in sorted(knows.items())]

        # reporting history: current solid lines, past lines (reorgs, leavers), dotted lines
        reporting: list[tuple[int, int, int, int | None, str, str]] = []
        by_level: dict[str, list[int]] = {}
        for p in current:
            by_level.setdefault(p.seniority, []).append(p.i)
        for p in people:
            if p.mgr < 0:
                continue
            boss = people[p.mgr]
            if p.leave is not None:
                reporting.append((p.i, boss.i, min(p.since, boss.since), p.leave, "solid", "crm"))
                continue
            since = min(p.since, boss.since)
            if rng.random() < 0.08:
                others = [i for i in by_level.get(boss.seniority, ()) if i != boss.i and i != p.i]
                if others:
                    change = rng.randint(30, since - 1) if since > 31 else since
                    reporting.append((p.i, rng.choice(others), since, change, "solid", "crm"))
                    since = change
            reporting.append((p.i, boss.i, since, None, "solid", "crm"))
            if rng.random() < 0.03:
                seniors = [
                    q.i for q in current if RANK[q.seniority] <= 2 and q.function != p.function and q.i != p.i
                ]
                if seniors:
                    reporting.append(
                        (p.i, rng.choice(seniors), rng.randint(30, 700), None, "dotted", "sales")
                    )
            if rng.random() < 0.05 and self.accounts > 1:  # came from another account of the world
                b = (a + 1 + rng.randrange(self.accounts - 1)) % self.accounts
                p.prior = (
                    ids.company(b),
                    _title(rng, p.function, p.seniority, profile(self.seed, b).lang),
                    p.since + rng.randint(200, 2000),
                    p.since + rng.randint(10, 60),
                )

        # mess: duplicate people, duplicate company names, broken rows
        local = n
        dups: list[tuple[Person, int, str]] = []
        dup_pool = [p for p in current if not p.on_any and RANK[p.seniority] >= 3 and p.i > 1]
        if dup_pool and rng.random() < 0.3:
            for src in rng.sample(dup_pool, min(len(dup_pool), rng.randint(1, 2))):
                d_p = Person(local, ids.person(a, local))
                local += 1
                for attr in (
                    "first",
                    "last",
                    "name",
                    "title",
                    "function",
                    "seniority",
                    "location",
                    "since",
                    "show_title",
                ):
                    setattr(d_p, attr, getattr(src, attr))
                user, _, dom = src.email.partition("@")
                if dom == "gmail.com":
                    how = "gmail_dots_plus"
                    d_p.email = f"{user.replace('.', '')}+crm@{dom}" if "." in user else f"{user}+work@{dom}"
                else:
                    how = rng.choice(("email_case", "email_whitespace", "same_email_other_source"))
                    if how == "email_case":
                        d_p.email = src.email.title() if src.email.title() != src.email else src.email.upper()
                    elif how == "email_whitespace":
                        d_p.email = f" {src.email} "
                    else:
                        d_p.email = src.email
                        d_p.name = f"{src.last}, {src.first}" if prof.lang == "en" else src.name
                dups.append((d_p, src.i, how))
        cdups: list[tuple[str, str, str | None]] = []
        if rng.random() < 0.08:
            suffix = max(
                (x for x in N.COUNTRIES[prof.country][0] if prof.name.endswith(x)), key=len, default=""
            )
            bare = prof.name.removesuffix(suffix).strip()
            if prof.lang == "zh":  # 华信科技（苏州）有限公司, 华信科技, Huaxin Co., Ltd.
                city, rest = bare[:2], bare[2:]
                options: tuple[str, ...] = (
                    f"{rest}（{city}）{suffix}",
                    rest,
                    f"{prof.brand_ascii.title()} Co., Ltd.",
                )
            else:
                options = (prof.name.upper(), bare, f"{bare}, {suffix}", bare.replace(" ", ""))
            variant = rng.choice([o for o in options if o != prof.name] or [f"{prof.name} (HQ)"])
            cdups.append((ids.company(a, 1), variant, prof.domain if rng.random() < 0.5 else None))
        broken: list[tuple[str, str, str]] = []
        if rng.random() < 0.06:
            broken.append(("people", ids.person(a, local), "missing required name"))
            local += 1
        if rng.random() < 0.06:
            broken.append(("touches", "", "invalid date and no person"))
        if rng.random() < 0.06:
            broken.append(("deals", ids.deal(a, 90), "negative amount"))
        for p in people:
            if p.leave is not None:
                p.new_local = local
                local += 1

        touches.sort(key=lambda t: (-t[0], t[1], t[2], t[3]))
        # stage paths from a stream of their own, so that the rest of the world stays as it was
        stage_rng = random.Random(derive_seed(self.seed, a, 13))
        for d in deals:
            d.stages = stage_path(stage_rng, d)
        parent_id = ids.company(prof.parent) if prof.parent is not None else None
        held = [(pr, b) for pr, b in held_out]
        committee.sort(key=lambda c: (c[0], c[1], c[3], c[2]))
        return Account(
            a,
            prof,
            ids.company(a),
            parent_id,
            status,
            people,
            deals,
            committee,
            touches,
            knows_rows,
            reporting,
            holdings,
            dups,
            cdups,
            broken,
            1 if n > 1 else -1,
            warm_target,
            held,
        )
