"""Cross-sell: products an account does not own, ranked from what comparable accounts own.

Three signals, each in [0, 1], combined with `CrossSellWeights` (0.5 / 0.3 / 0.2 by default):

- similar_accounts: the share of accounts that own the product, each account weighted by its
  similarity to this one: cosine similarity of owned-product sets, times (1 + same_industry_bonus
  if the industries match + similar_size_bonus if the employee counts are within a factor 2 bands).
  Over *all* accounts, computed exactly without pairwise loops: with A the account x product matrix
  and W = diag(1 / sqrt(|products of b|)), sum_b cos(a, b) A[b, p] = A[a] (A^T W A)[:, p] / sqrt|a|,
  and A^T W A is only products x products (per industry and per size band for the bonuses).
- owned_together: the mean, over the products the account owns, of P(owns p | owns q).
- industry_adoption: the share of accounts in the same industry that own the product.

Active and trial holdings count as owned; a churned product is neither recommended nor counted, and
neither is a product that an open deal of the account already offers (the seller is already on it).
Items are named from the whole product catalogue (`OwnershipIndex.names`), not only from the products
the account owns: a recommendation is by definition a product the account does not have.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from pydantic import TypeAdapter

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analyses.results import CrossSellItem
from graph.model import AccountGraph, Company, DealStatus, Holding, HoldingStatus

__all__ = ["OwnershipIndex", "cross_sell_all", "offered_by_open_deals", "recommend"]

_FloatMatrix = np.ndarray
_ITEM_LISTS: TypeAdapter[list[list[CrossSellItem]]] = TypeAdapter(list[list[CrossSellItem]])


def _size_band(employees: int | None) -> int:
    """Employee counts in factor-2 bands (-1: unknown)."""
    if employees is None or employees <= 0:
        return -1
    return int(math.log2(employees))


@dataclass
class OwnershipIndex:
    """Who owns what across all accounts, as a sparse account x product matrix with profiles."""

    company_ids: list[str]
    product_ids: list[str]
    row: dict[str, int]
    col: dict[str, int]
    #: accounts x products, 1.0 where owned (active or trial).
    owned: sp.csr_matrix
    #: accounts x products, 1.0 where churned (never recommended, never counted).
    churned: sp.csr_matrix
    industry: np.ndarray
    industries: list[str | None]
    band: np.ndarray
    companies: dict[str, Company]
    #: Product id -> name over the whole catalogue, so that every recommendation carries a name.
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        companies: Sequence[Company],
        holdings: Iterable[Holding],
        *,
        names: Mapping[str, str] | None = None,
    ) -> OwnershipIndex:
        """Index companies and holdings (and the catalogue's product names); holdings of unknown
        companies are ignored.

        >>> idx = OwnershipIndex.build([Company(id="a", name="A")], [Holding(company_id="a", product_id="p")])
        >>> idx.owned.toarray().tolist()
        [[1.0]]
        """
        company_ids = [c.id for c in companies]
        row = {cid: i for i, cid in enumerate(company_ids)}
        col: dict[str, int] = {}
        own_r: list[int] = []
        own_c: list[int] = []
        ch_r: list[int] = []
        ch_c: list[int] = []
        for h in holdings:
            r = row.get(h.company_id)
            if r is None:
                continue
            c = col.setdefault(h.product_id, len(col))
            if h.status == HoldingStatus.CHURNED:
                ch_r.append(r)
                ch_c.append(c)
            else:
                own_r.append(r)
                own_c.append(c)
        shape = (len(company_ids), len(col))
        owned = sp.csr_matrix((np.ones(len(own_r)), (own_r, own_c)), shape=shape)
        owned.data[:] = 1.0  # duplicates summed -> back to 1
        churned = sp.csr_matrix((np.ones(len(ch_r)), (ch_r, ch_c)), shape=shape)
        churned.data[:] = 1.0
        industry_names: dict[str | None, int] = {None: 0}
        industry = np.array(
            [industry_names.setdefault(c.industry, len(industry_names)) for c in companies], dtype=np.int32
        )
        industries: list[str | None] = [None] * len(industry_names)
        for name, i in industry_names.items():
            industries[i] = name
        band = np.array([_size_band(c.employees) for c in companies], dtype=np.int32)
        return cls(
            company_ids=company_ids,
            product_ids=list(col),
            row=row,
            col=col,
            owned=owned,
            churned=churned,
            industry=industry,
            industries=industries,
            band=band,
            companies={c.id: c for c in companies},
            names=dict(names or {}),
        )

    def products_of(self, company_id: str) -> set[str]:
        r = self.row.get(company_id)
        if r is None:
            return set()
        return {
            self.product_ids[c] for c in self.owned.indices[self.owned.indptr[r] : self.owned.indptr[r + 1]]
        }


def _cosine_cooccurrence(owned: sp.csr_matrix) -> _FloatMatrix:
    """A^T W A with W = diag(1 / sqrt(products owned)): products x products, dense."""
    counts = np.asarray(owned.sum(axis=1)).ravel()
    inv = np.zeros_like(counts)
    nz = counts > 0
    inv[nz] = 1.0 / np.sqrt(counts[nz])
    weighted = sp.diags(inv) @ owned
    return np.asarray((owned.T @ weighted).toarray())


def _scores(
    index: OwnershipIndex, rows: np.ndarray, config: AnalysisConfig
) -> tuple[_FloatMatrix, _FloatMatrix, _FloatMatrix]:
    """(similar_accounts, owned_together, industry_adoption) for the given account rows."""
    cfg = config.cross_sell
    A = index.owned
    n_products = A.shape[1]
    sub = A[rows]
    sizes = np.asarray(sub.sum(axis=1)).ravel()
    inv_sqrt = np.where(sizes > 0, 1.0 / np.sqrt(np.maximum(sizes, 1)), 0.0)

    # similar_accounts: cosine-weighted ownership share with industry and size bonuses.
    base = _cosine_cooccurrence(A)
    all_counts = np.asarray(A.sum(axis=1)).ravel()
    all_inv = np.where(all_counts > 0, 1.0 / np.sqrt(np.maximum(all_counts, 1)), 0.0)
    col_mass = np.asarray(A.T @ all_inv).ravel()  # sum_b A[b,q] / sqrt|b|
    numerator = np.asarray(sub @ base)
    denominator = np.asarray(sub @ col_mass).ravel()
    for groups, bonus in ((index.industry, cfg.same_industry_bonus), (index.band, cfg.similar_size_bonus)):
        if bonus <= 0:
            continue
        for g in np.unique(groups[rows]):
            if (groups is index.industry and g == 0) or (groups is index.band and g < 0):
                continue  # unknown industry or size never makes two accounts alike
            members = np.flatnonzero(groups == g)
            A_g = A[members]
            mine = np.flatnonzero(groups[rows] == g)
            sub_g = sub[mine]
            numerator[mine] += bonus * np.asarray(sub_g @ _cosine_cooccurrence(A_g))
            mass_g = np.asarray(A_g.T @ all_inv[members]).ravel()
            denominator[mine] += bonus * np.asarray(sub_g @ mass_g).ravel()
    numerator *= inv_sqrt[:, None]
    denominator *= inv_sqrt
    # The account itself is in the sums with cosine 1 (times its bonuses): take it out of the
    # denominator (its own products are never recommended, so the numerator does not matter).
    self_weight = (
        1.0
        + cfg.same_industry_bonus * (index.industry[rows] != 0)
        + cfg.similar_size_bonus * (index.band[rows] >= 0)
    )
    denominator = np.where(sizes > 0, np.maximum(denominator - self_weight, 0.0), 0.0)
    similar = np.divide(
        numerator, denominator[:, None], out=np.zeros_like(numerator), where=denominator[:, None] > 0
    )

    # owned_together: mean over owned q of P(p | q).
    co = np.asarray((A.T @ A).toarray())
    owners = np.diag(co).copy()
    conf = np.divide(co, owners[:, None], out=np.zeros_like(co), where=owners[:, None] > 0)
    np.fill_diagonal(conf, 0.0)
    together = np.asarray(sub @ conf)
    together = np.divide(together, sizes[:, None], out=np.zeros_like(together), where=sizes[:, None] > 0)

    # industry_adoption: share of the industry's accounts owning each product.
    adoption = np.zeros((len(rows), n_products))
    for g in np.unique(index.industry[rows]):
        if g == 0:
            continue
        members = np.flatnonzero(index.industry == g)
        share = np.asarray(A[members].sum(axis=0)).ravel() / len(members)
        adoption[np.flatnonzero(index.industry[rows] == g)] = share
    return similar, together, adoption


def _chunk_items(
    index: OwnershipIndex,
    rows: np.ndarray,
    similar: np.ndarray,
    together: np.ndarray,
    adoption: np.ndarray,
    config: AnalysisConfig,
    names: Mapping[str, str] | None,
    offered: Mapping[str, Collection[str]] | None = None,
) -> list[list[CrossSellItem]]:
    """The top products of each row, with their evidence (vectorised ranking, one model per item)."""
    cfg = config.cross_sell
    total = cfg.similar_accounts * similar + cfg.owned_together * together + cfg.industry_adoption * adoption
    blocked = (index.owned[rows] + index.churned[rows]).tocoo()
    total[blocked.row, blocked.col] = -1.0
    if offered:
        for k, row in enumerate(rows.tolist()):
            for pid in offered.get(index.company_ids[row], ()):
                c = index.col.get(pid)
                if c is not None:
                    total[k, c] = -1.0
    top_n = min(cfg.top_n, total.shape[1])
    order = np.argsort(-total, axis=1, kind="stable")[:, :top_n]
    scores = np.round(np.take_along_axis(total, order, axis=1), 4).tolist()
    sims = np.take_along_axis(similar, order, axis=1).tolist()
    togs = np.take_along_axis(together, order, axis=1).tolist()
    adps = np.take_along_axis(adoption, order, axis=1).tolist()
    cols = order.tolist()
    names = {**index.names, **(names or {})}
    product_ids = index.product_ids
    w_sim, w_tog, w_ind = cfg.similar_accounts, cfg.owned_together, cfg.industry_adoption
    # Plain dicts here, turned into models by one pydantic-core call per chunk: this runs for every
    # recommendation of every account (500,000 items for 100,000 accounts).
    make_item = make_evidence = dict
    out: list[list[dict[str, Any]]] = []
    for k, row in enumerate(rows.tolist()):
        industry = index.industries[index.industry[row]]
        items: list[dict[str, Any]] = []
        for j, c in enumerate(cols[k]):
            score = scores[k][j]
            if score <= 0:
                break
            sim, tog, adp = sims[k][j], togs[k][j], adps[k][j]
            evidence = [
                make_evidence(
                    signal="similar_accounts",
                    value=round(sim, 4),
                    contribution=round(w_sim * sim, 4),
                    detail=f"owned by {sim:.0%} of accounts like this one (weighted by similarity)",
                    detail_message={"key": "sell.similar_accounts", "params": {"share": sim}},
                ),
                make_evidence(
                    signal="owned_together",
                    value=round(tog, 4),
                    contribution=round(w_tog * tog, 4),
                    detail=f"on average {tog:.0%} of the owners of this account's products also own it",
                    detail_message={"key": "sell.owned_together", "params": {"share": tog}},
                ),
            ]
            if industry is not None:
                evidence.append(
                    make_evidence(
                        signal="industry_adoption",
                        value=round(adp, 4),
                        contribution=round(w_ind * adp, 4),
                        detail=f"owned by {adp:.0%} of {industry} accounts",
                        detail_message={
                            "key": "sell.industry_adoption",
                            "params": {"share": adp, "industry": industry},
                        },
                    )
                )
            pid = product_ids[c]
            items.append(make_item(product_id=pid, name=names.get(pid), score=score, evidence=evidence))
        out.append(items)
    return _ITEM_LISTS.validate_python(out)


def recommend(
    index: OwnershipIndex,
    company_id: str,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    names: Mapping[str, str] | None = None,
    offered: Collection[str] = (),
) -> list[CrossSellItem]:
    """Top products for one account (empty when the account is not in the index), leaving out
    the products in `offered` (those its open deals already include).

    >>> idx = OwnershipIndex.build([Company(id="a", name="A"), Company(id="b", name="B")],
    ...     [Holding(company_id="a", product_id="x"), Holding(company_id="b", product_id="x"),
    ...      Holding(company_id="b", product_id="y")])
    >>> [i.product_id for i in recommend(idx, "a")]
    ['y']
    """
    row = index.row.get(company_id)
    if row is None or not index.product_ids:
        return []
    rows = np.array([row])
    similar, together, adoption = _scores(index, rows, config)
    return _chunk_items(
        index, rows, similar, together, adoption, config, names, {company_id: offered} if offered else None
    )[0]


def cross_sell_all(
    companies: Sequence[Company],
    holdings: Sequence[Holding],
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    names: Mapping[str, str] | None = None,
    chunk: int = 20_000,
    index: OwnershipIndex | None = None,
    offered: Mapping[str, Collection[str]] | None = None,
) -> dict[str, list[CrossSellItem]]:
    """Recommendations for every account, computed in chunks of accounts with sparse matrices;
    `offered` maps an account to the products its open deals include (never recommended).

    >>> out = cross_sell_all([Company(id="a", name="A"), Company(id="b", name="B")],
    ...     [Holding(company_id="a", product_id="x"), Holding(company_id="b", product_id="x"),
    ...      Holding(company_id="b", product_id="y")])
    >>> [i.product_id for i in out["a"]], out["b"]
    (['y'], [])
    """
    idx = index or OwnershipIndex.build(companies, holdings, names=names)
    result: dict[str, list[CrossSellItem]] = {}
    if not idx.product_ids:
        return {cid: [] for cid in idx.company_ids}
    n = len(idx.company_ids)
    for start in range(0, n, chunk):
        rows = np.arange(start, min(start + chunk, n))
        similar, together, adoption = _scores(idx, rows, config)
        chunk_items = _chunk_items(idx, rows, similar, together, adoption, config, names, offered)
        for row, items in zip(rows.tolist(), chunk_items, strict=True):
            result[idx.company_ids[row]] = items
    return result


def offered_by_open_deals(account: AccountGraph) -> set[str]:
    """The products that the account's open deals include: already being sold, so not a lead.

    >>> from graph.model import Deal, DealProduct
    >>> acc = AccountGraph(company=Company(id="a", name="A"),
    ...     deals=[Deal(id="d", company_id="a", status="open"), Deal(id="w", company_id="a", status="won")],
    ...     deal_products=[DealProduct(deal_id="d", product_id="x"),
    ...                    DealProduct(deal_id="w", product_id="y")])
    >>> sorted(offered_by_open_deals(acc))
    ['x']
    """
    open_deals = {d.id for d in account.deals if d.status in (None, DealStatus.OPEN)}
    return {dp.product_id for dp in account.deal_products if dp.deal_id in open_deals}
