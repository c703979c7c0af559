#!/usr/bin/env python3
"""Scales a CSV bundle (and Baton's payroll JSON for it) by N: N disjoint copies of every row,
each copy's ids suffixed with `-rK`, so the copies never meet and every person's total in
copy K equals the original person's total. A known-answer test for payroll_baseline.py at
scale:

    python3 bench/replicate_bundle.py --bundle SRC --out DST --copies 56 \
        --baton-json 2026-10.json:DST/2026-10.json [--activities-months 2026-10]

Ids are the values of `id` and `*_id` columns that look like UUIDs (36 characters), plus the
`employee_id` inside pay_statements bodies. --activities-months keeps only those months of
activities (the table is the largest by far and payroll reads one month of calls).
"""

import argparse
import json
import os

import duckdb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--copies", type=int, required=True)
    ap.add_argument("--baton-json", action="append", default=[], help="SRC.json:DST.json")
    ap.add_argument("--activities-months", default="", help="comma list of YYYY-MM to keep")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    con = duckdb.connect()
    n = a.copies
    for f in sorted(os.listdir(a.bundle)):
        if not f.endswith(".csv") or f == "audit_events.csv":
            continue
        src = os.path.join(a.bundle, f).replace("'", "''")
        dst = os.path.join(a.out, f).replace("'", "''")
        rd = f"read_csv('{src}', header=true, all_varchar=true, delim=',', quote='\"', escape='\"')"
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rd}").fetchall()]
        exprs = []
        for c in cols:
            q = f'"{c}"'
            if c == "id" or c.endswith("_id"):
                exprs.append(f"CASE WHEN length({q}) = 36 THEN {q} || '-r' || k ELSE {q} END AS {q}")
            elif f == "pay_statements.csv" and c == "body":
                exprs.append(f"regexp_replace({q}, '\"employee_id\":\"([0-9a-f-]{{36}})\"', "
                             f"'\"employee_id\":\"\\1-r' || k || '\"') AS {q}")
            else:
                exprs.append(q)
        where = ""
        if f == "activities.csv" and a.activities_months:
            months = ", ".join(f"'{m.strip()}'" for m in a.activities_months.split(","))
            where = f"WHERE substr(local_date, 1, 7) IN ({months})"
        single = f in ("settings.csv", "pay_periods.csv")
        rng = "range(1)" if single else f"range({n})"
        con.execute(f"COPY (SELECT {', '.join(exprs)} FROM (SELECT * FROM {rd} {where}) t, "
                    f"{rng} r(k)) TO '{dst}' (HEADER, DELIMITER ',')")
        print(f, "done")
    for pair in a.baton_json:
        src, dst = pair.split(":")
        data = json.load(open(src, encoding="utf-8"))
        out = []
        for k in range(n):
            for s in data:
                s2 = dict(s)
                s2["employee_id"] = f"{s['employee_id']}-r{k}"
                s2["login"] = f"{s['login']}-r{k}"
                out.append(s2)
        json.dump(out, open(dst, "w", encoding="utf-8"), ensure_ascii=False)
        print(dst, len(out), "statements")


if __name__ == "__main__":
    main()
