#!/usr/bin/env python3
"""Instruments baseline: the funnel's counts (both views) and the caller x sales-manager
matrix's counts for one month, computed by DuckDB from Baton's CSV bundle, checked against
Baton's own counts, and timed.

    python3 bench/reports_baseline.py --bundle DIR --baton-json FILE [--runs 5]

DIR is written by `baton export DIR`; FILE by `baton bench reports` (it holds the month,
Baton's counts and Baton's median times). See bench/README.md.

The definitions are docs/reports.md's, as crates/baton-app/src/conveyor/journeys.rs and
crates/baton-app/src/insight/{funnel,matrix}.rs implement them. DuckDB has no running tallies:
it computes every company's journey and the month's events from the raw rows, which is the
work a tool without Baton's tallies does for this report.

Not timed (loading): reading the CSVs and typing the columns (dates, instants turned into the
company's local time, money as integer kopecks). Timed: everything else, from the full tables
to the fetched counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time

import duckdb

# The demo's and the default configuration's time zone; Moscow has kept UTC+3 all year since
# 2014, so a fixed offset gives the same local dates as Baton's time-zone database.
OFFSETS = {"Europe/Moscow": 3}


def csv(bundle, name):
    path = os.path.join(bundle, f"{name}.csv").replace("'", "''")
    return (f"read_csv('{path}', header=true, all_varchar=true, delim=',', quote='\"', "
            f"escape='\"')")


def local(col, hours):
    # '2026-11-27T10:00:00.000000Z' -> local TIMESTAMP
    return (f"(CAST(replace(replace({col}, 'T', ' '), 'Z', '') AS TIMESTAMP) "
            f"+ INTERVAL {hours} HOUR)")


def load(bundle: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    settings = con.execute(f"SELECT value FROM {csv(bundle, 'settings')}").fetchall()
    zone = next((z for z in OFFSETS if any(z in v for (v,) in settings)), "Europe/Moscow")
    h = OFFSETS[zone]
    r = lambda n: csv(bundle, n)  # noqa: E731
    for sql in [
        f"CREATE TABLE companies AS SELECT id, region_id FROM {r('companies')}",
        f"CREATE TABLE leads AS SELECT id, company_id, caller_id FROM {r('leads')}",
        f"""CREATE TABLE activities AS SELECT company_id, kind, outcome, lead_id,
              CAST(local_date AS DATE) AS local_date
            FROM {r('activities')} WHERE kind IN ('call', 'meeting')""",
        f"""CREATE TABLE handoffs AS SELECT id, kind, lead_id, company_id, sender_id, receiver_id,
              status, {local('created_at', h)} AS created, {local('decided_at', h)} AS decided,
              created_at
            FROM {r('handoffs')}""",
        f"""CREATE TABLE moves AS SELECT entity_id AS lead_id, {local('"at"', h)} AS at
            FROM {r('audit_events')} WHERE entity = 'lead' AND action = 'lead.stage_changed'
              AND after_json LIKE '%"stage":"meeting"%'""",
        f"""CREATE TABLE contracts AS SELECT company_id, lead_id,
              CAST(signed_on AS DATE) AS signed_on, CAST(won_on AS DATE) AS won_on
            FROM {r('contracts')}""",
        f"""CREATE TABLE payments AS SELECT company_id, invoice_id,
              CAST(paid_on AS DATE) AS paid_on,
              CAST(CAST(amount AS DECIMAL(18,2)) * 100 AS BIGINT) AS amount
            FROM {r('payments')}""",
    ]:
        con.execute(sql)
    return con


JOURNEYS = """
WITH calls AS (
  SELECT company_id, MIN(local_date) AS c0,
         MIN(CASE WHEN outcome LIKE 'dm_%' THEN local_date END) AS c1
  FROM activities WHERE kind = 'call' GROUP BY company_id),
hand AS (
  SELECT company_id, MIN(CAST(created AS DATE)) AS c2,
         MIN(CASE WHEN status = 'accepted' THEN CAST(decided AS DATE) END) AS c3
  FROM handoffs WHERE kind = 'lead' GROUP BY company_id),
meet AS (
  SELECT company_id, MIN(d) AS c4 FROM (
    SELECT company_id, local_date AS d FROM activities
      WHERE kind = 'meeting' AND (outcome IS NULL OR outcome <> 'kickoff')
    UNION ALL
    SELECT l.company_id, CAST(m.at AS DATE) FROM moves m JOIN leads l ON l.id = m.lead_id)
  GROUP BY company_id),
con AS (SELECT company_id, MIN(signed_on) AS c5 FROM contracts GROUP BY company_id),
inv AS (
  SELECT company_id, MIN(paid_on) AS d FROM payments WHERE amount > 0
  GROUP BY company_id, invoice_id),
paid AS (
  SELECT company_id, MIN(d) AS c6,
         CASE WHEN COUNT(*) > 1 THEN list_sort(list(d))[2] END AS c7
  FROM inv GROUP BY company_id)
SELECT co.id, c0, c1, c2, c3, c4, c5, c6, c7
FROM companies co
LEFT JOIN calls USING (id) -- placeholder, replaced below
"""


def funnel_sql(lo: str, hi: str) -> str:
    steps = [f"c{i}" for i in range(8)]
    journeys = JOURNEYS.replace(
        "LEFT JOIN calls USING (id) -- placeholder, replaced below",
        "\n".join(f"LEFT JOIN {t} ON {t}.company_id = co.id"
                  for t in ["calls", "hand", "meet", "con", "paid"]))
    cohort = ", ".join(f"COUNT({c}) AS k{i}" for i, c in enumerate(steps))
    once = ", ".join(f"COUNT(*) FILTER (WHERE {c} BETWEEN DATE '{lo}' AND DATE '{hi}') AS a{i}"
                     for i, c in [(5, "c5"), (6, "c6"), (7, "c7")])
    return f"""
WITH j AS ({journeys}),
cohort AS (SELECT {cohort} FROM j WHERE c0 BETWEEN DATE '{lo}' AND DATE '{hi}'),
once AS (SELECT {once} FROM j),
ev_calls AS (
  SELECT COUNT(*) AS a0, COUNT(*) FILTER (WHERE outcome LIKE 'dm_%') AS a1 FROM activities
  WHERE kind = 'call' AND local_date BETWEEN DATE '{lo}' AND DATE '{hi}'),
seq AS (
  SELECT created, lag(status) OVER (PARTITION BY lead_id ORDER BY created_at, id) AS prev
  FROM handoffs WHERE kind = 'lead'),
ev_warm AS (
  SELECT COUNT(*) AS a2 FROM seq
  WHERE CAST(created AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'
    AND (prev IS NULL OR prev <> 'reassigned')),
ev_acc AS (
  SELECT COUNT(*) AS a3 FROM handoffs WHERE kind = 'lead' AND status = 'accepted'
    AND CAST(decided AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'),
ev_meet AS (
  SELECT (SELECT COUNT(*) FROM moves m JOIN leads l ON l.id = m.lead_id
          WHERE CAST(m.at AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}')
       + (SELECT COUNT(*) FROM activities WHERE kind = 'meeting' AND lead_id IS NULL
          AND (outcome IS NULL OR outcome <> 'kickoff')
          AND local_date BETWEEN DATE '{lo}' AND DATE '{hi}') AS a4)
SELECT * FROM cohort, ev_calls, ev_warm, ev_acc, ev_meet, once
"""


def matrix_sql(lo: str, hi: str) -> str:
    return f"""
WITH won AS (SELECT lead_id, MIN(won_on) AS won FROM contracts WHERE won_on IS NOT NULL
             GROUP BY lead_id)
SELECT COALESCE(l.caller_id, h.sender_id) AS caller, h.receiver_id AS seller,
       COUNT(*) AS handed,
       COUNT(*) FILTER (WHERE h.status = 'accepted') AS accepted,
       COUNT(*) FILTER (WHERE h.status = 'rejected') AS rejected,
       COUNT(*) FILTER (WHERE h.status = 'accepted' AND w.won <= DATE '{hi}') AS converted
FROM handoffs h JOIN leads l ON l.id = h.lead_id LEFT JOIN won w ON w.lead_id = h.lead_id
WHERE h.kind = 'lead' AND CAST(h.created AS DATE) BETWEEN DATE '{lo}' AND DATE '{hi}'
GROUP BY ALL ORDER BY 1, 2
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--baton-json", required=True)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    baton = json.load(open(a.baton_json))
    period = baton["period"]
    y, m = map(int, period.split("-"))
    lo = f"{y:04d}-{m:02d}-01"
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    hi = (dt.date(ny, nm, 1) - dt.timedelta(days=1)).isoformat()

    t = time.perf_counter()
    con = load(a.bundle)
    print(f"DuckDB {duckdb.__version__}: bundle loaded and typed in "
          f"{time.perf_counter() - t:.1f} s (not timed)")

    def timed(sql):
        times, rows = [], None
        for _ in range(max(1, a.runs)):
            t = time.perf_counter()
            rows = con.execute(sql).fetchall()
            times.append((time.perf_counter() - t) * 1000)
        return times, rows

    ft, frows = timed(funnel_sql(lo, hi))
    row = frows[0]
    cohort = list(row[0:8])
    activity = list(row[8:16])
    mt, mrows = timed(matrix_sql(lo, hi))
    pairs = [list(r) for r in mrows]

    ok = True
    for name, mine, theirs in [("funnel by cohort", cohort, baton["cohort"]),
                               ("funnel by activity", activity, baton["activity"])]:
        same = [int(x) for x in mine] == [int(x) for x in theirs]
        ok &= same
        print(f"{name}: DuckDB {mine} {'= Baton' if same else '!= Baton ' + str(theirs)}")
    bp = sorted([list(p) for p in baton["pairs"]])
    same = sorted([[str(p[0]), str(p[1])] + [int(x) for x in p[2:]] for p in pairs]) == \
        sorted([[str(p[0]), str(p[1])] + [int(x) for x in p[2:]] for p in bp])
    ok &= same
    print(f"matrix: DuckDB {len(pairs)} pairs, {sum(p[2] for p in pairs)} handed "
          f"{'= Baton' if same else '!= Baton (' + str(len(bp)) + ' pairs)'}")

    fm, mm = statistics.median(ft), statistics.median(mt)
    b = baton["baton_ms"]
    print(f"DuckDB funnel (both views): median {fm:.1f} ms over {len(ft)} runs "
          f"{[round(x, 1) for x in ft]}")
    print(f"DuckDB matrix counts: median {mm:.1f} ms over {len(mt)} runs "
          f"{[round(x, 1) for x in mt]}")
    print(f"ratio Baton / DuckDB: funnel {b['funnel'] / fm:.2f}; matrix pair counts "
          f"{b['matrix_counts'] / mm:.2f}; the whole matrix report (with the collections, the "
          f"diagnosis and its words) against DuckDB's counts {b['matrix'] / mm:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
