"""Accuracy of the title classifier against labelled titles, next to a naive same-run baseline.

Run from the repository root::

    python -m bench.title_accuracy

Two sets are measured:

- ``tests/data/titles_labelled.csv``: the labelled set the rules were developed against. Its figures
  are *in-sample* and therefore optimistic.
- ``HOLDOUT`` below: titles labelled after the rules were written and never used to tune them. This is
  the more honest estimate; keep it out of rule development (add to the CSV instead and write new
  held-out titles when the rules change).

The baseline is what a quick first attempt would do: English keyword rules only (chief/CxO, VP,
director, head, manager, else individual; function by a handful of English words).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # also runnable as a plain script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.model import Function, Seniority  # noqa: E402
from ingest.titles import classify_title, title_language  # noqa: E402

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "titles_labelled.csv"

#: Labelled once, before the classifier was run on them; not used to tune any rule.
HOLDOUT = """title,seniority,function
Chief Executive,c_level,executive
Founder & Chief Product Officer,c_level,product
Co-Owner,c_level,executive
Executive Chairman,c_level,executive
Managing Director & CEO,c_level,executive
Chief Executive Officer & Co-Founder,c_level,executive
CFO & COO,c_level,finance
SVP Global Procurement,vp,procurement
Group Vice President Finance,vp,finance
VP IT Infrastructure & Operations,vp,it
Vice President of Information Security,vp,it
"Vice President and General Manager, Asia",vp,executive
Assistant General Counsel,director,legal
Senior Director Procurement Operations,director,procurement
Director of Strategic Sourcing,director,procurement
Director Talent Acquisition,director,hr
Director of Facilities,director,operations
"Director, IT Procurement",director,procurement
Purchasing Director,director,procurement
Head of Digital Transformation,director,it
Head of Data,director,it
Head of People,director,hr
Head of Supply Chain,director,operations
Deputy Head of IT,manager,it
Senior Manager IT Security,manager,it
IT Operations Manager,manager,it
Purchasing Supervisor,manager,procurement
Accounts Payable Manager,manager,finance
Payroll Manager,manager,hr
Regional Sales Manager,manager,sales
Marketing Operations Manager,manager,marketing
Customer Service Manager,manager,support
Production Manager,manager,operations
Engineering Team Lead,manager,engineering
Ops Lead,manager,operations
Assistant Purchasing Manager,individual,procurement
Frontend Developer,individual,engineering
Full Stack Developer,individual,engineering
Systems Engineer,individual,it
Network Administrator,individual,it
Desktop Support Technician,individual,it
Procurement Analyst,individual,procurement
Junior Buyer,individual,procurement
Cost Accountant,individual,finance
Tax Specialist,individual,finance
Credit Controller,individual,finance
Senior Accountant - Accounts Receivable,individual,finance
Marketing Coordinator,individual,marketing
Social Media Specialist,individual,marketing
Talent Acquisition Specialist,individual,hr
HR Generalist,individual,hr
Corporate Counsel,individual,legal
Customer Support Representative,individual,support
Technical Account Manager,individual,support
Sales Operations Analyst,individual,sales
Warehouse Associate,individual,operations
Quality Inspector,individual,operations
Supply Chain Analyst,individual,operations
Office Administrator,individual,other
Executive Secretary,individual,executive
董事兼总经理,c_level,executive
执行副总裁,vp,executive
集团首席财务官,c_level,finance
首席运营官兼副总裁,c_level,operations
副总经理（分管采购）,vp,procurement
分管财务副总,vp,finance
公司总经理,c_level,executive
区域总经理,vp,executive
营销副总经理,vp,sales
研发副总,vp,engineering
信息中心总监,director,it
首席技术专家,director,engineering
研发部副部长,manager,engineering
供应链管理部部长,director,operations
财务处副处长,manager,finance
生产厂长,director,operations
质量总监,director,operations
区域销售总监,director,sales
销售部部长,director,sales
客户成功总监,director,support
市场部总监,director,marketing
法务部部长,director,legal
合规总监,director,legal
高级产品总监,director,product
综合办公室主任,director,other
总经理办公室主任,director,executive
董事会办公室主任,director,executive
经营管理部部长,director,other
IT部经理,manager,it
信息部副经理,individual,it
信息化主管,manager,it
系统运维经理,manager,it
技术部主管,manager,engineering
采购部主管,manager,procurement
招标采购主管,manager,procurement
采购与物流经理,manager,procurement
资金主管,manager,finance
生产车间主任,manager,operations
仓储经理,manager,operations
设备科科长,manager,operations
售后服务部经理,manager,support
品牌推广经理,manager,marketing
人力资源部经理,manager,hr
招聘主管,manager,hr
产品部经理,manager,product
行政部经理,manager,other
信息技术部高级经理,manager,it
采购科副科长,individual,procurement
网络工程师,individual,it
软件测试工程师,individual,engineering
物资采购员,individual,procurement
财务部会计,individual,finance
财务总监助理,individual,finance
总账会计,individual,finance
销售内勤,individual,sales
渠道销售专员,individual,sales
客服代表,individual,support
人力资源专员,individual,hr
業務副總,vp,sales
財務長,c_level,finance
執行長,c_level,executive
技術長,c_level,engineering
資訊長,c_level,it
數位轉型處處長,director,it
IT Director 信息总监,director,it
Procurement Manager 采购经理,manager,procurement
CEO & 创始人,c_level,executive
PMO负责人,director,other
SAP项目经理,manager,it
GM 总经理,c_level,executive
KA经理,individual,sales
HR BP,individual,hr
"""


@dataclass(frozen=True)
class Labelled:
    title: str
    seniority: str
    function: str


Classifier = Callable[[str], tuple[str, str]]


def load(text: str) -> list[Labelled]:
    return [Labelled(r["title"], r["seniority"], r["function"]) for r in csv.DictReader(io.StringIO(text))]


def ours(title: str) -> tuple[str, str]:
    result = classify_title(title)
    return result.seniority.value, result.function.value


_BASELINE_FUNCTIONS = (
    ("finance", Function.FINANCE),
    ("cfo", Function.FINANCE),
    ("procurement", Function.PROCUREMENT),
    ("purchasing", Function.PROCUREMENT),
    ("it", Function.IT),
    ("cio", Function.IT),
    ("engineer", Function.ENGINEERING),
    ("cto", Function.ENGINEERING),
    ("operations", Function.OPERATIONS),
    ("sales", Function.SALES),
    ("marketing", Function.MARKETING),
    ("hr", Function.HR),
    ("legal", Function.LEGAL),
    ("product", Function.PRODUCT),
    ("support", Function.SUPPORT),
    ("ceo", Function.EXECUTIVE),
    ("president", Function.EXECUTIVE),
    ("founder", Function.EXECUTIVE),
)


def baseline(title: str) -> tuple[str, str]:
    """A naive first attempt: English keywords only, first match wins."""
    t = title.lower()
    words = set(re.findall(r"[a-z]+", t))
    if re.search(r"\bchief\b|\bc[a-z]o\b|\bfounder\b|\bpresident\b", t) and "vice" not in words:
        seniority = Seniority.C_LEVEL
    elif words & {"vp", "vice", "svp", "evp"}:
        seniority = Seniority.VP
    elif words & {"director", "head"}:
        seniority = Seniority.DIRECTOR
    elif words & {"manager", "lead", "supervisor"}:
        seniority = Seniority.MANAGER
    elif words:
        seniority = Seniority.INDIVIDUAL
    else:
        seniority = Seniority.UNKNOWN
    function = next((f for word, f in _BASELINE_FUNCTIONS if word in words), Function.OTHER)
    return seniority.value, function.value


def accuracy(rows: Sequence[Labelled], classify: Classifier) -> dict[str, tuple[int, float, float]]:
    """{group: (n, seniority accuracy, function accuracy)} for all, en and zh."""
    groups: dict[str, list[tuple[bool, bool]]] = {"all": [], "en": [], "zh": []}
    for row in rows:
        seniority, function = classify(row.title)
        outcome = (seniority == row.seniority, function == row.function)
        groups["all"].append(outcome)
        groups[title_language(row.title)].append(outcome)
    return {
        name: (len(v), sum(s for s, _ in v) / len(v), sum(f for _, f in v) / len(v))
        for name, v in groups.items()
        if v
    }


def confusions(rows: Sequence[Labelled], classify: Classifier, field: int) -> Counter[tuple[str, str]]:
    """(expected, got) pairs for one field (0 seniority, 1 function), wrong answers only."""
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        got = classify(row.title)[field]
        want = (row.seniority, row.function)[field]
        if got != want:
            counts[(want, got)] += 1
    return counts


def report(name: str, rows: Sequence[Labelled]) -> None:
    print(f"\n== {name} ({len(rows)} titles) ==")
    print(f"{'classifier':<10} {'group':<5} {'n':>4} {'seniority':>10} {'function':>9}")
    for label, classify in (("ours", ours), ("baseline", baseline)):
        for group, (n, s_acc, f_acc) in accuracy(rows, classify).items():
            print(f"{label:<10} {group:<5} {n:>4} {s_acc:>10.3f} {f_acc:>9.3f}")
    for field, field_name in ((0, "seniority"), (1, "function")):
        top = confusions(rows, ours, field).most_common(6)
        pairs = ", ".join(f"{want}->{got} x{count}" for (want, got), count in top) or "none"
        print(f"ours, most frequent {field_name} confusions (expected->got): {pairs}")
    misses = [row for row in rows if ours(row.title) != (row.seniority, row.function)]
    if misses:
        print("ours, misses:")
        for row in misses:
            got = classify_title(row.title)
            print(
                f"  {row.title!r}: expected {row.seniority}/{row.function}, "
                f"got {got.seniority.value}/{got.function.value} [{got.rule}]"
            )


def main() -> None:
    report(
        "labelled set (in-sample: the rules were developed against it)",
        load(LABELLED.read_text(encoding="utf-8")),
    )
    report("held-out set (labelled before running; never tuned on)", load(HOLDOUT))


if __name__ == "__main__":
    main()
