"""A small hand-built world whose every count is worked out below, for the store contract."""

from __future__ import annotations

from graph.model import (
    CommitteeRole,
    Company,
    Deal,
    DealProduct,
    Employment,
    Holding,
    Knows,
    Person,
    Product,
    Record,
    Rep,
    Reporting,
    Touch,
)

Batches = list[tuple[str, list[Record]]]


def world() -> Batches:
    """Two accounts (a parent and its Chinese subsidiary), one rep team, one open deal."""
    return [
        (
            "companies",
            [
                Company(
                    id="c-acme",
                    name="Acme Holdings Inc.",
                    domain="acme.com",
                    industry="Manufacturing",
                    employees=5000,
                    region="US",
                    status="customer",
                ),
                Company(
                    id="c-acme-cn",
                    name="艾克美（中国）有限公司",
                    domain="acme.cn",
                    industry="Manufacturing",
                    employees=800,
                    region="CN",
                    status="prospect",
                    parent_id="c-acme",
                ),
                Company(
                    id="c-globex",
                    name="Globex GmbH",
                    domain="globex.de",
                    industry="Retail",
                    employees=120,
                    region="DE",
                    status="prospect",
                ),
            ],
        ),
        (
            "people",
            [
                Person(
                    id="p-ceo",
                    name="Wang Wei",
                    email="wang.wei@acme.cn",
                    company_id="c-acme-cn",
                    title="总经理",
                    seniority="c_level",
                    function="executive",
                    seniority_source="crm",
                ),
                Person(
                    id="p-cfo",
                    name="Li Na",
                    email="li.na@acme.cn",
                    company_id="c-acme-cn",
                    title="财务总监",
                    reports_to_id="p-ceo",
                ),
                Person(
                    id="p-it",
                    name="Zhang San",
                    email="zhang.san@acme.cn",
                    company_id="c-acme-cn",
                    title="信息中心主任",
                    reports_to_id="p-ceo",
                ),
                Person(
                    id="p-eng",
                    name="Chen Jie",
                    email="chen.jie@acme.cn",
                    company_id="c-acme-cn",
                    title="IT工程师",
                    reports_to_id="p-it",
                ),
                Person(
                    id="p-left",
                    name="Zhao Lei",
                    email="zhao.lei@qq.com",
                    company_id="c-globex",
                    title="Procurement Manager",
                ),
                Person(id="p-us", name="Jane Doe", email="jane@acme.com", company_id="c-acme", title="VP IT"),
            ],
        ),
        (
            "reps",
            [
                Rep(id="r-1", name="Ada Rep", email="ada@seller.io", team="APAC", kind="sales"),
                Rep(id="r-2", name="Bo Presales", kind="presales"),
            ],
        ),
        (
            "products",
            [
                Product(id="prod-a", name="Analytics", family="Core"),
                Product(id="prod-b", name="Billing", family="Finance"),
            ],
        ),
        (
            "deals",
            [
                Deal(
                    id="d-1",
                    company_id="c-acme-cn",
                    name="ERP rollout",
                    stage="Proposal",
                    status="open",
                    amount=120000,
                    currency="CNY",
                    created_at="2026-01-10",
                    owner_rep_id="r-1",
                )
            ],
        ),
        ("deal_products", [DealProduct(deal_id="d-1", product_id="prod-b", quantity=10, amount=120000)]),
        (
            "holdings",
            [
                Holding(
                    company_id="c-acme-cn", product_id="prod-a", since="2024-05-01", seats=40, status="active"
                ),
                Holding(company_id="c-acme", product_id="prod-a", seats=400),
                Holding(company_id="c-acme", product_id="prod-b", seats=200),
            ],
        ),
        (
            "committee",
            [
                CommitteeRole(deal_id="d-1", person_id="p-cfo", role="economic_buyer", source="crm"),
                CommitteeRole(deal_id="d-1", person_id="p-it", role="champion", source="crm"),
                CommitteeRole(
                    deal_id="d-1",
                    person_id="p-it",
                    role="technical_evaluator",
                    source="presales",
                    confidence=0.8,
                ),
                CommitteeRole(deal_id="d-1", person_id="p-left", role="procurement", source="crm"),
            ],
        ),
        (
            "touches",
            [
                Touch(
                    id="t-1",
                    at="2026-05-01T09:00:00",
                    kind="meeting",
                    person_ids="p-cfo;p-it",
                    rep_id="r-1",
                    deal_id="d-1",
                    direction="outbound",
                    duration_s=3600,
                ),
                Touch(
                    id="t-2",
                    at="2026-05-03T10:00:00+08:00",
                    kind="email",
                    person_ids=["p-it"],
                    rep_id="r-2",
                    direction="inbound",
                ),
                Touch(id="t-3", at="2026-05-04T10:00:00", kind="web_visit", person_ids=["p-eng"]),
                Touch(id="t-4", at="2026-05-05T10:00:00", kind="call", person_ids=["p-us"], rep_id="r-1"),
            ],
        ),
        (
            "knows",
            [
                Knows(person_id="p-it", other_id="p-eng", strength=0.9, source="enrichment"),
                Knows(person_id="p-cfo", other_id="p-us", strength=0.3),
            ],
        ),
        (
            "reporting",
            [
                Reporting(
                    person_id="p-eng", manager_id="p-cfo", kind="dotted", source="sales", since="2025-01-01"
                )
            ],
        ),
        (
            "employment",
            [
                Employment(
                    person_id="p-left",
                    company_id="c-acme-cn",
                    title="采购经理",
                    since="2020-01-01",
                    until="2025-12-31",
                )
            ],
        ),
    ]


#: Worked out by hand from `world()`.
EXPECTED_NODES = {"Company": 3, "Person": 6, "Rep": 2, "Deal": 1, "Product": 2, "Touch": 4, "Industry": 2}
EXPECTED_RELATIONSHIPS = {
    "WORKS_AT": 7,  # six people's current jobs + p-left's former job at c-acme-cn
    "REPORTS_TO": 4,  # cfo, it -> ceo; eng -> it (solid); eng -> cfo (dotted)
    "KNOWS": 2,
    "SUBSIDIARY_OF": 1,
    "IN_INDUSTRY": 3,
    "FOR": 1,
    "OWNED_BY": 1,
    "INCLUDES": 1,
    "OWNS": 3,
    "IN_COMMITTEE": 4,
    "BY": 3,
    "WITH": 5,
    "ABOUT": 1,
}
