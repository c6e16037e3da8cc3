#!/usr/bin/python3
"""End-to-end checks of `regio ensemble` and `regio shapley` (docs/ensembles.md) on the tiny
symmetric scenario of this folder; CTest runs them (tests/CMakeLists.txt, label `ensemble`).

    check_ensemble.py run REGIO MPIEXEC NP P OUT        quadrature ensemble and Shapley at np NP,
                                                        groups of P ranks, into OUT/{quadrature,shapley}
    check_ensemble.py identical A B                     the two trees byte for byte (as
                                                        tools/same_outputs.py: run.yaml's clock lines,
                                                        solver.csv's seconds aside), ensemble.yaml aside
    check_ensemble.py close A B [--rtol R]              bands and shapley.csv of A and B agree to R of
                                                        each variable's scale (other group sizes)
    check_ensemble.py alone REGIO MPIEXEC OUT MEMBER NP a member run again alone, from the command in
                                                        its run.yaml, gives the same files
    check_ensemble.py restart REGIO MPIEXEC WORK        an ensemble with a member missing and one
                                                        interrupted completes only those two, to the
                                                        same files; a folder of another ensemble is refused
    check_ensemble.py signal REGIO MPIEXEC WORK         SIGUSR1 to mpirun after a few members: exit 4,
                                                        ensemble.yaml interrupted; the same command
                                                        again completes it, shapley.csv as an
                                                        uninterrupted run's
    check_ensemble.py welfare REGIO MPIEXEC WORK        --welfare-terms (docs/welfare.md): regio compare's
                                                        welfare.csv adds up to aggregates.csv's change;
                                                        shapley_welfare.csv adds up over policies and
                                                        channels to shapley.csv's welfare and the totals
    check_ensemble.py shapley OUT                       efficiency, symmetry and dummy of shapley.csv
    check_ensemble.py quadrature OUT                    members.csv reproduces the means and variances

Exit 0 if every check passes, 1 otherwise (each failure printed).
"""
import csv
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import same_outputs  # noqa: E402

FAILURES = []


def check(ok, message):
    print(("ok   " if ok else "FAIL ") + message)
    if not ok:
        FAILURES.append(message)


def run(cmd, **kw):
    print("+ " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def tree_differences(a, b, skip=("ensemble.yaml",)):
    files = set()
    for root in (a, b):
        for d, _, names in os.walk(root):
            files.update(os.path.relpath(os.path.join(d, n), root) for n in names
                         if not n.startswith(".") and n not in skip)
    problems = []
    for rel in sorted(files):
        pa, pb = os.path.join(a, rel), os.path.join(b, rel)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            problems.append(f"{rel}: only in one tree")
        elif rel.endswith(".h5"):
            problems += [f"{rel}: {p}" for p in same_outputs.compare_h5(pa, pb)]
        elif same_outputs.text_lines(pa) != same_outputs.text_lines(pb):
            problems.append(f"{rel}: bytes differ")
    return len(files), problems


def cmd_run(regio, mpiexec, np, p, out):
    # Run inside OUT with relative output folders: the members' run.yaml (its command and output)
    # are then the same whichever OUT, and trees of two groupings compare byte for byte.
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    launch = [mpiexec, "-np", str(np), regio]
    r = run(launch + ["ensemble", os.path.join(HERE, "quadrature.yaml"), "--group-ranks", str(p),
                      "--out", "quadrature"], cwd=out)
    print(r.stdout)
    r = run(launch + ["shapley", os.path.join(HERE, "scenario.yaml"), "--group-ranks", str(p),
                      "--out", "shapley"], cwd=out)
    print(r.stdout)
    for sub in ("quadrature", "shapley"):
        with open(os.path.join(out, sub, "ensemble.yaml"), encoding="utf-8") as f:
            check(f.read().rstrip().endswith("status: complete"), f"{sub}: ensemble.yaml says complete")


def cmd_identical(a, b):
    n, problems = tree_differences(a, b)
    for p in problems[:20]:
        print("  " + p)
    check(n > 0 and not problems, f"{a} and {b}: {n} files, {len(problems)} differ")


def close_file(pa, pb, key_columns, rtol):
    ha, ra = read_csv(pa)
    hb, rb = read_csv(pb)
    if ha != hb or len(ra) != len(rb):
        return [f"{pa}: other columns or rows than {pb}"]
    numeric = [i for i, h in enumerate(ha) if h not in key_columns]
    scale = {}  # per variable: the largest magnitude it reaches
    var = ha.index("variable")
    for row in ra:
        scale[row[var]] = max([scale.get(row[var], 0.0)] + [abs(float(row[i])) for i in numeric])
    worst, problems = 0.0, []
    for x, y in zip(ra, rb):
        if [x[i] for i in range(len(ha)) if i not in numeric] != [y[i] for i in range(len(ha)) if i not in numeric]:
            problems.append(f"{pa}: keys differ: {x[:5]} / {y[:5]}")
            continue
        for i in numeric:
            d = abs(float(x[i]) - float(y[i])) / max(scale[x[var]], 1e-300)
            worst = max(worst, d)
            if not d <= rtol:
                problems.append(f"{pa}: {x[:5]} {ha[i]}: {x[i]} vs {y[i]} ({d:.2e} of the variable's scale)")
    print(f"  {os.path.basename(pa)}: largest difference {worst:.2e} of the variable's scale")
    return problems


def cmd_close(a, b, rtol):
    keys = {"epoch", "year", "region", "province", "variable", "policy"}
    problems = []
    for sub, name in (("quadrature", "bands_national.csv"), ("quadrature", "bands_regions.csv"),
                      ("shapley", "shapley.csv")):
        problems += close_file(os.path.join(a, sub, name), os.path.join(b, sub, name), keys, rtol)
    for p in problems[:20]:
        print("  " + p)
    check(not problems, f"bands and Shapley values of {a} and {b} agree to {rtol:g} of each variable's scale")


def recorded_command(folder):
    with open(os.path.join(folder, "run.yaml"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("command: "):
                return line[len("command: "):].strip().strip('"').split(" ")
    raise SystemExit(f"{folder}/run.yaml: no command")


def cmd_alone(regio, mpiexec, out, member, np):
    # OUT is an ensemble folder made by `run`: its members' commands are relative to OUT/..
    folder = os.path.join(out, "members", member)
    kept = folder + ".ensemble"
    shutil.rmtree(kept, ignore_errors=True)
    os.rename(folder, kept)
    args = recorded_command(kept)
    check(args[0] == regio and args[1] == "run", f"member {member}'s run.yaml records `{regio} run ...`")
    run([mpiexec, "-np", str(np)] + args, cwd=os.path.dirname(os.path.abspath(out)))
    n, problems = tree_differences(kept, folder, skip=())
    for p in problems:
        print("  " + p)
    check(n >= 4 and not problems, f"member {member} alone ({' '.join(args[1:])}) and in the ensemble: "
                                   f"{n} files, {len(problems)} differ")


def cmd_restart(regio, mpiexec, work):
    shutil.rmtree(work, ignore_errors=True)
    spec = os.path.join(HERE, "grid.yaml")
    out = os.path.join(work, "ensemble")
    launch = [mpiexec, "-np", "2", regio, "ensemble", spec, "--out", out]
    run(launch)
    shutil.copytree(out, os.path.join(work, "reference"))
    shutil.rmtree(os.path.join(out, "members", "001"))
    interrupted = os.path.join(out, "members", "002")
    with open(os.path.join(interrupted, "run.yaml"), encoding="utf-8") as f:
        text = f.read().replace("status: complete", "status: interrupted")
    with open(os.path.join(interrupted, "run.yaml"), "w", encoding="utf-8") as f:
        f.write(text)
    os.makedirs(os.path.join(interrupted, "checkpoints"))
    open(os.path.join(interrupted, "checkpoints", "checkpoint-e000001.h5"), "w").close()
    kept = os.path.join(out, "members", "000", "aggregates.csv")
    before = os.stat(kept).st_mtime_ns
    r = run(launch)
    print(r.stdout)
    check("2 complete, 2 to run" in r.stdout, "the rerun runs only the missing and the interrupted member")
    check(os.stat(kept).st_mtime_ns == before, "a complete member's files are left alone")
    n, problems = tree_differences(os.path.join(work, "reference"), out)
    for p in problems:
        print("  " + p)
    check(not problems, f"the completed ensemble equals the uninterrupted one ({n} files, {len(problems)} differ)")
    other = subprocess.run([mpiexec, "-np", "1", regio, "ensemble", os.path.join(HERE, "quadrature.yaml"),
                            "--out", out], text=True, capture_output=True)
    check(other.returncode == 1 and "holds another ensemble" in other.stderr,
          "a folder of another ensemble is refused: " + other.stderr.strip())


def cmd_signal(regio, mpiexec, work):
    import signal
    import time
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.join(HERE, "..", "..")
    package = os.path.join(root, "inputs", "china31", "ensembles", "policy-package.yaml")
    cmd = [mpiexec, "-np", "2", regio, "shapley", package, "--epochs", "5", "--out"]
    run(cmd + [os.path.join(work, "reference")])
    out = os.path.join(work, "ensemble")
    log = os.path.join(work, "interrupted.log")
    with open(log, "w") as f:
        p = subprocess.Popen(cmd + [out], stdout=f, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None:  # a few members done, then the signal
        with open(log, encoding="utf-8") as f:
            if sum(line.startswith("member ") for line in f) >= 3:
                break
        time.sleep(0.02)
    p.send_signal(signal.SIGUSR1)  # mpirun forwards it to the ranks
    rc = p.wait(timeout=120)
    with open(log, encoding="utf-8") as f:
        print(f.read()[-600:])
    with open(os.path.join(out, "ensemble.yaml"), encoding="utf-8") as f:
        record = f.read()
    check(rc == 4 and record.rstrip().endswith("status: interrupted"),
          f"SIGUSR1 stops the ensemble: exit {rc}, ensemble.yaml {record.rstrip().splitlines()[-1]}")
    done = sum(os.path.exists(os.path.join(out, "members", m, "run.yaml")) and
               open(os.path.join(out, "members", m, "run.yaml")).read().rstrip().endswith("status: complete")
               for m in os.listdir(os.path.join(out, "members")))
    check(0 < done < 64, f"{done} of 64 members complete when it stopped")
    r = run(cmd + [out])
    check(f"{done} complete, {64 - done} to run" in r.stdout, f"the rerun runs the {64 - done} others")
    same = same_outputs.text_lines(os.path.join(out, "shapley.csv")) == \
        same_outputs.text_lines(os.path.join(work, "reference", "shapley.csv"))
    check(same, "shapley.csv equals the uninterrupted run's byte for byte")


def cmd_welfare(regio, mpiexec, work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    scenario = os.path.join(HERE, "scenario.yaml")
    launch = [mpiexec, "-np", "2", regio]
    for name, extra in (("none", ["--policies", "none"]), ("all", [])):
        run(launch + ["run", scenario, "--quiet", "--welfare-terms", "--out", os.path.join(work, name)] + extra)
    run([regio, "compare", os.path.join(work, "none"), os.path.join(work, "all"), "--out", os.path.join(work, "cmp")])
    header, rows = read_csv(os.path.join(work, "cmp", "welfare.csv"))
    agg = {}
    for name in ("none", "all"):
        h, r = read_csv(os.path.join(work, name, "aggregates.csv"))
        agg[name] = {x[0]: float(x[h.index("welfare")]) for x in r}
    channels = header[header.index("change") + 1:header.index("composition") + 1]
    worst_sum = worst_agg = worst_closure = 0.0
    for row in rows:
        v = dict(zip(header, row))
        change = float(v["change"])
        worst_agg = max(worst_agg, abs(change - (agg["all"][v["epoch"]] - agg["none"][v["epoch"]])))
        worst_sum = max(worst_sum, abs(sum(float(v[c]) for c in channels) - change))
        worst_closure = max(worst_closure, float(v["closure"]))
    check(len(channels) == 9 and rows and abs(float(rows[-1][header.index("change")])) > 1e-4,
          f"welfare.csv: {len(rows)} epochs, channels {channels}")
    check(worst_agg < 1e-13, f"its change is aggregates.csv's welfare difference ({worst_agg:.1e})")
    check(worst_sum < 1e-13, f"the channels and the composition add up to it ({worst_sum:.1e})")
    check(worst_closure < 1e-12, f"every region's channels add up to its welfare ({worst_closure:.1e})")
    out = os.path.join(work, "shapley")
    run(launch + ["shapley", scenario, "--welfare-terms", "--out", out])
    _, sw = read_csv(os.path.join(out, "shapley_welfare.csv"))
    _, sh = read_csv(os.path.join(out, "shapley.csv"))
    welfare = {(e, p): float(c) for v, e, p, c, _ in sh if v == "welfare"}
    by_policy, by_channel, totals = {}, {}, {}
    for e, p, ch, c, t in sw:
        by_policy[(e, p)] = by_policy.get((e, p), 0.0) + float(c)
        by_channel[(e, ch)] = by_channel.get((e, ch), 0.0) + float(c)
        totals[(e, ch)] = float(t)
    worst_p = max(abs(by_policy[k] - welfare[k]) for k in welfare)
    worst_c = max(abs(by_channel[k] - totals[k]) for k in totals)
    check(worst_p < 1e-13, f"shapley_welfare.csv: a policy's channels add up to its welfare in shapley.csv ({worst_p:.1e})")
    check(worst_c < 1e-13, f"shapley_welfare.csv: a channel's policies add up to its total ({worst_c:.1e})")
    dummy = max(abs(float(c)) for e, p, ch, c, t in sw if p == "no-op land")
    check(dummy == 0.0, f"the no-op policy has no part in any channel ({dummy:.1e})")


def cmd_shapley(out):
    header, rows = read_csv(os.path.join(out, "shapley.csv"))
    check(header == ["variable", "epoch", "policy", "contribution", "total"], "shapley.csv's columns")
    groups = {}
    for v, e, p, c, t in rows:
        groups.setdefault((v, int(e)), {})[p] = (float(c), float(t))
    check({v for v, _ in groups} == {"gdp", "real_gdp", "welfare", "theil", "migrant_share",
                                     "internal_trade_share"}, "the six variables")
    worst_sum = worst_sym = worst_dummy = 0.0
    moved = False
    for (v, e), g in sorted(groups.items()):
        total = next(iter(g.values()))[1]
        scale = max([abs(total)] + [abs(c) for c, _ in g.values()])
        if e == 0:
            continue
        moved = moved or scale > 0
        worst_sum = max(worst_sum, abs(sum(c for c, _ in g.values()) - total) / scale)
        worst_sym = max(worst_sym, abs(g["west boost"][0] - g["east boost"][0]) / scale)
        worst_dummy = max(worst_dummy, abs(g["no-op land"][0]) / scale)
    check(moved, "the policies change the outcomes after epoch 0")
    check(not os.path.exists(os.path.join(out, "members", "000", "welfare_terms.csv")),
          "without --welfare-terms a run writes no welfare_terms.csv")
    check(worst_sum <= 1e-12, f"contributions add up to the total: largest gap {worst_sum:.2e} of the scale")
    check(worst_sym <= 1e-9, f"west and east boosts (mirror images) contribute alike: {worst_sym:.2e}")
    check(worst_dummy <= 1e-9, f"the no-op policy contributes nothing: {worst_dummy:.2e}")


def cmd_quadrature(out):
    header, rows = read_csv(os.path.join(out, "members.csv"))
    w = [float(r[1]) for r in rows]
    check(len(rows) == 4 and abs(sum(w) - 1) < 1e-15, "4 members (2n, n = 2) with weights summing to 1")
    for col, mean, var in (("sectors.*.theta", 4.0, 0.25), ("migration.elasticity", 1.5, 1 / 12)):
        x = [float(r[header.index(col)]) for r in rows]
        m = sum(wi * xi for wi, xi in zip(w, x))
        s = sum(wi * (xi - m) ** 2 for wi, xi in zip(w, x))
        check(abs(m - mean) < 1e-12 and abs(s - var) < 1e-12, f"{col}: mean {m!r}, variance {s!r}")


def main():
    a = sys.argv[1:]
    if not a:
        raise SystemExit(__doc__)
    cmd = a[0]
    if cmd == "run":
        cmd_run(a[1], a[2], int(a[3]), int(a[4]), a[5])
    elif cmd == "identical":
        cmd_identical(a[1], a[2])
    elif cmd == "close":
        cmd_close(a[1], a[2], float(a[4]) if len(a) > 4 and a[3] == "--rtol" else 1e-8)
    elif cmd == "alone":
        cmd_alone(a[1], a[2], a[3], a[4], int(a[5]))
    elif cmd == "restart":
        cmd_restart(a[1], a[2], a[3])
    elif cmd == "signal":
        cmd_signal(a[1], a[2], a[3])
    elif cmd == "welfare":
        cmd_welfare(a[1], a[2], a[3])
    elif cmd == "shapley":
        cmd_shapley(a[1])
    elif cmd == "quadrature":
        cmd_quadrature(a[1])
    else:
        raise SystemExit(f"unknown command {cmd}\n{__doc__}")
    print(f"{len(FAILURES)} check(s) failed" if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
