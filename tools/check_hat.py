#!/usr/bin/env python3
"""Checks of `regio counterfactual` (CTest label `hat`; docs/hat-algebra.md "Tests").

  check_hat.py oracle DIR              DIR from replicate_tombe_zhu.sh: table8 = tools/tz_reference.py's
                                       (relative 1e-8), table5 = the published numbers (one unit of the
                                       last printed digit)
  check_hat.py invariance DIR_A DIR_B  every CSV of every run of two replications agrees to 1e-9 (relative)
  check_hat.py zero REGIO NP OUT       a zero shock on the Tombe & Zhu base: every hat = 1 (1e-11: the base fixed point is exact to about 1e-12)
  check_hat.py acr REGIO NP OUT        S = 1, labour and intermediates only, no migration: real wage change
                                       = π̂_nn^(−1/(θ(1−ι))) for every region (1e-10; MODEL.md §9)
  check_hat.py decomp REGIO NP OUT     two Tombe & Zhu experiments under `auto` and under
                                       decomp/tombe-zhu-npNP.yaml (--decomp): every CSV agrees to 1e-9
  check_hat.py pc REGIO NP OUT         the six Tombe & Zhu experiments with the per-region block
                                       preconditioner (-hat_pc_type regio, the default) and without
                                       (none): every CSV agrees to 1e-9, and the blocks take fewer GMRES
                                       iterations in every experiment
  check_hat.py compare REGIO NP OUT    regio compare on counterfactual folders: a folder against itself
                                       gives zero everywhere; `internal` against a zero shock reports
                                       internal's own changes, `all` against `internal` the differences of
                                       their national.csv (1e-9)
Exit 0 when every check passes.
"""
import csv
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
PUBLISHED_T5 = {  # Tombe & Zhu (2019) Table 5, 2000: cost (and the overall migrant share)
    "overall": (2.82, 2), "ag_nonag": (2.63, 2), "ag_nonag_within_province": (2.21, 2),
    "ag_nonag_between_provinces": (25.21, 2), "between_provinces": (24.75, 2),
    "between_provinces_within_ag": (47.67, 2), "between_provinces_within_nonag": (21.02, 2)}
PUBLISHED_SHARE = (0.174, 3)


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def num(x):
    return float("nan") if x in ("NA", "") else float(x)


def close(a, b, rel):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= rel * max(1.0, abs(b))


def fail(msg):
    print("FAIL:", msg)
    return 1


def check_oracle(d):
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "tz_reference.py"), "--data",
                        os.path.join(ROOT, "inputs", "tombe-zhu-2019"), "--out", tmp], check=True,
                       stdout=subprocess.DEVNULL)
        ref = {(r["experiment"], r["migration"]): r for r in rows(os.path.join(tmp, "table8.csv"))}
    worst = 0.0
    for r in rows(os.path.join(d, "table8.csv")):
        o = ref[(r["experiment"], r["migration"])]
        for k in r:
            if k in ("experiment", "migration"):
                continue
            a, b = num(r[k]), num(o[k])
            if not close(a, b, 1e-8):
                bad += fail("table8 %s/%s %s: regio %r, oracle %r" % (r["experiment"], r["migration"], k, a, b))
            elif not math.isnan(a):
                worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    t5 = {r["statistic"]: r for r in rows(os.path.join(d, "table5.csv"))}
    for k, (pub, digits) in PUBLISHED_T5.items():
        if abs(float(t5[k]["cost"]) - pub) > 10 ** -digits * (1 + 1e-9):
            bad += fail("table5 %s: %s vs published %s" % (k, t5[k]["cost"], pub))
    share = float(t5["overall"]["share"])
    if abs(share - PUBLISHED_SHARE[0]) > 10 ** -PUBLISHED_SHARE[1]:
        bad += fail("table5 overall share %r vs published %r" % (share, PUBLISHED_SHARE[0]))
    print("table8 against tz_reference.py: max relative difference %.2e; table5 within one unit of the "
          "last printed digit: %s" % (worst, "yes" if bad == 0 else "no"))
    return bad


def check_invariance(a, b):
    bad, worst, files = 0, 0.0, 0
    for sub, _, names in os.walk(a):
        for name in names:
            if not name.endswith(".csv"):
                continue
            pa = os.path.join(sub, name)
            pb = os.path.join(b, os.path.relpath(pa, a))
            ra, rb = rows(pa), rows(pb)
            files += 1
            if len(ra) != len(rb):
                bad += fail("%s: %d rows vs %d" % (pb, len(ra), len(rb)))
                continue
            for x, y in zip(ra, rb):
                if x.get("statistic") in ("newton_iterations", "linear_iterations", "residual_norm",
                                          "base_fixed_point_residual", "base_registered_residual"):
                    continue
                for k in x:
                    try:
                        u, v = num(x[k]), num(y[k])
                    except ValueError:
                        if x[k] != y[k]:
                            bad += fail("%s %s: %r vs %r" % (pb, k, x[k], y[k]))
                        continue
                    if not close(u, v, 1e-9):
                        bad += fail("%s %s: %r vs %r" % (pb, k, u, v))
                    elif not math.isnan(u):
                        worst = max(worst, abs(u - v) / max(1.0, abs(v)))
    print("%d CSV files compared: max relative difference %.2e" % (files, worst))
    return bad if files else fail("no CSV files in " + a)


def run(regio, np_, yaml_path, out, *extra, petsc=()):
    shutil.rmtree(out, ignore_errors=True)  # a run's folder is never written over (docs/guarantees.md)
    env = dict(os.environ)
    cmd = [os.environ.get("MPIEXEC", "mpirun"), "-np", str(np_), regio, "counterfactual", yaml_path, "--out", out,
           "--quiet", *extra]
    if petsc:
        cmd += ["--", *petsc]
    subprocess.run(cmd, check=True, env=env)


def tz(experiment):
    return os.path.join(ROOT, "inputs", "tombe-zhu-2019", "table8-%s.yaml" % experiment)


def national(d):
    return {r["statistic"]: num(r["value"]) for r in rows(os.path.join(d, "national.csv"))}


def check_decomp(regio, np_, out):
    decomp = os.path.join(ROOT, "decomp", "tombe-zhu-np%d.yaml" % np_)
    bad = 0
    for exp in ("all-migration", "internal-fixed-labour"):
        a, b = os.path.join(out, "auto", exp), os.path.join(out, "file", exp)
        run(regio, np_, tz(exp), a)
        run(regio, np_, tz(exp), b, "--decomp", decomp)
        with open(os.path.join(b, "run.yaml")) as f:
            if "  source: " + decomp not in f.read():
                bad += fail("%s/run.yaml does not name the decomposition %s" % (b, decomp))
        print("%s, np %d, auto against %s:" % (exp, np_, os.path.relpath(decomp, ROOT)), end=" ")
        bad += check_invariance(a, b)
    return bad


def check_pc(regio, np_, out):
    bad = 0
    for exp in ("internal", "external", "all"):
        for mig in ("migration", "fixed-labour"):
            name = exp + "-" + mig
            a, b = os.path.join(out, "blocks", name), os.path.join(out, "none", name)
            run(regio, np_, tz(name), a)
            run(regio, np_, tz(name), b, petsc=("-hat_pc_type", "none"))
            ia, ib = national(a)["linear_iterations"], national(b)["linear_iterations"]
            print("%s: GMRES iterations %d with the blocks, %d without;" % (name, ia, ib), end=" ")
            bad += check_invariance(b, a)
            if not ia < ib:
                bad += fail("%s: the blocks took %d GMRES iterations, no preconditioner %d" % (name, ia, ib))
    return bad


def compare(regio, a, b, out):
    subprocess.run([regio, "compare", a, b, "--out", out], check=True, stdout=subprocess.DEVNULL)
    return ({r["statistic"]: r for r in rows(os.path.join(out, "national.csv"))},
            rows(os.path.join(out, "units.csv")), rows(os.path.join(out, "sectors.csv")))


def check_compare(regio, np_, out):
    bad = 0
    zero = os.path.join(out, "zero")
    os.makedirs(out, exist_ok=True)
    y = os.path.join(out, "zero.yaml")
    with open(y, "w") as f:
        f.write("base_year: %s\nmigration: true\n" % os.path.join(ROOT, "inputs", "tombe-zhu-2019", "base-2000"))
    run(regio, np_, y, zero)
    runs = {}
    for exp in ("internal-migration", "all-migration"):
        runs[exp] = os.path.join(out, exp)
        run(regio, np_, tz(exp), runs[exp])
    # 0. The Python reader (tools/regio_outputs.py) reads the folders as the schema says.
    sys.path.insert(0, HERE)
    import regio_outputs
    for d in (zero, *runs.values()):
        cf = regio_outputs.Counterfactual(d)
        if cf.status != "complete" or len(cf.units["region"]) == 0:
            bad += fail("%s: the reader found status %r" % (d, cf.status))
    print("tools/regio_outputs.py reads the three folders by tools/output_schema.json: %s"
          % ("yes" if bad == 0 else "no"))
    # 1. A folder against itself: every difference is 0 exactly.
    nat, units, sectors = compare(regio, runs["internal-migration"], runs["internal-migration"], os.path.join(out, "same"))
    worst = 0.0
    for table in (list(nat.values()), units, sectors):
        for r in table:
            for k, v in r.items():
                if k == "difference" or k.endswith("_diff") or k.endswith("_pct"):
                    worst = max(worst, abs(num(v)))
    print("a folder against itself: largest difference %r" % worst)
    if worst != 0:
        bad += fail("a counterfactual compared with itself differs by %r" % worst)
    # 2. internal against a zero shock: internal's own changes.
    nat, units, _ = compare(regio, zero, runs["internal-migration"], os.path.join(out, "internal-vs-zero"))
    own = national(runs["internal-migration"])
    worst = 0.0
    for k in ("real_gdp_pct", "welfare_pct", "internal_trade_pp", "between_province_migration_pct"):
        worst = max(worst, abs(num(nat[k]["difference"]) - own[k]))
    units_own = {(r["region"], r["group"]): r for r in rows(os.path.join(runs["internal-migration"], "units.csv"))}
    for r in units:
        u = units_own[(r["region"], r["group"])]
        worst = max(worst, abs(num(r["real_income_change_pct"]) / 100 + 1 - num(u["real_income_change"])),
                    abs(num(r["employment_change_scenario"]) - num(u["employment_change"])))
    print("internal against a zero shock: reported changes = internal's own to %.2e" % worst)
    if worst > 1e-9:
        bad += fail("internal against zero: the reported changes differ from internal's by %.2e" % worst)
    # 3. all against internal: the differences of their national statistics.
    nat, _, _ = compare(regio, runs["internal-migration"], runs["all-migration"], os.path.join(out, "all-vs-internal"))
    a, b = national(runs["internal-migration"]), national(runs["all-migration"])
    worst = max(abs(num(nat[k]["difference"]) - (b[k] - a[k])) for k in nat)
    moved = abs(num(nat["real_gdp_pct"]["difference"]))
    print("all against internal: real GDP %+.4f pp; differences = the national.csv differences to %.2e"
          % (num(nat["real_gdp_pct"]["difference"]), worst))
    if worst > 1e-9 or moved < 1e-3:
        bad += fail("all against internal: differences off by %.2e (real GDP moved %.2e)" % (worst, moved))
    return bad + compare_refusals(regio, out, runs["internal-migration"])


def refused(regio, args, message):
    """regio compare ARGS fails with exit 1 and one `regio: error:` line containing MESSAGE."""
    p = subprocess.run([regio, "compare", *args], capture_output=True, text=True)
    lines = [l for l in p.stderr.splitlines() if l.startswith("regio: error:")]
    if p.returncode == 1 and len(lines) == 1 and message in lines[0]:
        return 0
    return fail("regio compare %s: exit %d, stderr %r (expected one error line with %r)"
                % (" ".join(args), p.returncode, p.stderr, message))


def compare_refusals(regio, out, cf):
    """What regio compare refuses around counterfactual folders, each with one error line."""
    run_dir, partial = os.path.join(out, "a-run"), os.path.join(out, "partial")
    os.makedirs(run_dir, exist_ok=True)
    with open(os.path.join(run_dir, "run.yaml"), "w") as f:  # a run.yaml of `regio run`: no `mode`
        f.write("regio_version: test\ncommand: regio run x.yaml\nstatus: complete\n")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(cf, partial)
    with open(os.path.join(partial, "run.yaml")) as f:
        text = f.read().replace("status: complete", "status: running")
    with open(os.path.join(partial, "run.yaml"), "w") as f:
        f.write(text)
    o = os.path.join(out, "refused")
    bad = refused(regio, [run_dir, cf, "--out", o], "is a `regio run` folder but")
    bad += refused(regio, [cf, cf, "--out", o, "--hats", cf], "--hats compares a counterfactual with two runs")
    bad += refused(regio, [cf, cf, "--out", o, "--epochs", "0"], "counterfactual folders have no epochs")
    bad += refused(regio, [cf, partial, "--out", o], "the run is not complete (status: running)")
    ok = subprocess.run([regio, "compare", cf, partial, "--out", o, "--allow-partial"], capture_output=True)
    if ok.returncode != 0:
        bad += fail("--allow-partial did not accept a partial counterfactual")
    print("refusals (a run against a counterfactual, --hats or --epochs with counterfactuals, a partial "
          "counterfactual): %s" % ("as expected" if bad == 0 else "NOT as expected"))
    return bad


def check_zero(regio, np_, out):
    os.makedirs(out, exist_ok=True)
    y = os.path.join(out, "zero.yaml")
    with open(y, "w") as f:
        f.write("base_year: %s\nmigration: true\nshocks:\n  trade_costs:\n    - change: 1\n"
                % os.path.join(ROOT, "inputs", "tombe-zhu-2019", "base-2000"))
    run(regio, np_, y, os.path.join(out, "run"))
    worst = 0.0
    for name, cols in (("units.csv", ["wage_change", "land_rent_change", "goods_price_change", "employment_change",
                                      "real_income_change", "expected_utility_change"]),
                       ("sectors.csv", ["revenue_change", "spending_change", "price_change", "unit_cost_change"])):
        for r in rows(os.path.join(out, "run", name)):
            for c in cols:
                v = num(r[c])
                if not math.isnan(v):
                    worst = max(worst, abs(v - 1))
    print("zero shock: max |hat - 1| = %.2e" % worst)
    return 0 if worst <= 1e-11 else fail("a zero shock moved a hat by %.2e" % worst)


def check_acr(regio, np_, out):
    """S = 1, α = 1 − ι, no land, housing or migration; 10 regions in 4 provinces."""
    rng = random.Random(7)
    N, iota, theta = 10, 0.35, 4.0
    base = os.path.join(out, "base")
    os.makedirs(base, exist_ok=True)
    with open(os.path.join(base, "parameters.yaml"), "w") as f:
        f.write("groups: [workers]\nsectors:\n  - name: goods\n    group: workers\n    trade_elasticity: %r\n"
                "    labour_share: %r\n    intermediate_shares: {goods: %r}\n    final_demand_share: 1\n"
                "housing_share: 0\n" % (theta, 1 - iota, iota))
    ids = ["r%d" % n for n in range(N)]
    with open(os.path.join(base, "regions.csv"), "w") as f:
        f.write("id,province\n" + "".join("%s,p%d\n" % (ids[n], n % 4) for n in range(N)))
    with open(os.path.join(base, "trade_shares.csv"), "w") as f:
        f.write("sector,importer,exporter,share\n")
        for n in range(N):
            w = [rng.uniform(0.2, 1.0) * (8.0 if i == n else 1.0) for i in range(N)]
            for i in range(N):
                f.write("goods,%s,%s,%r\n" % (ids[n], ids[i], w[i] / sum(w)))
    with open(os.path.join(base, "units.csv"), "w") as f:
        f.write("region,group,employment\n" + "".join("%s,workers,%r\n" % (i, rng.uniform(1, 5)) for i in ids))
    y = os.path.join(out, "acr.yaml")
    with open(y, "w") as f:
        f.write("base_year: base\nmigration: false\nshocks:\n  trade_costs:\n    - change: 0.8\n"
                "    - change: 1.1\n      pairs: all\n")
    run(regio, np_, y, os.path.join(out, "run"))
    units = rows(os.path.join(out, "run", "units.csv"))
    sectors = rows(os.path.join(out, "run", "sectors.csv"))
    worst = 0.0
    for u, s in zip(units, sectors):
        pihat = float(s["own_trade_share_new"]) / float(s["own_trade_share_base"])
        expect = pihat ** (-1.0 / (theta * (1 - iota)))
        real_wage = float(u["wage_change"]) / float(u["goods_price_change"])
        worst = max(worst, abs(real_wage / expect - 1), abs(float(u["real_income_change"]) / expect - 1))
    print("ACR with intermediates: max relative error %.2e over %d regions" % (worst, N))
    return 0 if worst <= 1e-10 else fail("real wage differs from π̂_nn^(−1/(θ(1−ι))) by %.2e" % worst)


def main(argv):
    mode = argv[1]
    if mode == "oracle":
        return check_oracle(argv[2])
    if mode == "invariance":
        return check_invariance(argv[2], argv[3])
    if mode == "zero":
        return check_zero(argv[2], int(argv[3]), argv[4])
    if mode == "acr":
        return check_acr(argv[2], int(argv[3]), argv[4])
    if mode == "decomp":
        return check_decomp(argv[2], int(argv[3]), argv[4])
    if mode == "pc":
        return check_pc(argv[2], int(argv[3]), argv[4])
    if mode == "compare":
        return check_compare(argv[2], int(argv[3]), argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv) else 0)
