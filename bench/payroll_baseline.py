#!/usr/bin/env python3
"""Payroll baseline: every person's payroll total for one month, computed from Baton's CSV
bundle in two independent ways (DuckDB SQL, vectorised pandas), checked against Baton's own
totals to the kopeck, and timed.

    python3 bench/payroll_baseline.py --bundle DIR --period YYYY-MM --baton-json FILE \
        [--runs 5] [--engine-ms X] [--engines duckdb,pandas] [--raw-calls] [--show]

DIR is written by `baton export DIR --db URL`; FILE by
`baton payroll --period YYYY-MM --db URL --format json`. See bench/README.md.

What is computed is PRODUCT.md §4.1–4.4 as Baton implements it:
  crates/baton-app/src/payroll/{mod.rs,facts.rs}  (stretches, working days, targets, facts)
  crates/baton-comp/src/{metrics.rs,engine.rs,table.rs}  (metrics, components, rounding)
with the four shipped plans (plans/*.toml) hard-coded below (checked against the bundle's
plan_versions.csv at start).

Not timed (loading): reading the CSVs, typing the columns (dates, UTC instants, money as
integer kopecks), keeping only the month's calls summed per person and day (Baton's CallDay
facts; --raw-calls keeps the raw rows and sums them in the timed part), and dictionary-encoding
every id column to an integer (one sorted dictionary for both engines). Timed: everything else,
from the full tables to the fetched per-statement-part result, including the carry-forward
from earlier open periods.

Money is exact everywhere: amounts are integer kopecks, a percentage line is kept as an
integer in units of 1/D kopeck (D = the rate's and the coefficients' denominators), ratios
are compared by cross-multiplication, and each line is rounded half away from zero to
kopecks once (all lines are >= 0 after the percentage floor, so that is (2u + D) // 2D).
No float is ever used for money or for a band comparison.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from fractions import Fraction
from math import lcm

import duckdb
import numpy as np
import pandas as pd

csv.field_size_limit(sys.maxsize)

# --------------------------------------------------------------------------------------------
# The four shipped plans (plans/*.toml; the demo stores them as version 1 of each role).
# --------------------------------------------------------------------------------------------

F = Fraction


class Table:
    """A `step` table: the value of the highest point <= x; `below` under the first point."""

    def __init__(self, points, below=0):
        self.points = [(F(str(a)), F(str(v))) for a, v in points]
        self.below = F(str(below))
        self.den = lcm(*[v.denominator for _, v in self.points], self.below.denominator)

    def num(self, v: Fraction) -> int:
        """A table value as an integer numerator over self.den."""
        n = v * self.den
        assert n.denominator == 1
        return int(n)

    def lookup(self, x: Fraction) -> Fraction:
        if x < self.points[0][0]:
            return self.below
        return [v for a, v in self.points if x >= a][-1]


ATTAINMENT = Table([(0, "0.5"), ("0.7", "0.8"), ("1.0", "1.0"), ("1.2", "1.2")], below="0.5")
OVERDUE = Table([(0, "1.0"), ("0.05", "0.8"), ("0.15", "0.5")])  # no `below`: 0
CONVERSION = Table([(0, "0.8"), ("0.10", "1.0"), ("0.20", "1.2")], below="0.8")

ROLES = ["caller", "sales_manager", "client_manager", "universal_manager"]  # Role enum order
RANK = {r: i + 1 for i, r in enumerate(ROLES)}  # the first paid role of a day wins

# Ratios the plans read, each as (numerator column, denominator column) of the metrics row;
# x = num / den, and x = 0 when den is 0 or missing (a zero denominator, or a missing or zero
# target: Baton then warns "no target … pays 0" but reads the attainment as 0, so a multiplier
# takes its table's value at 0, e.g. 0.5, and a gate fails; reproduced as is).
RATIOS = {
    "lead_conversion": ("conv_won", "conv_total"),
    "overdue_share": ("overdue", "receivables"),
    # attainment(m) = (m_kop / 100) / target = m_kop * 10^4 / (target * 10^6)
    "attainment(new_client_collections)": ("ncc_e4", "t_ncc"),
    "attainment(portfolio_collections)": ("portfolio_e4", "t_portfolio"),
    "attainment(own_collections)": ("own_e4", "t_own"),
}
TARGETS = {  # target column -> metric name in targets.csv
    "t_ncc": "new_client_collections",
    "t_portfolio": "portfolio_collections",
    "t_own": "own_collections",
}

# Id columns, dictionary-encoded at load time (not timed) in both engines: one sorted dictionary
# of every id, so codes compare as the texts do; joins and groupings then hash integers.
ID_COLS = {
    "employees": ["id"], "role_assignments": ["employee_id"], "absences": ["employee_id"],
    "targets": ["employee_id"], "calls": ["actor_id"], "handoffs": ["id", "lead_id", "sender_id", "receiver_id"],
    "contracts": ["id", "company_id", "lead_id"], "leads": ["id", "owner_id", "seller_id"],
    "companies": ["id", "region_id", "client_manager_id"], "regions": ["id"],
    "invoices": ["id", "company_id"], "credit_notes": ["invoice_id"],
    "payments": ["id", "invoice_id", "company_id", "client_manager_id"],
}

PLANS = {
    "caller": {
        "base": 30000,
        "per_unit": [
            ("accepted_leads", "leads_accepted", [(0, 700), (12, 875)]),
            ("converted", "leads_converted90", [(0, 3000)]),  # leads_converted{within_days=90}
        ],
    },
    "sales_manager": {
        "base": 40000,
        "percent": {
            "id": "commission",
            "metric": "ncc",
            "rate": F(7, 100),
            "multipliers": [("lead_conversion", CONVERSION)],
            "gate": ("attainment(new_client_collections)", F("0.8")),
        },
        "bonus": ("new_clients", 5000, 50000),
    },
    "client_manager": {
        "base": 35000,
        "percent": {
            "id": "portfolio",
            "metric": "portfolio",
            "rate": F(3, 100),
            "multipliers": [
                ("attainment(portfolio_collections)", ATTAINMENT),
                ("overdue_share", OVERDUE),
            ],
            "gate": None,
        },
    },
    "universal_manager": {
        "base": 40000,
        "percent": {
            "id": "own",
            "metric": "own",
            "rate": F(5, 100),
            "multipliers": [
                ("attainment(own_collections)", ATTAINMENT),
                ("overdue_share", OVERDUE),
            ],
            "gate": None,
        },
        "bonus": ("development", 10000, 50000),
    },
}
WITHIN_DAYS = 90
BONUS_MIN_K = sorted({p["bonus"][2] * 100 for p in PLANS.values() if "bonus" in p})
assert len(BONUS_MIN_K) == 1, "one qualified_new_clients{min=…} metric is supported"
MIN_K = BONUS_MIN_K[0]


def percent_den(spec) -> int:
    """D: a percentage line's exact value is units / D kopecks."""
    d = spec["rate"].denominator
    for _, t in spec["multipliers"]:
        d *= t.den
    return d


# Every line column of the wide result: (column, role, component id).
LINE_COLS = []
for _role, _p in PLANS.items():
    LINE_COLS.append((f"l_{_role}_base", _role, "base"))
    for _cid, _m, _t in _p.get("per_unit", []):
        LINE_COLS.append((f"l_{_cid}", _role, _cid))
    if "percent" in _p:
        LINE_COLS.append((f"l_{_p['percent']['id']}", _role, _p["percent"]["id"]))
    if "bonus" in _p:
        LINE_COLS.append((f"l_{_p['bonus'][0]}", _role, _p["bonus"][0]))
PERCENT = {r: p["percent"] for r, p in PLANS.items() if "percent" in p}

METRIC_COLS = [
    "calls", "dm_conversations", "leads_accepted", "leads_converted90", "ncc", "portfolio",
    "own", "conv_won", "conv_total", "receivables", "overdue", "qualified",
    "t_ncc", "t_portfolio", "t_own",
]

# --------------------------------------------------------------------------------------------
# Periods, calendar, configuration
# --------------------------------------------------------------------------------------------


def bounds(period: str):
    y, m = map(int, period.split("-"))
    start = dt.date(y, m, 1)
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def months_back(d: dt.date, n: int) -> dt.date:
    y, m = d.year, d.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, d.day)


def prev_period(period: str) -> str:
    s, _ = bounds(period)
    p = s - dt.timedelta(days=1)
    return f"{p.year}-{p.month:02d}"


FIXED_HOLIDAYS = [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]


def read_config(bundle: str) -> dict:
    cfg = {"timezone": "Europe/Moscow", "hunter_window_days": 90,
           "extra_holidays": [], "extra_workdays": []}
    path = os.path.join(bundle, "settings.csv")
    if os.path.exists(path):
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["id"] == "conveyor":
                    j = json.loads(row["value"])
                    cfg["timezone"] = j.get("timezone", cfg["timezone"])
                    cfg["hunter_window_days"] = int(j.get("hunter_window_days", 90))
                    cal = j.get("calendar") or {}
                    cfg["extra_holidays"] = sorted(cal.get("extra_holidays") or [])
                    cfg["extra_workdays"] = sorted(cal.get("extra_workdays") or [])
    return cfg


class Ctx:
    """Everything about one period the engines are given (plain values, no data)."""

    def __init__(self, period: str, cfg: dict):
        self.period = period
        self.start, self.end = bounds(period)
        self.tz = cfg["timezone"]
        self.hwd = cfg["hunter_window_days"]
        self.xh = cfg["extra_holidays"]
        self.xw = cfg["extra_workdays"]
        self.conv_from = months_back(self.start, 3)
        self.win_from = self.start - dt.timedelta(days=self.hwd)
        # facts.rs loads lead handoffs by UTC stamp with bounds one day wider; local dates decide.
        self.h_lo = self.start - dt.timedelta(days=1)
        self.c_lo = self.conv_from - dt.timedelta(days=1)
        self.h_hi = self.end + dt.timedelta(days=2)


# --------------------------------------------------------------------------------------------
# DuckDB
# --------------------------------------------------------------------------------------------


def _csv(bundle, name):
    path = os.path.join(bundle, f"{name}.csv").replace("'", "''")
    return (f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"', "
            f"escape='\"')")


def _kop(col):  # money columns are written as rubles with two decimals ("36000.00")
    return f"CAST(CAST({col} AS DECIMAL(18,2)) * 100 AS BIGINT)"


def duck_load(bundle: str, ctx: Ctx, raw_calls: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    r = lambda n: _csv(bundle, n)  # noqa: E731
    stmts = [
        f"CREATE TABLE employees AS SELECT id, login FROM {r('employees')}",
        f"""CREATE TABLE role_assignments AS SELECT employee_id, role,
              CAST(valid_from AS DATE) AS valid_from, CAST(valid_to AS DATE) AS valid_to
            FROM {r('role_assignments')}""",
        f"""CREATE TABLE absences AS SELECT employee_id, CAST(from_date AS DATE) AS from_date,
              CAST(to_date AS DATE) AS to_date FROM {r('absences')}""",
        # A target is a decimal text; kept as target * 10^6 (exact for up to six decimals).
        f"""CREATE TABLE targets AS SELECT employee_id, period, metric,
              CAST(TRY_CAST(trim(value) AS DECIMAL(38,6)) * 1000000 AS HUGEINT) AS t_e6
            FROM {r('targets')}""",
        # Only the month's calls (activities can be millions of rows): summed per person and
        # day as Baton's facts loader hands them to its engine, or raw with --raw-calls.
        (f"""CREATE TABLE calls AS SELECT actor_id, CAST(local_date AS DATE) AS local_date, outcome
            FROM {r('activities')} WHERE kind = 'call'
              AND local_date >= '{ctx.start}' AND local_date <= '{ctx.end}'""" if raw_calls else
         f"""CREATE TABLE calls AS SELECT actor_id, CAST(local_date AS DATE) AS local_date,
              count(*) AS calls, count(*) FILTER (WHERE outcome LIKE 'dm_%') AS dm
            FROM {r('activities')} WHERE kind = 'call'
              AND local_date >= '{ctx.start}' AND local_date <= '{ctx.end}' GROUP BY ALL"""),
        f"""CREATE TABLE handoffs AS SELECT id, kind, lead_id, sender_id, receiver_id, status,
              CAST(created_at AS TIMESTAMPTZ) AS created_at,
              CAST(decided_at AS TIMESTAMPTZ) AS decided_at
            FROM {r('handoffs')}""",
        f"""CREATE TABLE contracts AS SELECT id, company_id, lead_id, win_kind,
              CAST(won_on AS DATE) AS won_on FROM {r('contracts')}""",
        f"CREATE TABLE leads AS SELECT id, owner_id, seller_id FROM {r('leads')}",
        f"CREATE TABLE companies AS SELECT id, region_id, client_manager_id FROM {r('companies')}",
        f"CREATE TABLE regions AS SELECT id, code FROM {r('regions')}",
        f"""CREATE TABLE invoices AS SELECT id, company_id, CAST(issued_on AS DATE) AS issued_on,
              CAST(due_on AS DATE) AS due_on, {_kop('amount')} AS amount FROM {r('invoices')}""",
        f"""CREATE TABLE credit_notes AS SELECT invoice_id, CAST(issued_on AS DATE) AS issued_on,
              {_kop('amount')} AS amount FROM {r('credit_notes')}""",
        f"""CREATE TABLE payments AS SELECT id, invoice_id, company_id, CAST(paid_on AS DATE) AS paid_on,
              {_kop('amount')} AS amount, client_manager_id FROM {r('payments')}""",
    ]
    for s in stmts:
        con.execute(s)
    union = " UNION ".join(f"SELECT {c} AS v FROM {t}" for t, cols in ID_COLS.items() for c in cols)
    con.execute(f"""CREATE TABLE ids AS SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS BIGINT) AS code
                    FROM ({union}) WHERE v IS NOT NULL""")
    for t, cols in ID_COLS.items():
        repl = ", ".join(f"i{k}.code AS {c}" for k, c in enumerate(cols))
        joins = " ".join(f"LEFT JOIN ids i{k} ON i{k}.v = t.{c}" for k, c in enumerate(cols))
        con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT t.* REPLACE ({repl}) FROM {t} t {joins}")
    return con


def _sql_cmp(num, den, at: Fraction):
    """x >= at for x = num / den, den != 0 (exact: cross-multiplied, sign of den folded in)."""
    return (f"CAST({num} AS HUGEINT) * {at.denominator} * sign({den}) "
            f">= CAST({at.numerator} AS HUGEINT) * abs({den})")


def _sql_step(t: Table, ratio: str):
    num, den = RATIOS[ratio]
    whens = " ".join(f"WHEN {_sql_cmp(num, den, a)} THEN {t.num(v)}" for a, v in reversed(t.points))
    return (f"(CASE WHEN coalesce({den}, 0) = 0 THEN {t.num(t.lookup(F(0)))} {whens} "
            f"ELSE {t.num(t.below)} END)")


def _sql_ge(ratio: str, at: Fraction):
    num, den = RATIOS[ratio]
    static = "TRUE" if F(0) >= at else "FALSE"
    return f"(CASE WHEN coalesce({den}, 0) = 0 THEN {static} ELSE {_sql_cmp(num, den, at)} END)"


def _sql_tiers(n, tiers):
    parts = []
    for i, (frm, rate) in enumerate(tiers):
        rk = F(rate) * 100
        assert rk.denominator == 1
        upper = f"least({n}, {tiers[i + 1][0]})" if i + 1 < len(tiers) else n
        parts.append(f"{int(rk)} * greatest({upper} - {frm}, 0)")
    return " + ".join(parts)


def duck_sql(ctx: Ctx, raw_calls: bool = False) -> str:
    d = lambda x: f"DATE '{x}'"  # noqa: E731
    S, E = d(ctx.start), d(ctx.end)
    ts = lambda x: f"TIMESTAMPTZ '{x} 00:00:00+00'"  # noqa: E731
    dl = lambda xs: ("[" + ", ".join(d(x) for x in xs) + "]::DATE[]") if xs else "[]::DATE[]"  # noqa: E731
    fixed = " OR ".join(f"(month(d) = {m} AND day(d) = {dd})" for m, dd in FIXED_HOLIDAYS)
    tz = ctx.tz.replace("'", "''")
    hwd = ctx.hwd
    rank_case = "CASE role " + " ".join(f"WHEN '{r}' THEN {k}" for r, k in RANK.items()) + " END"

    # Per-role line expressions over the metrics row `m`.
    base_cases, unit_cols, line_cols = [], [], []
    for role, p in PLANS.items():
        k = RANK[role]
        bk = p["base"] * 100
        line_cols.append(
            f"CASE WHEN rank = {k} THEN CASE WHEN days_total > 0 AND days_worked <> days_total "
            f"THEN (2 * {bk} * days_worked + days_total) // (2 * days_total) ELSE {bk} END END "
            f"AS l_{role}_base")
        for cid, metric, tiers in p.get("per_unit", []):
            line_cols.append(f"CASE WHEN rank = {k} THEN {_sql_tiers(metric, tiers)} END AS l_{cid}")
        if "bonus" in p:
            cid, amount, _ = p["bonus"]
            line_cols.append(f"CASE WHEN rank = {k} THEN {amount * 100} * qualified END AS l_{cid}")
        if "percent" in p:
            sp = p["percent"]
            rate = sp["rate"]
            u = f"CAST({sp['metric']} AS HUGEINT) * {rate.numerator}"
            for ratio, t in sp["multipliers"]:
                u += f" * {_sql_step(t, ratio)}"
            if sp["gate"]:
                u = f"CASE WHEN {_sql_ge(*sp['gate'])} THEN {u} ELSE 0 END"
            cid = sp["id"]
            # carry_in is in the same units (1/D kopeck); the line never goes below zero.
            unit_cols.append(
                f"CASE WHEN rank = {k} THEN ({u}) + coalesce(carry_{cid}, 0) END AS u_{cid}")
            D = percent_den(sp)
            line_cols.append(f"(2 * greatest(u_{cid}, 0) + {D}) // {2 * D} AS l_{cid}")
            line_cols.append(f"CASE WHEN u_{cid} < 0 THEN u_{cid} END AS co_{cid}")
    carry_joins = " ".join(
        f"LEFT JOIN carry_in c_{sp['id']} ON c_{sp['id']}.person = s.person "
        f"AND c_{sp['id']}.role = '{role}' AND c_{sp['id']}.component = '{sp['id']}'"
        for role, sp in PERCENT.items())
    carry_cols = ", ".join(f"c_{sp['id']}.units AS carry_{sp['id']}" for sp in PERCENT.values())
    total = " + ".join(f"coalesce({c}, 0)" for c, _, _ in LINE_COLS)
    role_name = "CASE rank " + " ".join(f"WHEN {k} THEN '{r}'" for r, k in RANK.items()) + " END"
    # calls per person and day (Baton's CallDay facts): loaded so, or summed here from raw rows
    calls_cte = ("call_days AS (SELECT actor_id, local_date, count(*) AS calls, "
                 "count(*) FILTER (WHERE outcome LIKE 'dm_%') AS dm FROM calls "
                 f"WHERE local_date BETWEEN {S} AND {E} GROUP BY actor_id, local_date),"
                 if raw_calls else "call_days AS (SELECT * FROM calls),")

    return f"""
WITH
days AS (SELECT CAST(t.d AS DATE) AS d
         FROM generate_series(CAST({S} AS TIMESTAMP), CAST({E} AS TIMESTAMP), INTERVAL 1 DAY) t(d)),
cal AS (SELECT d, CASE WHEN list_contains({dl(ctx.xw)}, d) THEN 1
                       WHEN list_contains({dl(ctx.xh)}, d) OR {fixed} THEN 0
                       WHEN isodow(d) >= 6 THEN 0 ELSE 1 END AS work FROM days),
days_total AS (SELECT CAST(sum(work) AS BIGINT) AS n FROM cal),
cum AS (SELECT d, work, sum(work) OVER (ORDER BY d) AS cw FROM cal),
-- paid role assignments as day intervals [f, t) inside the period (valid_to is exclusive)
ra AS (SELECT * FROM (
         SELECT employee_id AS person, {rank_case} AS rank, greatest(valid_from, {S}) AS f,
                least(coalesce(valid_to, {d(ctx.end + dt.timedelta(days=1))}), {d(ctx.end + dt.timedelta(days=1))}) AS t
         FROM role_assignments SEMI JOIN employees ON employees.id = role_assignments.employee_id
         WHERE role IN ({", ".join(f"'{r}'" for r in ROLES)})
           AND valid_from <= {E} AND (valid_to IS NULL OR valid_to >= {S})) WHERE f < t),
-- between two consecutive boundaries the assignments held do not change: the paid role of a
-- segment is the first held, in role order
bounds AS (SELECT person, f AS b FROM ra UNION SELECT person, t FROM ra),
seg AS (SELECT person, b AS seg_from, lead(b) OVER (PARTITION BY person ORDER BY b) AS seg_end FROM bounds),
seg_role AS (SELECT s.person, s.seg_from, s.seg_end, min(ra.rank) AS rank
             FROM seg s JOIN ra ON ra.person = s.person AND ra.f <= s.seg_from AND s.seg_from < ra.t
             GROUP BY ALL),
runs AS (SELECT person, seg_from, seg_end, rank, sum(brk) OVER (PARTITION BY person ORDER BY seg_from) AS grp
         FROM (SELECT *, CASE WHEN lag(rank) OVER w = rank AND lag(seg_end) OVER w = seg_from THEN 0 ELSE 1 END AS brk
               FROM seg_role WINDOW w AS (PARTITION BY person ORDER BY seg_from))),
-- one stretch per run of consecutive days in one role: one statement part
st0 AS (SELECT person, any_value(rank) AS rank, min(seg_from) AS s_from,
               CAST(max(seg_end) - 1 AS DATE) AS s_to FROM runs GROUP BY person, grp),
absent AS (SELECT DISTINCT a.employee_id AS person, days.d
           FROM absences a JOIN days ON days.d BETWEEN a.from_date AND a.to_date),
absent_days AS (SELECT s.person, s.s_from, count(*) AS n
                FROM st0 s JOIN absent a ON a.person = s.person AND a.d BETWEEN s.s_from AND s.s_to
                JOIN cal c ON c.d = a.d AND c.work = 1 GROUP BY ALL),
stretch AS (SELECT row_number() OVER (ORDER BY s.person, s.s_from) AS sid, s.person, s.rank, s.s_from, s.s_to,
                   ct.cw - cf.cw + cf.work - coalesce(ab.n, 0) AS days_worked
            FROM st0 s JOIN cum cf ON cf.d = s.s_from JOIN cum ct ON ct.d = s.s_to
            LEFT JOIN absent_days ab ON ab.person = s.person AND ab.s_from = s.s_from),
{calls_cte}
m_calls AS (SELECT s.sid, sum(a.calls) AS calls, sum(a.dm) AS dm
            FROM call_days a JOIN stretch s ON s.person = a.actor_id AND a.local_date BETWEEN s.s_from AND s.s_to
            WHERE a.local_date BETWEEN {S} AND {E} GROUP BY s.sid),
h AS (SELECT id, lead_id, sender_id, receiver_id, status,
             CAST(timezone('{tz}', created_at) AS DATE) AS created_on,
             CAST(timezone('{tz}', decided_at) AS DATE) AS decided_on
      FROM handoffs
      WHERE kind = 'lead' AND ((created_at >= {ts(ctx.h_lo)} AND created_at < {ts(ctx.h_hi)})
                               OR (decided_at >= {ts(ctx.c_lo)} AND decided_at < {ts(ctx.h_hi)}))),
m_accepted AS (SELECT s.sid, count(*) AS n
               FROM h JOIN stretch s ON s.person = h.sender_id AND h.decided_on BETWEEN s.s_from AND s.s_to
               WHERE h.status = 'accepted' AND h.decided_on BETWEEN {S} AND {E} GROUP BY s.sid),
lead_won AS (SELECT lead_id, min(won_on) AS won_on FROM contracts
             WHERE won_on <= {E} AND lead_id IS NOT NULL GROUP BY lead_id),
-- lead_conversion: handoffs accepted in the three months before P, on the stretch holding P's end
m_conv AS (SELECT s.sid, count(*) AS conv_total, count(lw.won_on) AS conv_won
           FROM h JOIN stretch s ON s.person = h.receiver_id AND {E} BETWEEN s.s_from AND s.s_to
           LEFT JOIN lead_won lw ON lw.lead_id = h.lead_id
           WHERE h.status = 'accepted' AND h.decided_on >= {d(ctx.conv_from)} AND h.decided_on < {S}
           GROUP BY s.sid),
-- wins whose hunter window reaches into the period
w0 AS (SELECT c.id AS contract_id, c.company_id, c.lead_id, c.won_on,
              c.win_kind IS DISTINCT FROM 'reactivation' AS new_client,
              coalesce(l.seller_id, l.owner_id) AS seller
       FROM contracts c JOIN leads l ON l.id = c.lead_id JOIN companies co ON co.id = c.company_id
       WHERE c.won_on >= {d(ctx.win_from)} AND c.won_on <= {E}),
last_acc AS (SELECT hh.lead_id, arg_max(hh.sender_id, hh.decided_at) AS caller,
                    max(hh.decided_at) AS decided_at
             FROM handoffs hh SEMI JOIN w0 ON w0.lead_id = hh.lead_id
             WHERE hh.kind = 'lead' AND hh.status = 'accepted' GROUP BY hh.lead_id),
w_before AS (SELECT w0.contract_id, sum(p.amount) AS amount
             FROM w0 JOIN payments p ON p.company_id = w0.company_id
              AND p.paid_on >= w0.won_on AND p.paid_on < {S} GROUP BY w0.contract_id),
wins AS (SELECT w0.*, la.caller, CAST(timezone('{tz}', la.decided_at) AS DATE) AS accepted_on,
                coalesce(wb.amount, 0) AS before
         FROM w0 LEFT JOIN last_acc la ON la.lead_id = w0.lead_id
         LEFT JOIN w_before wb ON wb.contract_id = w0.contract_id),
m_converted AS (SELECT s.sid, count(*) AS n
                FROM wins w JOIN stretch s ON s.person = w.caller AND w.won_on BETWEEN s.s_from AND s.s_to
                WHERE w.won_on >= {S} AND date_diff('day', w.accepted_on, w.won_on) <= {WITHIN_DAYS}
                GROUP BY s.sid),
-- the period's payments
pp AS (SELECT p.id, p.company_id, p.invoice_id, p.paid_on, p.amount, p.client_manager_id AS cm,
              i.due_on < p.paid_on AS overdue
       FROM payments p JOIN invoices i ON i.id = p.invoice_id
       JOIN companies co ON co.id = p.company_id JOIN regions r ON r.id = co.region_id
       WHERE p.paid_on BETWEEN {S} AND {E}),
-- the hunter window a payment falls in (the latest win of its company that covers it)
pw AS (SELECT pp.id, w.seller, w.new_client
       FROM pp JOIN wins w ON w.company_id = pp.company_id
        AND pp.paid_on BETWEEN w.won_on AND w.won_on + {hwd}
       QUALIFY row_number() OVER (PARTITION BY pp.id ORDER BY w.won_on DESC, w.contract_id DESC) = 1),
pay AS (SELECT pp.*, pw.seller, coalesce(pw.new_client, FALSE) AS in_new_window,
               coalesce(pw.new_client AND pp.cm IS DISTINCT FROM pw.seller, FALSE) AS hunted_by_other
        FROM pp LEFT JOIN pw ON pw.id = pp.id),
m_ncc AS (SELECT s.sid, sum(pay.amount) AS ncc
          FROM pay JOIN stretch s ON s.person = pay.seller AND pay.paid_on BETWEEN s.s_from AND s.s_to
          WHERE pay.in_new_window GROUP BY s.sid),
m_cm AS (SELECT s.sid, sum(pay.amount) AS own,
                coalesce(sum(pay.amount) FILTER (WHERE NOT pay.hunted_by_other), 0) AS portfolio
         FROM pay JOIN stretch s ON s.person = pay.cm AND pay.paid_on BETWEEN s.s_from AND s.s_to
         GROUP BY s.sid),
-- receivables at the end of each stretch (holder: the company's client manager)
cn_before AS (SELECT invoice_id, sum(amount) AS amount FROM credit_notes WHERE issued_on < {S} GROUP BY 1),
pay_before AS (SELECT invoice_id, sum(amount) AS amount FROM payments WHERE paid_on < {S} GROUP BY 1),
moves AS (SELECT invoice_id, paid_on AS d, amount FROM pp
          UNION ALL SELECT invoice_id, issued_on, amount FROM credit_notes WHERE issued_on BETWEEN {S} AND {E}),
inv_before AS (SELECT i.id, i.company_id, i.issued_on, i.due_on,
                      i.amount - coalesce(cb.amount, 0) - coalesce(pb.amount, 0) AS open_before
               FROM invoices i LEFT JOIN cn_before cb ON cb.invoice_id = i.id
               LEFT JOIN pay_before pb ON pb.invoice_id = i.id WHERE i.issued_on <= {E}),
-- settled before the period and untouched in it: never open in it
open_inv AS (SELECT o.id, co.client_manager_id AS holder, o.issued_on, o.due_on, o.open_before
             FROM (SELECT * FROM inv_before
                   WHERE open_before > 0 OR id IN (SELECT invoice_id FROM moves)) o
             JOIN companies co ON co.id = o.company_id WHERE co.client_manager_id IS NOT NULL),
inv_open AS (SELECT s.sid, s.s_to, o.id, o.due_on,
                    greatest(o.open_before - coalesce(sum(mv.amount), 0), 0) AS open
             FROM open_inv o JOIN stretch s ON s.person = o.holder AND o.issued_on <= s.s_to
             LEFT JOIN moves mv ON mv.invoice_id = o.id AND mv.d <= s.s_to
             GROUP BY s.sid, s.s_to, o.id, o.due_on, o.open_before),
m_recv AS (SELECT sid, sum(open) AS receivables, coalesce(sum(open) FILTER (WHERE due_on < s_to), 0) AS overdue
           FROM inv_open GROUP BY sid),
-- qualified_new_clients{{min}}: new clients whose window collections crossed the minimum in
-- the period, reported by the stretch holding the client's relevant day
q AS (SELECT s.sid, w.contract_id, w.before, w.before + coalesce(sum(pp.amount), 0) AS upto
      FROM wins w
      JOIN stretch s ON s.person = w.seller
       AND greatest(least(w.won_on + {hwd}, {E}), {S}, w.won_on) BETWEEN s.s_from AND s.s_to
      LEFT JOIN pp ON pp.company_id = w.company_id
       AND pp.paid_on BETWEEN w.won_on AND least(w.won_on + {hwd}, s.s_to)
      WHERE w.new_client AND w.won_on + {hwd} >= {S}
      GROUP BY s.sid, w.contract_id, w.before),
m_qual AS (SELECT sid, count(*) AS n FROM q WHERE before < {MIN_K} AND upto >= {MIN_K} GROUP BY sid),
tg AS (SELECT employee_id AS person, metric, max(t_e6) AS t_e6 FROM targets
       WHERE period = '{ctx.period}' AND t_e6 IS NOT NULL AND t_e6 <> 0 GROUP BY ALL),
m AS (SELECT s.sid, s.person, s.rank, s.s_from, s.s_to, s.days_worked, dt.n AS days_total,
             coalesce(mc.calls, 0) AS calls, coalesce(mc.dm, 0) AS dm_conversations,
             coalesce(ma.n, 0) AS leads_accepted, coalesce(mv.n, 0) AS leads_converted90,
             coalesce(mn.ncc, 0) AS ncc, coalesce(mm.portfolio, 0) AS portfolio,
             coalesce(mm.own, 0) AS own, coalesce(mk.conv_won, 0) AS conv_won,
             coalesce(mk.conv_total, 0) AS conv_total, coalesce(mr.receivables, 0) AS receivables,
             coalesce(mr.overdue, 0) AS overdue, coalesce(mq.n, 0) AS qualified,
             t1.t_e6 AS t_ncc, t2.t_e6 AS t_portfolio, t3.t_e6 AS t_own,
             CAST(coalesce(mn.ncc, 0) AS HUGEINT) * 10000 AS ncc_e4,
             CAST(coalesce(mm.portfolio, 0) AS HUGEINT) * 10000 AS portfolio_e4,
             CAST(coalesce(mm.own, 0) AS HUGEINT) * 10000 AS own_e4,
             {carry_cols}
      FROM stretch s CROSS JOIN days_total dt
      LEFT JOIN m_calls mc ON mc.sid = s.sid LEFT JOIN m_accepted ma ON ma.sid = s.sid
      LEFT JOIN m_converted mv ON mv.sid = s.sid LEFT JOIN m_ncc mn ON mn.sid = s.sid
      LEFT JOIN m_cm mm ON mm.sid = s.sid LEFT JOIN m_conv mk ON mk.sid = s.sid
      LEFT JOIN m_recv mr ON mr.sid = s.sid LEFT JOIN m_qual mq ON mq.sid = s.sid
      LEFT JOIN tg t1 ON t1.person = s.person AND t1.metric = '{TARGETS["t_ncc"]}'
      LEFT JOIN tg t2 ON t2.person = s.person AND t2.metric = '{TARGETS["t_portfolio"]}'
      LEFT JOIN tg t3 ON t3.person = s.person AND t3.metric = '{TARGETS["t_own"]}'
      {carry_joins}),
u AS (SELECT m.*, {", ".join(unit_cols)} FROM m),
lines AS (SELECT u.*, {", ".join(line_cols)} FROM u)
SELECT sid, person, {role_name} AS role, s_from, s_to, days_worked, days_total,
       {", ".join(METRIC_COLS)},
       {", ".join(c for c, _, _ in LINE_COLS)},
       {", ".join(f"co_{sp['id']}" for sp in PERCENT.values())},
       {total} AS part_total,
       sum({total}) OVER (PARTITION BY person) AS person_total
FROM lines ORDER BY person, s_from
"""


class DuckEngine:
    name = "duckdb"

    def __init__(self, bundle, ctx, raw_calls=False):
        self.raw_calls = raw_calls
        self.con = duck_load(bundle, ctx, raw_calls)
        self.con.execute("CREATE TABLE carry_in (person BIGINT, role VARCHAR, component VARCHAR, units HUGEINT)")
        self.sql = {}
        self.text = dict(self.con.execute(
            "SELECT code, v FROM ids WHERE code IN (SELECT id FROM employees)").fetchall())
        self.code = {v: k for k, v in self.text.items()}

    def compute(self, ctx: Ctx, carry: dict):
        """Runs the period; returns (column names, rows)."""
        self.con.execute("DELETE FROM carry_in")
        if carry:
            self.con.executemany("INSERT INTO carry_in VALUES (?, ?, ?, ?)",
                                 [(self.code[p], r, c, int(u)) for (p, r, c), u in carry.items()
                                  if p in self.code])
        sql = self.sql.get(ctx.period) or self.sql.setdefault(ctx.period, duck_sql(ctx, self.raw_calls))
        cur = self.con.execute(sql)
        cols = [c[0] for c in cur.description]
        return cols, cur.fetchall()

    def rows(self, result):
        cols, rows = result
        out = [dict(zip(cols, r)) for r in rows]
        for r in out:
            r["person"] = self.text[r["person"]]
        return out


# --------------------------------------------------------------------------------------------
# pandas
# --------------------------------------------------------------------------------------------


def _pd_read(bundle, name, cols):
    return pd.read_csv(os.path.join(bundle, f"{name}.csv"), dtype=str, usecols=cols,
                       keep_default_na=False, na_values=[""])


def _pd_date(s):
    return pd.to_datetime(s, format="%Y-%m-%d")


def _pd_stamp(s):
    return pd.to_datetime(s, utc=True, format="ISO8601")


def _pd_kop(s):
    """Rubles with at most two decimals ('36000.00') -> int64 kopecks, exactly: a double holds
    such a value to within 1e-16 relative, so rint(x * 100) recovers the kopecks exactly below
    2^53 kopecks; every value is checked to be a whole number of kopecks."""
    x = pd.to_numeric(s, errors="raise").to_numpy(dtype="float64")
    k = np.rint(x * 100)
    if not (np.abs(k) < 2**53).all() or not (np.abs(x * 100 - k) < 1e-3).all():
        raise ValueError("a money value is not a whole number of kopecks (or too large)")
    return pd.Series(k.astype("int64"), index=s.index)


def _pd_target(v):
    try:
        d = Decimal(v.strip())
    except Exception:  # noqa: BLE001 - an unreadable target is no target (as in Baton)
        return None
    n = d * 1000000
    return int(n) if n == n.to_integral_value() and n != 0 else None


def _pd_call_days(calls):
    """Calls per person and day (`outcome LIKE 'dm_%'` counts a decision-maker conversation)."""
    outcomes = [o for o in calls.outcome.dropna().unique() if o.startswith("dm") and len(o) >= 3]
    return (calls.assign(dm=calls.outcome.isin(outcomes))
            .groupby(["actor_id", "local_date"], as_index=False, sort=False)
            .agg(calls=("dm", "size"), dm=("dm", "sum")))


def pd_load(bundle: str, ctx: Ctx, raw_calls: bool = False) -> dict:
    t = {}
    t["employees"] = _pd_read(bundle, "employees", ["id", "login"])
    ra = _pd_read(bundle, "role_assignments", ["employee_id", "role", "valid_from", "valid_to"])
    ra["valid_from"], ra["valid_to"] = _pd_date(ra.valid_from), _pd_date(ra.valid_to)
    t["role_assignments"] = ra
    ab = _pd_read(bundle, "absences", ["employee_id", "from_date", "to_date"])
    ab["from_date"], ab["to_date"] = _pd_date(ab.from_date), _pd_date(ab.to_date)
    t["absences"] = ab
    tg = _pd_read(bundle, "targets", ["employee_id", "period", "metric", "value"])
    tg["t_e6"] = pd.array([_pd_target(v) for v in tg["value"].fillna("")], dtype="Int64")
    t["targets"] = tg.drop(columns="value")
    chunks = []
    for ch in pd.read_csv(os.path.join(bundle, "activities.csv"), dtype=str,
                          usecols=["kind", "actor_id", "outcome", "local_date"],
                          keep_default_na=False, na_values=[""], chunksize=1_000_000):
        ch = ch[(ch.kind == "call") & (ch.local_date >= str(ctx.start)) & (ch.local_date <= str(ctx.end))]
        chunks.append(ch.drop(columns="kind"))
    calls = pd.concat(chunks, ignore_index=True)
    calls["local_date"] = _pd_date(calls.local_date)
    t["calls"] = calls if raw_calls else _pd_call_days(calls)
    h = _pd_read(bundle, "handoffs", ["id", "kind", "lead_id", "sender_id", "receiver_id",
                                      "status", "created_at", "decided_at"])
    h["created_at"], h["decided_at"] = _pd_stamp(h.created_at), _pd_stamp(h.decided_at)
    t["handoffs"] = h
    c = _pd_read(bundle, "contracts", ["id", "company_id", "lead_id", "win_kind", "won_on"])
    c["won_on"] = _pd_date(c.won_on)
    t["contracts"] = c
    t["leads"] = _pd_read(bundle, "leads", ["id", "owner_id", "seller_id"])
    t["companies"] = _pd_read(bundle, "companies", ["id", "region_id", "client_manager_id"])
    t["regions"] = _pd_read(bundle, "regions", ["id", "code"])
    i = _pd_read(bundle, "invoices", ["id", "company_id", "issued_on", "due_on", "amount"])
    i["issued_on"], i["due_on"], i["amount"] = _pd_date(i.issued_on), _pd_date(i.due_on), _pd_kop(i.amount)
    t["invoices"] = i
    cn = _pd_read(bundle, "credit_notes", ["invoice_id", "issued_on", "amount"])
    cn["issued_on"], cn["amount"] = _pd_date(cn.issued_on), _pd_kop(cn.amount)
    t["credit_notes"] = cn
    p = _pd_read(bundle, "payments", ["id", "invoice_id", "company_id", "paid_on", "amount",
                                      "client_manager_id"])
    p["paid_on"], p["amount"] = _pd_date(p.paid_on), _pd_kop(p.amount)
    t["payments"] = p
    cols = [(n, c) for n, cs in ID_COLS.items() for c in cs]
    codes, ids = pd.factorize(np.concatenate([t[n][c].to_numpy(dtype=object) for n, c in cols]),
                              sort=True)  # -1 for none
    at = 0
    for n, c in cols:
        k = len(t[n])
        t[n][c] = codes[at:at + k].astype("int64")
        at += k
    t["ids"] = pd.Index(ids)
    return t


def _np_ratio_ge(num, den, at: Fraction):
    """x >= at elementwise for x = num / den (x = 0 where den is 0/missing); int64, exact."""
    num = np.asarray(num, dtype=np.int64)
    den = np.asarray(den, dtype=np.int64)
    sgn = np.sign(den)
    lhs = num * at.denominator * sgn
    rhs = at.numerator * np.abs(den)
    return np.where(den == 0, F(0) >= at, lhs >= rhs)


def _np_step(t: Table, num, den):
    den = np.asarray(den, dtype=np.int64)
    out = np.full(len(den), t.num(t.below), dtype=np.int64)
    for a, v in t.points:  # ascending: the highest point reached wins
        out = np.where(_np_ratio_ge(num, den, a), t.num(v), out)
    return np.where(den == 0, t.num(t.lookup(F(0))), out)


class PandasEngine:
    name = "pandas"

    def __init__(self, bundle, ctx, raw_calls=False):
        self.raw_calls = raw_calls
        self.t = pd_load(bundle, ctx, raw_calls)
        self.ids = self.t["ids"]
        emp = self.t["employees"].id.to_numpy()
        self.code = dict(zip(self.ids[emp], emp))

    def compute(self, ctx: Ctx, carry: dict) -> pd.DataFrame:
        """Id columns hold integer codes here, -1 for none (see ID_COLS)."""
        t = self.t
        S, E = pd.Timestamp(ctx.start), pd.Timestamp(ctx.end)
        hwd = pd.Timedelta(days=ctx.hwd)
        tz = ctx.tz

        def local(stamps):
            return stamps.dt.tz_convert(tz).dt.tz_localize(None).dt.normalize()

        # Working days.
        days = pd.DataFrame({"d": pd.date_range(S, E, freq="D")})
        md = days.d.dt.month * 100 + days.d.dt.day
        fixed = md.isin([m * 100 + d for m, d in FIXED_HOLIDAYS])
        xw = days.d.isin(pd.to_datetime(ctx.xw)) if ctx.xw else pd.Series(False, index=days.index)
        xh = days.d.isin(pd.to_datetime(ctx.xh)) if ctx.xh else pd.Series(False, index=days.index)
        days["work"] = xw | (~(xh | fixed) & (days.d.dt.day_of_week < 5))
        days_total = int(days.work.sum())

        # Stretches: runs of consecutive days in the first paid role held that day. Between two
        # consecutive boundaries of the person's assignments ([f, t), valid_to is exclusive) the
        # roles held do not change, so the paid role is decided per segment.
        E1 = E + pd.Timedelta(days=1)
        ra = t["role_assignments"]
        ra = ra[ra.role.isin(ROLES) & (ra.valid_from <= E) & (ra.valid_to.isna() | (ra.valid_to >= S))
                & ra.employee_id.isin(t["employees"].id)]
        ra = pd.DataFrame({"person": ra.employee_id, "rank": ra.role.map(RANK),
                           "f": ra.valid_from.clip(lower=S), "t": ra.valid_to.fillna(E1).clip(upper=E1)})
        ra = ra[ra.f < ra.t]
        b = (pd.concat([ra[["person", "f"]].rename(columns={"f": "b"}), ra[["person", "t"]].rename(columns={"t": "b"})])
             .drop_duplicates().sort_values(["person", "b"]))
        b["seg_end"] = b.groupby("person").b.shift(-1)
        sr = b.dropna(subset=["seg_end"]).merge(ra, on="person")
        sr = sr[(sr.f <= sr.b) & (sr.b < sr.t)]
        sr = sr.groupby(["person", "b", "seg_end"], as_index=False, sort=True)["rank"].min()
        brk = ((sr.person != sr.person.shift()) | (sr["rank"] != sr["rank"].shift())
               | (sr.b != sr.seg_end.shift()))
        sr["grp"] = brk.cumsum()
        st = (sr.groupby("grp", sort=True)
              .agg(person=("person", "first"), rank=("rank", "first"), s_from=("b", "min"), s_end=("seg_end", "max"))
              .reset_index(drop=True))
        st["s_to"] = st.s_end - pd.Timedelta(days=1)
        st = st.drop(columns="s_end").sort_values(["person", "s_from"]).reset_index(drop=True)
        st["sid"] = np.arange(len(st))
        stk = st[["sid", "person", "s_from", "s_to"]]
        # working days held: cumulative working days, less the absent working days
        cw = pd.Series(days.work.cumsum().to_numpy(), index=days.d)
        wk = pd.Series(days.work.to_numpy(), index=days.d)
        st["days_worked"] = (cw.reindex(st.s_to).to_numpy() - cw.reindex(st.s_from).to_numpy()
                             + wk.reindex(st.s_from).to_numpy())
        ab = t["absences"]
        ab = ab[(ab.from_date <= E) & (ab.to_date >= S)]
        abx = ab.merge(days[days.work][["d"]], how="cross")
        abx = abx[(abx.from_date <= abx.d) & (abx.d <= abx.to_date)][["employee_id", "d"]].drop_duplicates()
        abx = abx.merge(stk, left_on="employee_id", right_on="person")
        abx = abx[(abx.d >= abx.s_from) & (abx.d <= abx.s_to)].groupby("sid").size()
        st["days_worked"] = (st.days_worked - st.sid.map(abx).fillna(0)).astype("int64")

        def attach(df, pcol, dcol):
            """The stretch of person `pcol` holding day `dcol` (inner)."""
            m = df.merge(stk, left_on=pcol, right_on="person", how="inner")
            return m[(m[dcol] >= m.s_from) & (m[dcol] <= m.s_to)]

        def per_sid(series, name):
            return series.rename(name)

        metrics = []

        # calls, dm_conversations
        cd = t["calls"]
        cd = cd[(cd.local_date >= S) & (cd.local_date <= E)]
        if self.raw_calls:
            cd = _pd_call_days(cd)
        g = attach(cd, "actor_id", "local_date").groupby("sid")
        metrics += [per_sid(g.calls.sum(), "calls"), per_sid(g.dm.sum(), "dm_conversations")]

        # Lead handoffs around the period, with local dates.
        lh = t["handoffs"]
        lh = lh[lh.kind == "lead"]
        lo1, lo2, hi = (pd.Timestamp(ctx.h_lo, tz="UTC"), pd.Timestamp(ctx.c_lo, tz="UTC"),
                        pd.Timestamp(ctx.h_hi, tz="UTC"))
        h = lh[((lh.created_at >= lo1) & (lh.created_at < hi)) | ((lh.decided_at >= lo2) & (lh.decided_at < hi))]
        h = h.assign(decided_on=local(h.decided_at))
        ha = h[h.status == "accepted"]
        sent = attach(ha[(ha.decided_on >= S) & (ha.decided_on <= E)], "sender_id", "decided_on")
        metrics.append(per_sid(sent.groupby("sid").size(), "leads_accepted"))
        C = t["contracts"]
        won = C[(C.won_on <= E) & (C.lead_id >= 0)].groupby("lead_id").won_on.min()
        hc = ha[(ha.decided_on >= pd.Timestamp(ctx.conv_from)) & (ha.decided_on < S)]
        hc = hc.assign(won=hc.lead_id.map(won).notna())
        at_end = stk[(stk.s_from <= E) & (stk.s_to >= E)]
        hc = hc.merge(at_end, left_on="receiver_id", right_on="person")
        g = hc.groupby("sid")
        metrics += [per_sid(g.size(), "conv_total"), per_sid(g.won.sum(), "conv_won")]

        # Wins whose hunter window reaches into the period.
        win_from = pd.Timestamp(ctx.win_from)
        w = C[(C.won_on >= win_from) & (C.won_on <= E)].rename(columns={"id": "contract_id"})
        w = w.merge(t["leads"].rename(columns={"id": "lead_id"}), on="lead_id")
        w = w[w.company_id.isin(t["companies"].id)]
        w = w.assign(seller=np.where(w.seller_id >= 0, w.seller_id, w.owner_id),
                     new_client=w.win_kind.ne("reactivation"))
        acc = lh[(lh.status == "accepted") & lh.decided_at.notna() & lh.lead_id.isin(w.lead_id)]
        acc = (acc[["lead_id", "sender_id", "decided_at"]].sort_values(["lead_id", "decided_at"])
               .drop_duplicates("lead_id", keep="last"))
        w = w.merge(acc.rename(columns={"sender_id": "caller"}), on="lead_id", how="left")
        w["caller"] = w.caller.fillna(-1).astype("int64")
        w["accepted_on"] = local(w.decided_at)
        P = t["payments"]
        pb = P[(P.paid_on < S) & (P.paid_on >= win_from)][["company_id", "paid_on", "amount"]]
        wb = w[["contract_id", "company_id", "won_on"]].merge(pb, on="company_id")
        wb = wb[wb.paid_on >= wb.won_on].groupby("contract_id").amount.sum()
        w["before"] = w.contract_id.map(wb).fillna(0).astype("int64")

        # leads_converted{within_days=90}
        wc = w[(w.won_on >= S) & (w.caller >= 0) & w.accepted_on.notna()]
        wc = wc[(wc.won_on - wc.accepted_on).dt.days <= WITHIN_DAYS]
        metrics.append(per_sid(attach(wc, "caller", "won_on").groupby("sid").size(), "leads_converted90"))

        # The period's payments and the hunter window each falls in.
        co = t["companies"]
        co_r = co[co.region_id.isin(t["regions"].id)][["id"]].rename(columns={"id": "company_id"})
        inv = t["invoices"]
        pp = P[(P.paid_on >= S) & (P.paid_on <= E)]
        pp = pp.merge(inv[["id", "due_on"]].rename(columns={"id": "invoice_id"}), on="invoice_id")
        pp = pp.merge(co_r, on="company_id")
        pw = pp[["id", "company_id", "paid_on"]].merge(
            w[["company_id", "contract_id", "won_on", "seller", "new_client"]], on="company_id")
        pw = pw[(pw.paid_on >= pw.won_on) & (pw.paid_on <= pw.won_on + hwd)]
        pw = pw.sort_values(["id", "won_on", "contract_id"]).drop_duplicates("id", keep="last")
        pp = pp.merge(pw[["id", "seller", "new_client"]], on="id", how="left")
        in_new = pp.new_client.fillna(False).astype(bool)
        seller = pp.seller.fillna(-1).astype("int64")
        hunted = in_new & ((pp.client_manager_id < 0) | (pp.client_manager_id != seller))
        pp = pp.assign(seller=seller, in_new=in_new, hunted=hunted)
        metrics.append(per_sid(attach(pp[pp.in_new], "seller", "paid_on").groupby("sid").amount.sum(), "ncc"))
        pc = attach(pp[pp.client_manager_id >= 0], "client_manager_id", "paid_on")
        metrics.append(per_sid(pc.groupby("sid").amount.sum(), "own"))
        metrics.append(per_sid(pc[~pc.hunted].groupby("sid").amount.sum(), "portfolio"))

        # Receivables at the end of each stretch.
        CN = t["credit_notes"]
        cnb = CN[CN.issued_on < S].groupby("invoice_id").amount.sum()
        payb = P[P.paid_on < S].groupby("invoice_id").amount.sum()
        moves = pd.concat([
            pp[["invoice_id", "paid_on", "amount"]].rename(columns={"paid_on": "d"}),
            CN[(CN.issued_on >= S) & (CN.issued_on <= E)][["invoice_id", "issued_on", "amount"]]
            .rename(columns={"issued_on": "d"}),
        ], ignore_index=True)
        iv = inv[inv.issued_on <= E].merge(
            co[["id", "client_manager_id"]].rename(columns={"id": "company_id", "client_manager_id": "holder"}),
            on="company_id")
        iv = iv[iv.holder >= 0]
        iv = iv.assign(open_before=iv.amount - iv.id.map(cnb).fillna(0).astype("int64")
                       - iv.id.map(payb).fillna(0).astype("int64"))
        iv = iv[(iv.open_before > 0) | iv.id.isin(moves.invoice_id)]
        ji = iv[["id", "holder", "issued_on", "due_on", "open_before"]].merge(
            stk, left_on="holder", right_on="person")
        ji = ji[ji.issued_on <= ji.s_to]
        jm = ji[["sid", "id", "s_to"]].merge(moves.rename(columns={"invoice_id": "id"}), on="id")
        moved = jm[jm.d <= jm.s_to].groupby(["sid", "id"]).amount.sum().rename("moved")
        ji = ji.merge(moved, left_on=["sid", "id"], right_index=True, how="left")
        ji["open"] = (ji.open_before - ji.moved.fillna(0).astype("int64")).clip(lower=0)
        ji["open_overdue"] = ji.open.where(ji.due_on < ji.s_to, 0)
        g = ji.groupby("sid")
        metrics += [per_sid(g.open.sum(), "receivables"), per_sid(g.open_overdue.sum(), "overdue")]

        # qualified_new_clients{min}
        wq = w[w.new_client & (w.won_on + hwd >= S)]
        wend = wq.won_on + hwd
        day = np.maximum(np.maximum(np.minimum(wend, E), S), wq.won_on)
        wq = attach(wq.assign(day=day, wend=wend), "seller", "day")
        wq = wq.assign(lim=np.minimum(wq.wend, wq.s_to))
        jp = wq[["sid", "contract_id", "company_id", "won_on", "lim"]].merge(
            pp[["company_id", "paid_on", "amount"]], on="company_id")
        add = jp[(jp.paid_on >= jp.won_on) & (jp.paid_on <= jp.lim)].groupby(["sid", "contract_id"]).amount.sum()
        wq = wq.merge(add.rename("add"), left_on=["sid", "contract_id"], right_index=True, how="left")
        upto = wq.before + wq["add"].fillna(0).astype("int64")
        crossed = wq[(wq.before < MIN_K) & (upto >= MIN_K)]
        metrics.append(per_sid(crossed.groupby("sid").size(), "qualified"))

        # Assemble the metrics row of each stretch.
        st = st.join(pd.concat(metrics, axis=1), on="sid")
        for c in ["calls", "dm_conversations", "leads_accepted", "leads_converted90", "ncc", "portfolio",
                  "own", "conv_won", "conv_total", "receivables", "overdue", "qualified"]:
            st[c] = st[c].fillna(0).astype("int64")
        st["days_total"] = days_total
        tg = t["targets"]
        tg = tg[(tg.period == ctx.period) & tg.t_e6.notna()].drop_duplicates(["employee_id", "metric"], keep="last")
        for col, metric in TARGETS.items():
            st[col] = st.person.map(tg[tg.metric == metric].set_index("employee_id").t_e6)
        for m in ["ncc", "portfolio", "own"]:
            st[f"{m}_e4"] = st[m] * 10000
        assert st[["ncc", "portfolio", "own"]].abs().max().max() < 10**12, "int64 headroom"

        # Lines.
        rank = st["rank"].to_numpy()
        dw, dtot = st.days_worked.to_numpy(np.int64), days_total
        total = np.zeros(len(st), dtype=np.int64)
        cols = {}
        for role, p in PLANS.items():
            mask = rank == RANK[role]
            bk = p["base"] * 100
            if dtot > 0:
                base = np.where(dw != dtot, (2 * bk * dw + dtot) // (2 * dtot), bk)
            else:
                base = np.full(len(st), bk, dtype=np.int64)
            cols[f"l_{role}_base"] = np.where(mask, base, 0), mask
            for cid, metric, tiers in p.get("per_unit", []):
                n = st[metric].to_numpy(np.int64)
                v = np.zeros(len(st), dtype=np.int64)
                for i, (frm, rate) in enumerate(tiers):
                    upper = np.minimum(n, tiers[i + 1][0]) if i + 1 < len(tiers) else n
                    v += int(F(rate) * 100) * np.maximum(upper - frm, 0)
                cols[f"l_{cid}"] = np.where(mask, v, 0), mask
            if "bonus" in p:
                cid, amount, _ = p["bonus"]
                cols[f"l_{cid}"] = np.where(mask, amount * 100 * st.qualified.to_numpy(np.int64), 0), mask
            if "percent" in p:
                sp = p["percent"]
                u = st[sp["metric"]].to_numpy(np.int64) * sp["rate"].numerator
                for ratio, tbl in sp["multipliers"]:
                    num, den = RATIOS[ratio]
                    u = u * _np_step(tbl, st[num].to_numpy(np.int64),
                                     st[den].fillna(0).to_numpy(np.int64))
                if sp["gate"]:
                    ratio, at = sp["gate"]
                    num, den = RATIOS[ratio]
                    ok = _np_ratio_ge(st[num].to_numpy(np.int64), st[den].fillna(0).to_numpy(np.int64), at)
                    u = np.where(ok, u, 0)
                cid = sp["id"]
                cin = np.zeros(len(st), dtype=np.int64)
                for (pr, r_, c_), units in carry.items():  # a few negative remainders
                    if r_ == role and c_ == cid and pr in self.code:
                        cin[(st.person == self.code[pr]).to_numpy() & mask] = units
                u = u + cin
                D = percent_den(sp)
                cols[f"l_{cid}"] = np.where(mask, (2 * np.maximum(u, 0) + D) // (2 * D), 0), mask
                neg = mask & (u < 0)
                st[f"co_{cid}"] = pd.Series(u, index=st.index, dtype="Int64").where(neg)
        for c, (v, mask) in cols.items():
            total += v
            st[c] = pd.Series(v, index=st.index, dtype="Int64").where(mask)
        st["part_total"] = total
        st["person_total"] = st.groupby("person").part_total.transform("sum")
        st["role"] = st["rank"].map({k: r for r, k in RANK.items()})
        return st

    def rows(self, result: pd.DataFrame):
        out = []
        for r in result.to_dict("records"):
            r = {k: (None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) else v)
                 for k, v in r.items()}
            r["person"] = self.ids[r["person"]]
            out.append(r)
        return out


# --------------------------------------------------------------------------------------------
# Are the bundle's plans the hard-coded ones? (plan_versions.csv, active versions)
# --------------------------------------------------------------------------------------------

METRIC_NAME = {"leads_accepted": "leads_accepted", "leads_converted90": "leads_converted{within_days=90}",
               "ncc": "new_client_collections", "portfolio": "portfolio_collections",
               "own": "own_collections"}


def _num(text) -> Fraction:
    """A plan number as baton-comp's number.rs reads it: «7%», «40 000», «0,5», «50000/600000»."""
    s = "".join(ch for ch in str(text) if not ch.isspace() and ch != "\xa0").replace(",", ".")
    acc, op, tok = None, "*", ""

    def flush(acc, op, tok):
        v = F(tok[:-1]) / 100 if tok.endswith("%") else F(tok)
        return v if acc is None else (acc * v if op == "*" else acc / v)

    for ch in s:
        if ch in "*/" and tok:
            acc, op, tok = flush(acc, op, tok), ch, ""
        else:
            tok += ch
    return flush(acc, op, tok)


def _canon_table(points, below, mode="step"):
    return (mode, tuple((F(a), F(v)) for a, v in points), F(below))


def canon_expected(role: str):
    p = PLANS[role]
    out = {"base": F(p["base"]), "extra": []}
    out["per_unit"] = sorted((cid, METRIC_NAME[m], tuple((F(a), F(r)) for a, r in tiers))
                             for cid, m, tiers in p.get("per_unit", []))
    if "percent" in p:
        sp = p["percent"]
        out["percent"] = (sp["id"], METRIC_NAME[sp["metric"]], ((F(0), sp["rate"]),),
                          tuple((m, _canon_table([(a, v) for a, v in t.points], t.below))
                                for m, t in sp["multipliers"]),
                          (sp["gate"][0], sp["gate"][1]) if sp["gate"] else None)
    if "bonus" in p:
        cid, amount, mn = p["bonus"]
        out["bonus"] = (cid, F(amount), F(mn))
    return out


def canon_toml(text: str):
    import tomllib
    raw = tomllib.loads(text)
    out = {"base": None, "extra": [], "per_unit": []}
    for k in raw:
        if k not in ("name", "role", "effective_from", "tables", "component", "metrics"):
            out["extra"].append(k)
    if raw.get("metrics"):
        out["extra"].append("metrics")
    tables = {n: _canon_table([(_num(x["at"]), _num(x["value"])) for x in t["points"]],
                              _num(t.get("below", "0")), t["mode"])
              for n, t in (raw.get("tables") or {}).items()}
    mods = []
    for c in raw.get("component", []):
        cid, kind = c["id"].strip(), c["kind"]
        if "cap" in c or "floor" in c:
            out["extra"].append(f"{cid}: cap/floor")
        tiers = None
        if "rate" in c:
            tiers = ((F(0), _num(c["rate"])),)
        elif "tiers" in c:
            tiers = tuple((_num(t["from"]), _num(t["rate"])) for t in c["tiers"])
        if kind == "base":
            out["base"] = _num(c["amount"])
        elif kind == "per_unit":
            out["per_unit"].append((cid, c["metric"], tiers))
        elif kind == "percent":
            if c.get("mode", "marginal") != "marginal" and len(tiers) > 1:
                out["extra"].append(f"{cid}: retroactive tiers")
            out["percent"] = [cid, c["metric"], tiers, [], None]
        elif kind in ("multiplier", "gate"):
            mods.append(c)
        elif kind == "bonus":
            out["bonus"] = (cid, _num(c["amount"]), _num(c["min"]))
        else:
            out["extra"].append(f"{cid}: kind {kind}")
    for m in mods:
        pc = out.get("percent")
        if not pc or list(m["applies_to"]) != [pc[0]]:
            out["extra"].append(f"{m['id']}: {m['kind']} on {m['applies_to']}")
        elif m["kind"] == "multiplier":
            pc[3].append((m["metric"], tables.get(m["table"])))
        else:
            pc[4] = (m["metric"], _num(m["min"]))
    if "percent" in out:
        pc = out["percent"]
        out["percent"] = (pc[0], pc[1], pc[2], tuple(pc[3]), pc[4])
    out["per_unit"] = sorted(out["per_unit"])
    return out


def check_plans(bundle: str):
    """Warnings when the bundle's active plan versions are not the hard-coded plans."""
    path = os.path.join(bundle, "plan_versions.csv")
    if not os.path.exists(path):
        return ["no plan_versions.csv: the shipped plans are assumed"]
    warn = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["status"] != "active" or r["role"] not in PLANS:
                continue
            who = f"{r['role']} v{r['version']} from {r['effective_from']}"
            if r.get("employee_id"):
                warn.append(f"personal plan {who} for {r['employee_id']}: not supported here")
            try:
                got = canon_toml(r["body"])
            except Exception as e:  # noqa: BLE001
                warn.append(f"plan {who} unreadable here: {e}")
                continue
            if got != canon_expected(r["role"]):
                warn.append(f"plan {who} differs from the plan hard-coded in this script")
    return warn


# --------------------------------------------------------------------------------------------
# Carry of negative percentage remainders (engine.rs, mod.rs carry_in)
# --------------------------------------------------------------------------------------------

CLOSED = {"calculated", "approved", "paid"}
CARRY_LOOKBACK = 12


def units_of(rubles: str, role: str) -> int:
    D = percent_den(PERCENT[role])
    u = F(rubles) * 100 * D
    if u.denominator != 1:
        raise ValueError(f"carry {rubles} is not a whole number of 1/{D} kopeck")
    return int(u)


class History:
    """Closed periods and their stored statements' carry_out; the first refund date."""

    def __init__(self, bundle: str):
        self.bundle = bundle
        self.closed = set()
        path = os.path.join(bundle, "pay_periods.csv")
        if os.path.exists(path):
            with open(path, newline="", encoding="utf-8") as f:
                self.closed = {r["id"] for r in csv.DictReader(f) if r["status"] in CLOSED}
        self._stored = {}
        self.first_refund = None
        with open(os.path.join(bundle, "payments.csv"), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["amount"].strip().startswith("-"):
                    d = dt.date.fromisoformat(r["paid_on"][:10])
                    self.first_refund = d if self.first_refund is None else min(d, self.first_refund)

    def stored_carry(self, period: str) -> dict:
        if period not in self._stored:
            carry = {}
            path = os.path.join(self.bundle, "pay_statements.csv")
            with open(path, newline="", encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    if r["period"] != period:
                        continue
                    s = json.loads(r["body"])
                    for part in s.get("parts", []):
                        role = part["role"]
                        for comp, v in (part["statement"].get("carry_out") or {}).items():
                            if role in PERCENT and PERCENT[role]["id"] == comp:
                                carry[(s["employee_id"], role, comp)] = units_of(str(v), role)
            self._stored[period] = carry
        return self._stored[period]

    def needed(self, period: str):
        """Periods whose stored carry the computation of `period` may need (to pre-load)."""
        p = prev_period(period)
        for _ in range(CARRY_LOOKBACK + 1):
            if p in self.closed:
                self.stored_carry(p)
                return
            p = prev_period(p)


def carry_for(engine, hist: History, cfg: dict, period: str, depth: int = 0) -> dict:
    prev = prev_period(period)
    if prev in hist.closed:
        return hist.stored_carry(prev)
    _, prev_end = bounds(prev)
    if hist.first_refund is None or hist.first_refund > prev_end or depth >= CARRY_LOOKBACK:
        return {}
    ctx = Ctx(prev, cfg)
    rows = engine.rows(engine.compute(ctx, carry_for(engine, hist, cfg, prev, depth + 1)))
    out = {}
    for r in rows:
        sp = PERCENT.get(r["role"])
        if sp and r.get(f"co_{sp['id']}") is not None:
            out[(r["person"], r["role"], sp["id"])] = int(r[f"co_{sp['id']}"])
    return out


def run_engine(engine, hist, cfg, ctx):
    """The whole month: carry from the period before (computed if it is open), then the month."""
    return engine.compute(ctx, carry_for(engine, hist, cfg, ctx.period))


# --------------------------------------------------------------------------------------------
# Comparison with Baton
# --------------------------------------------------------------------------------------------


def kop_of(x) -> int:
    d = Decimal(str(x)) * 100
    if d != d.to_integral_value():
        raise ValueError(f"{x} is not a whole number of kopecks")
    return int(d)


def rub(k: int) -> str:
    s = "-" if k < 0 else ""
    k = abs(int(k))
    return f"{s}{k // 100}.{k % 100:02d}"


def baton_expected(path: str):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    people = {}
    for s in data:
        adj = sum(kop_of(l["amount"]) for l in s.get("adjustments", []) if l.get("status") == "accrued")
        people[s["employee_id"]] = {
            "login": s.get("login", ""), "total": kop_of(s["total"]), "adjustments": adj,
            "parts": s.get("parts", []), "status": s.get("status", ""),
        }
    return people


def hint(person_rows, baton_person):
    """Which part and line differ, with Baton's formula and inputs next to our metrics."""
    out = []
    bparts = {(p["role"], p["from"], p["to"]): p for p in baton_person["parts"]} if baton_person else {}
    ours = {(r["role"], str(r["s_from"])[:10], str(r["s_to"])[:10]): r for r in person_rows}
    for key in sorted(set(bparts) | set(ours)):
        b, o = bparts.get(key), ours.get(key)
        if b is None or o is None:
            out.append(f"    part {key}: {'only ours' if b is None else 'only Baton'}")
            continue
        if b["days_worked"] != o["days_worked"] or b["days_total"] != o["days_total"]:
            out.append(f"    part {key}: days {b['days_worked']}/{b['days_total']} (Baton) vs "
                       f"{o['days_worked']}/{o['days_total']} (ours)")
        blines = {}
        for l in b["statement"]["lines"]:
            if l["status"] == "accrued":
                blines[l["component"]] = blines.get(l["component"], 0) + kop_of(l["amount"])
        binfo = {l["component"]: l for l in b["statement"]["lines"] if l["status"] == "accrued"}
        for col, role, comp in LINE_COLS:
            if role != key[0]:
                continue
            mine = int(o.get(col) or 0)
            theirs = blines.get(comp, 0)
            if mine != theirs:
                l = binfo.get(comp, {})
                out.append(f"    {key[0]} {key[1]}..{key[2]} line «{comp}»: Baton {rub(theirs)} vs ours {rub(mine)}")
                out.append(f"      Baton formula: {l.get('formula', '—')}")
                out.append(f"      Baton inputs:  {json.dumps(l.get('inputs', {}), ensure_ascii=False)}")
                mv = {k: (int(o[k]) if o.get(k) is not None else None) for k in METRIC_COLS}
                out.append(f"      our metrics (money in kopecks, targets ×10^6): {mv}")
    return out


def compare(engine_name, rows, expected, show=False):
    by_person = {}
    for r in rows:
        by_person.setdefault(r["person"], []).append(r)
    ok, bad = 0, []
    for person in sorted(set(by_person) | set(expected)):
        mine = sum(int(r["part_total"]) for r in by_person.get(person, []))
        exp = expected.get(person)
        want = exp["total"] - exp["adjustments"] if exp else None
        login = exp["login"] if exp else person
        if show:
            print(f"  {engine_name:6} {login:16} ours {rub(mine):>12}  Baton "
                  f"{rub(want) if want is not None else '—':>12}")
        if exp is not None and mine == want and person in by_person:
            ok += 1
            continue
        lines = [f"  MISMATCH {engine_name} {login} ({person}): ours "
                 f"{rub(mine) if person in by_person else '— (no statement)'} vs Baton "
                 f"{rub(want) if want is not None else '— (no statement)'}"]
        lines += hint(by_person.get(person, []), exp)
        if exp and exp["status"] in CLOSED:
            lines.append(f"    note: the period is {exp['status']}: Baton served the statement frozen when "
                         "it was calculated, and the data may have changed since (e.g. a client "
                         "reassigned: Baton takes receivables' holder from companies.client_manager_id "
                         "as it is now). Compare with a live recomputation to check the engines.")
        bad.append("\n".join(lines))
    return ok, bad


# --------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", required=True, help="CSV bundle written by `baton export`")
    ap.add_argument("--period", required=True, help="YYYY-MM")
    ap.add_argument("--baton-json", required=True, help="`baton payroll --format json` output")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per engine (median reported)")
    ap.add_argument("--engine-ms", type=float, help="Baton engine time for the same month, ms")
    ap.add_argument("--engines", default="duckdb,pandas", help="comma list: duckdb,pandas")
    ap.add_argument("--show", action="store_true", help="print every person's totals")
    ap.add_argument("--raw-calls", action="store_true",
                    help="load the month's raw call rows and sum them per person and day in the "
                         "timed part (default: loaded summed per person and day, like Baton's facts)")
    a = ap.parse_args()

    cfg = read_config(a.bundle)
    ctx = Ctx(a.period, cfg)
    expected = baton_expected(a.baton_json)
    hist = History(a.bundle)
    hist.needed(a.period)
    for w in check_plans(a.bundle):
        print(f"WARNING: {w}; totals may disagree")
    print(f"period {a.period}: {ctx.start}..{ctx.end}, time zone {ctx.tz}, hunter window "
          f"{ctx.hwd} days, extra holidays {len(ctx.xh)}, extra workdays {len(ctx.xw)}")
    adj = sum(1 for p in expected.values() if p["adjustments"])
    if adj:
        print(f"note: {adj} Baton statements carry accrued adjustment lines (changes to closed "
              "periods); they are not recomputed here: compared is Baton's total minus them")

    engines = {"duckdb": DuckEngine, "pandas": PandasEngine}
    failed = False
    medians = {}
    for name in [e.strip() for e in a.engines.split(",") if e.strip()]:
        t0 = time.perf_counter()
        eng = engines[name](a.bundle, ctx, a.raw_calls)
        load_ms = (time.perf_counter() - t0) * 1000
        times, result = [], None
        for _ in range(max(1, a.runs)):
            t0 = time.perf_counter()
            result = run_engine(eng, hist, cfg, ctx)
            times.append((time.perf_counter() - t0) * 1000)
        rows = eng.rows(result)
        med = statistics.median(times)
        medians[name] = med
        people = len({r["person"] for r in rows})
        ok, bad = compare(name, rows, expected, a.show)
        print(f"{name:6}: median {med:9.2f} ms over {len(times)} runs (min {min(times):.2f}, "
              f"max {max(times):.2f}; load {load_ms:.0f} ms, not timed); {people} people, "
              f"{len(rows)} statement parts; agree with Baton: {ok}/{len(set(expected) | {r['person'] for r in rows})}")
        for b in bad:
            print(b)
        failed |= bool(bad)
    if a.engine_ms:
        for name, med in medians.items():
            print(f"ratio {name}_ms / engine_ms = {med:.2f} / {a.engine_ms:.2f} = {med / a.engine_ms:.1f}x")
    print("RESULT: " + ("MISMATCH" if failed else "all totals agree to the kopeck"))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
