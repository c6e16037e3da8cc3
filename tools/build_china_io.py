#!/usr/bin/python3
"""Input-output shares for regio's three sectors from China's 2020 national input-output table.

Reads the NBS 2020 input-output table (153 product sectors, producers' prices, 10^4 yuan; a
verbatim CSV extract of the published workbook, see inputs/china-io/PROVENANCE.md), aggregates it
to agriculture / manufacturing / services and writes

  <out>/io_flows.csv   the aggregated table: intermediate flows Z_ks, value-added rows, gross
                       output and final-use columns, in 10^4 yuan (one block per sector map)
  <out>/io_shares.csv  per variant and sector: gross-output shares iota_sk = Z_ks / X_s, value-
                       added shares, the labour/capital split of value added, and the regio
                       gross-output shares alpha, beta, lambda (MODEL.md section 9)

then prints a YAML `sectors:` snippet for the recommended variant and a comparison with regio's
current value-added shares, and checks everything (non-zero exit on any failure):
  * the raw table balances: for every one of the 153 sectors, total input (TI) = total output
    (GO), the intermediate-input total (TII) = the column sum of the flows, the intermediate-use
    total (TIU) = the row sum, TI = TII + TVA, TVA = the sum of the four value-added rows, and
    GO = TIU + TFU - IM, each within 1e-9 relative (rounding of the stored figures);
  * every row of shares sums to 1 (alpha + beta + lambda + sum_k iota_sk = 1) within 1e-12;
  * all shares are >= 0 (net production taxes may be negative: they are allocated, not kept).

Standard library only, on purpose: it must run on a bare /usr/bin/python3 without pip.

Usage:
    /usr/bin/python3 tools/build_china_io.py [--table ../shared/data/china-io/nbs_io_2020_153.csv]
        [--out inputs/china-io] [--quiet]
    /usr/bin/python3 tools/build_china_io.py --extract WORKBOOK.xlsx [--table ...]
        (re-creates the CSV extract from the published workbook, then builds as above)

Choices (documented in inputs/china-io/PROVENANCE.md; keep them in step):
  * Sector map by the first two digits of the table's product code (GB/T 4754-2017 divisions):
    01-05 agriculture (incl. 05 agricultural services); 06-50 manufacturing = mining (06-12),
    manufacturing (13-43), utilities (44-46) and construction (47-50); 51-97 services.  Variant
    `construction_in_services` moves 47-50 to services.
  * Net production taxes (VA002) are allocated to labour compensation, depreciation and
    operating surplus in proportion to their sizes (variant `taxes_to_capital`: all to capital).
  * Land: the input-output table has no land row.  Land's share of value added theta_s is taken
    from Tombe & Zhu (2019): eta / (beta + eta) of their gross-output shares, agriculture
    0.277 / (0.287 + 0.277), non-agriculture 0.025 / (0.219 + 0.025) (their replication code,
    initial_eqm.m).  Recommended (`land_from_value_added`): lambda_s = theta_s * VA_s / X_s and the
    rest of value added splits into labour and capital as in the table.  Variant
    `land_from_capital_income` takes land out of depreciation + operating surplus only (capped
    there), which leaves agriculture almost without capital and land (see PROVENANCE.md).
"""

import argparse
import csv
import hashlib
import os
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DIR = os.path.join(REPO, "inputs", "china-io")
# The raw extract lives with the project's shared data (../shared/data/china-io/, with its
# PROVENANCE.md); the repository keeps a copy in inputs/china-io/ (389 kB), used when the shared
# folder is absent.
SHARED_TABLE = os.path.join(os.path.dirname(REPO), "shared", "data", "china-io", "nbs_io_2020_153.csv")
DEFAULT_TABLE = SHARED_TABLE if os.path.isfile(SHARED_TABLE) else os.path.join(DEFAULT_DIR, "nbs_io_2020_153.csv")

SECTORS = ["agriculture", "manufacturing", "services"]
N_PRODUCTS = 153          # product sectors of the 2020 table
FIRST_DATA_ROW = 6        # 0-based row of the first product row (code 01001)
FIRST_DATA_COL = 3        # 0-based column of the first product column
CODE_ROW = 5              # 0-based row holding the column codes
VA_ROWS = ["VA001", "VA002", "VA003", "VA004"]  # labour comp., net taxes, depreciation, surplus
FINAL_COLS = ["THC", "FU103", "FU201", "FU202", "EX", "TFU", "IM", "GO"]

# Tombe & Zhu (2019) gross-output shares: labour (their beta) and land (their eta).
TZ_LABOUR = {"agriculture": 0.287, "non_agriculture": 0.219}
TZ_LAND = {"agriculture": 0.277, "non_agriculture": 0.025}

# regio's current default value-added shares (src/config/parameters.cpp, default_sectors()).
REGIO_CURRENT = {
    "agriculture": (0.55, 0.15),
    "manufacturing": (0.45, 0.45),
    "services": (0.55, 0.35),
}

# (variant name, sector map, tax treatment, land method)
VARIANTS = [
    ("recommended", "industry_construction", "proportional", "land_from_value_added"),
    ("construction_in_services", "construction_in_services", "proportional", "land_from_value_added"),
    ("taxes_to_capital", "industry_construction", "to_capital", "land_from_value_added"),
    ("land_from_capital_income", "industry_construction", "proportional", "land_from_capital_income"),
]

BALANCE_RTOL = 1e-9
SUM_TOL = 1e-12


def fail(msg):
    sys.stderr.write("build_china_io: FAILED: %s\n" % msg)
    sys.exit(1)


# ---------------------------------------------------------------------------------------------
# Workbook extraction (xlsx = zip of XML; no third-party reader needed)

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _col_number(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def extract_workbook(xlsx, csv_path):
    """Write the workbook's only sheet as CSV: every cell's stored value, verbatim."""
    with zipfile.ZipFile(xlsx) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(_NS + "si"):
                shared.append("".join(t.text or "" for t in si.iter(_NS + "t")))
        sheets = [n for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]
        if len(sheets) != 1:
            fail("%s: expected one worksheet, found %d" % (xlsx, len(sheets)))
        root = ET.fromstring(z.read(sheets[0]))
    cells = {}
    for c in root.iter(_NS + "c"):
        m = re.match(r"([A-Z]+)(\d+)$", c.get("r"))
        col, row = _col_number(m.group(1)), int(m.group(2))
        kind, v = c.get("t"), c.find(_NS + "v")
        if kind == "s":
            val = shared[int(v.text)]
        elif kind == "inlineStr":
            val = "".join(t.text or "" for t in c.iter(_NS + "t"))
        else:
            val = v.text if v is not None and v.text is not None else ""
        cells[(row, col)] = val
    nrow = max(r for r, _ in cells)
    ncol = max(c for _, c in cells)
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in range(1, nrow + 1):
            w.writerow([cells.get((r, c), "") for c in range(1, ncol + 1)])
    return nrow, ncol


# ---------------------------------------------------------------------------------------------
# Reading and checking the 153-sector table


def num(s):
    s = s.strip()
    return float(s) if s else 0.0


def read_table(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not rows or not rows[0][0].startswith("2020年全国投入产出表"):
        fail("%s: not the 2020 national input-output table (title row: %r)" % (path, rows[0][:1]))
    codes = rows[CODE_ROW][FIRST_DATA_COL:FIRST_DATA_COL + N_PRODUCTS]
    names = rows[CODE_ROW - 1][FIRST_DATA_COL:FIRST_DATA_COL + N_PRODUCTS]
    data = rows[FIRST_DATA_ROW:FIRST_DATA_ROW + N_PRODUCTS]
    if [r[2] for r in data] != codes:
        fail("row codes differ from column codes")
    if codes[0] != "01001" or codes[-1] != "91149":
        fail("unexpected first/last product codes %s, %s" % (codes[0], codes[-1]))
    z = [[num(x) for x in r[FIRST_DATA_COL:FIRST_DATA_COL + N_PRODUCTS]] for r in data]
    col_of = {c: j for j, c in enumerate(rows[CODE_ROW]) if c}
    for c in ["TIU"] + FINAL_COLS:
        if c not in col_of:
            fail("column %s missing" % c)
    final = {c: [num(r[col_of[c]]) for r in data] for c in ["TIU"] + FINAL_COLS}
    row_of = {r[2]: r for r in rows[FIRST_DATA_ROW + N_PRODUCTS:] if len(r) > 2 and r[2]}
    for c in ["TII", "TVA", "TI"] + VA_ROWS:
        if c not in row_of:
            fail("row %s missing" % c)
    va = {c: [num(x) for x in row_of[c][FIRST_DATA_COL:FIRST_DATA_COL + N_PRODUCTS]]
          for c in ["TII", "TVA", "TI"] + VA_ROWS}
    return {"codes": codes, "names": names, "z": z, "final": final, "va": va}


def check_balance(t):
    """Accounting identities of the raw table, sector by sector."""
    n = N_PRODUCTS
    z, va, fin = t["z"], t["va"], t["final"]
    worst = {}

    def rel(name, a, b, scale):
        e = abs(a - b) / scale
        worst[name] = max(worst.get(name, 0.0), e)
        if e > BALANCE_RTOL:
            fail("%s: %.6g vs %.6g (rel %.2e)" % (name, a, b, e))

    for j in range(n):
        x = va["TI"][j]
        rel("TI = GO", va["TI"][j], fin["GO"][j], x)
        rel("TII = column sum of flows", va["TII"][j], sum(z[i][j] for i in range(n)), x)
        rel("TI = TII + TVA", va["TI"][j], va["TII"][j] + va["TVA"][j], x)
        rel("TVA = VA001..VA004", va["TVA"][j], sum(va[k][j] for k in VA_ROWS), x)
    for i in range(n):
        x = fin["GO"][i]
        rel("TIU = row sum of flows", fin["TIU"][i], sum(z[i]), x)
        rel("GO = TIU + TFU - IM", fin["GO"][i], fin["TIU"][i] + fin["TFU"][i] - fin["IM"][i], x)
    return worst


# ---------------------------------------------------------------------------------------------
# Aggregation and shares


def sector_of(code, sector_map):
    division = int(code[:2])
    if division <= 5:
        return 0
    if 47 <= division <= 50 and sector_map == "construction_in_services":
        return 2
    if division <= 50:
        return 1
    return 2


def aggregate(t, sector_map):
    n, S = N_PRODUCTS, len(SECTORS)
    g = [sector_of(c, sector_map) for c in t["codes"]]
    Z = [[0.0] * S for _ in range(S)]
    for i in range(n):
        for j in range(n):
            Z[g[i]][g[j]] += t["z"][i][j]
    agg = {"Z": Z, "map": g}
    for k in ["TII", "TVA", "TI"] + VA_ROWS:
        agg[k] = [sum(t["va"][k][j] for j in range(n) if g[j] == s) for s in range(S)]
    for k in ["TIU"] + FINAL_COLS:
        agg[k] = [sum(t["final"][k][i] for i in range(n) if g[i] == s) for s in range(S)]
    return agg


def theta_land(sector):
    key = "agriculture" if sector == "agriculture" else "non_agriculture"
    return TZ_LAND[key] / (TZ_LABOUR[key] + TZ_LAND[key])


def shares(agg, taxes, land):
    """One dict per sector: gross-output shares and value-added splits."""
    out = []
    S = len(SECTORS)
    for s, name in enumerate(SECTORS):
        X = agg["TI"][s]
        L, T, D, OS = (agg[k][s] for k in VA_ROWS)
        VA = agg["TVA"][s]
        iota = [agg["Z"][k][s] / X for k in range(S)]
        v = VA / X
        if taxes == "proportional":
            lab_va = L / (L + D + OS)
        else:  # all net taxes to capital
            lab_va = L / VA
        cap_va = 1.0 - lab_va
        theta = theta_land(name)
        if land == "land_from_value_added":
            lam = theta * v
            alpha = (1.0 - theta) * v * lab_va
            beta = (1.0 - theta) * v * cap_va
        else:  # land out of capital income only, capped there
            alpha = v * lab_va
            lam = min(theta * v, v * cap_va)
            beta = v * cap_va - lam
        row = {
            "sector": name,
            "gross_output_1e4_yuan": X,
            "iota_agriculture": iota[0],
            "iota_manufacturing": iota[1],
            "iota_services": iota[2],
            "intermediate_share": sum(iota),
            "value_added_share": v,
            "labour_comp_share_of_output": L / X,
            "net_tax_share_of_output": T / X,
            "depreciation_share_of_output": D / X,
            "operating_surplus_share_of_output": OS / X,
            "labour_share_of_va": lab_va,
            "capital_share_of_va": cap_va,
            "land_share_of_va": lam / v,
            "alpha": alpha,
            "beta": beta,
            "lambda": lam,
            "household_consumption_share": agg["THC"][s] / sum(agg["THC"]),
            "final_use_share": agg["TFU"][s] / sum(agg["TFU"]),
        }
        out.append(row)
    return out


SHARE_COLUMNS = [
    "iota_agriculture", "iota_manufacturing", "iota_services", "intermediate_share",
    "value_added_share", "labour_comp_share_of_output", "net_tax_share_of_output",
    "depreciation_share_of_output", "operating_surplus_share_of_output", "labour_share_of_va",
    "capital_share_of_va", "land_share_of_va", "alpha", "beta", "lambda",
    "household_consumption_share", "final_use_share",
]


def check_shares(variant, rows):
    for r in rows:
        total = r["alpha"] + r["beta"] + r["lambda"] + r["intermediate_share"]
        if abs(total - 1.0) > SUM_TOL:
            fail("%s/%s: alpha+beta+lambda+sum(iota) = %.15f" % (variant, r["sector"], total))
        va_parts = (r["labour_comp_share_of_output"] + r["net_tax_share_of_output"]
                    + r["depreciation_share_of_output"] + r["operating_surplus_share_of_output"])
        if abs(va_parts - r["value_added_share"]) > SUM_TOL:
            fail("%s/%s: value-added rows do not add up" % (variant, r["sector"]))
        if abs(r["intermediate_share"] + r["value_added_share"] - 1.0) > SUM_TOL:
            fail("%s/%s: intermediate + value added != 1" % (variant, r["sector"]))
        for c in ["iota_agriculture", "iota_manufacturing", "iota_services", "alpha", "beta",
                  "lambda", "labour_share_of_va", "capital_share_of_va"]:
            if r[c] < 0:
                fail("%s/%s: %s = %g < 0" % (variant, r["sector"], c, r[c]))
    for c in ["household_consumption_share", "final_use_share"]:
        if abs(sum(r[c] for r in rows) - 1.0) > SUM_TOL:
            fail("%s: %s does not sum to 1" % (variant, c))


# ---------------------------------------------------------------------------------------------
# Output


def fmt(x):
    return "%.6f" % x


def write_flows(path, aggs):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sector_map", "row"] + SECTORS + ["note"])
        notes = {
            "TII": "intermediate inputs (column sums of the rows above)",
            "VA001": "labour compensation 劳动者报酬",
            "VA002": "net production taxes 生产税净额",
            "VA003": "depreciation of fixed assets 固定资产折旧",
            "VA004": "operating surplus 营业盈余",
            "TVA": "value added",
            "TI": "total input = gross output",
        }
        for smap, agg in aggs:
            for k, name in enumerate(SECTORS):
                w.writerow([smap, "from_" + name] + ["%.4f" % agg["Z"][k][s] for s in range(3)]
                           + ["intermediate input from %s (10^4 yuan)" % name])
            for k in ["TII"] + VA_ROWS + ["TVA", "TI"]:
                w.writerow([smap, k] + ["%.4f" % x for x in agg[k]] + [notes[k]])
            for k, note in [("TIU", "intermediate use (row sums)"),
                            ("THC", "household consumption"), ("FU103", "government consumption"),
                            ("FU201", "gross fixed capital formation"),
                            ("FU202", "changes in inventories"), ("EX", "exports"),
                            ("TFU", "final use"), ("IM", "imports"),
                            ("GO", "gross output (row side)")]:
                w.writerow([smap, k] + ["%.4f" % x for x in agg[k]] + [note])


def write_shares(path, results):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["variant", "sector_map", "taxes", "land", "sector", "gross_output_1e4_yuan"]
                   + SHARE_COLUMNS)
        for (variant, smap, taxes, land), rows in results:
            for r in rows:
                w.writerow([variant, smap, taxes, land, r["sector"],
                            "%.4f" % r["gross_output_1e4_yuan"]] + [fmt(r[c]) for c in SHARE_COLUMNS])


def rounded_sector(r, digits=4):
    """Round iota, alpha, beta; lambda takes the remainder so the printed shares sum to 1."""
    q = 10 ** digits
    iota = [round(r["iota_" + k] * q) for k in SECTORS]
    a, b = round(r["alpha"] * q), round(r["beta"] * q)
    lam = q - a - b - sum(iota)
    if abs(lam / q - r["lambda"]) > 2.0 / q:
        fail("%s: rounded land share %.4f too far from %.6f" % (r["sector"], lam / q, r["lambda"]))
    return a / q, b / q, lam / q, [x / q for x in iota]


def yaml_snippet(rows):
    out = ["# Gross-output shares from NBS 2020 input-output table (153 sectors -> 3),",
           "# land from Tombe & Zhu (2019); built by tools/build_china_io.py (inputs/china-io/).",
           "# Key names for land and intermediates are a proposal (the new model's keys are not fixed).",
           "sectors:"]
    for r in rows:
        a, b, lam, iota = rounded_sector(r)
        out.append("  - name: %s" % r["sector"])
        out.append("    labor_share: %.4f       # alpha_s (of gross output)" % a)
        out.append("    capital_share: %.4f     # beta_s" % b)
        out.append("    land_share: %.4f        # lambda_s = 1 - alpha - beta - sum(iota)" % lam)
        out.append("    intermediate_shares:     # iota_sk: inputs from k per unit of s's output")
        for k, x in zip(SECTORS, iota):
            out.append("      %s: %.4f" % (k, x))
    return "\n".join(out)


def comparison(rows):
    lines = ["sector          | current VA shares a/b/l | IO-based VA shares a/b/l | "
             "IO-based gross-output a/b/l (+ sum iota)"]
    for r in rows:
        ca, cb = REGIO_CURRENT[r["sector"]]
        cl = 1.0 - ca - cb
        v = r["value_added_share"]
        lines.append("%-15s | %.3f / %.3f / %.3f     | %.3f / %.3f / %.3f      | "
                     "%.3f / %.3f / %.3f (+ %.3f)"
                     % (r["sector"], ca, cb, cl, r["alpha"] / v, r["beta"] / v, r["lambda"] / v,
                        r["alpha"], r["beta"], r["lambda"], r["intermediate_share"]))
    return "\n".join(lines)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", default=DEFAULT_TABLE, help="CSV extract of the 2020 table")
    ap.add_argument("--out", default=DEFAULT_DIR, help="output folder")
    ap.add_argument("--extract", metavar="XLSX",
                    help="first re-create --table from the published workbook")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    say = (lambda *a: None) if args.quiet else print

    if args.extract:
        nrow, ncol = extract_workbook(args.extract, args.table)
        say("extracted %s (sha256 %s) -> %s: %d rows x %d columns"
            % (args.extract, sha256(args.extract), args.table, nrow, ncol))

    t = read_table(args.table)
    worst = check_balance(t)
    say("table %s (sha256 %s)" % (args.table, sha256(args.table)))
    say("raw-table balance, worst relative gap over the 153 sectors:")
    for k, e in worst.items():
        say("  %-28s %.1e" % (k, e))

    aggs = {}
    results = []
    for variant, smap, taxes, land in VARIANTS:
        if smap not in aggs:
            aggs[smap] = aggregate(t, smap)
        rows = shares(aggs[smap], taxes, land)
        check_shares(variant, rows)
        results.append(((variant, smap, taxes, land), rows))

    os.makedirs(args.out, exist_ok=True)
    write_flows(os.path.join(args.out, "io_flows.csv"), list(aggs.items()))
    write_shares(os.path.join(args.out, "io_shares.csv"), results)

    rec = results[0][1]
    say("")
    say("iota_sk (rows: buying sector s; columns: supplying sector k), recommended map:")
    for r in rec:
        say("  %-14s %s" % (r["sector"], "  ".join("%.4f" % r["iota_" + k] for k in SECTORS)))
    for (variant, _, _, _), rows in results:
        say("")
        say("variant %s: alpha / beta / lambda / sum(iota)" % variant)
        for r in rows:
            say("  %-14s %.4f / %.4f / %.4f / %.4f" % (r["sector"], r["alpha"], r["beta"],
                                                        r["lambda"], r["intermediate_share"]))
    say("")
    say(comparison(rec))
    say("")
    say(yaml_snippet(rec))
    say("")
    say("checks passed; wrote io_flows.csv and io_shares.csv to %s" % args.out)


if __name__ == "__main__":
    main()
