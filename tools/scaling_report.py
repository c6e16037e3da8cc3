#!/usr/bin/python3
"""Speedup and parallel efficiency of regio runs (a scaling study, jobscripts/scaling.sh).

    tools/scaling_report.py OUTROOT [--mode auto|strong|weak] [--out DIR] [--skip-first K] [--no-plots]
    tools/scaling_report.py RUN_DIR RUN_DIR ... --out DIR

Reads every run folder (OUTROOT/*/ with a run.yaml, or the folders given): run.yaml for the
rank count, scenario, regions, status, kernel storage and decomposition imbalance (max/mean
regions per rank: the busiest rank sets the pace); solver.csv for the seconds and
residual evaluations of each epoch. A warning (stderr and scaling.md) says when the kernel rows
were stored at some rank counts and recomputed at others (solver.kernels: auto and the memory
per rank), since that switch, not the code, would then make the speedup. Time per
epoch T(p) = mean of solver.csv `seconds` over the epochs after the first K (default 1: the
first epoch starts from the initial guess and needs more Newton iterations); several runs at
the same rank count: the median of their T.

    strong (same scenario everywhere):  S(p) = p0 * T(p0) / T(p),   E(p) = S(p) / p
    weak   (work per rank constant):    E(p) = T(p0) / T(p),        S(p) = p * E(p)  (scaled)
p0 is the smallest rank count measured; ideal S(p) = p, E(p) = 1. --mode auto: strong if all
runs have the same scenario and number of regions, else weak.

Writes DIR/scaling.csv, DIR/scaling.md, DIR/speedup.png (with the ideal line) and
DIR/efficiency.png (DIR = OUTROOT by default). Runs whose run.yaml is not `status: complete`
are left out and listed. PNGs need python3-matplotlib (Debian); exit 1 if it is missing
(tables are written first).
"""
import argparse
import csv
import os
import re
import statistics
import sys


def top_level(path):
    """Top-level scalars of run.yaml (no YAML library needed) and the status line."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z_]+):\s*(.*?)\s*$", line)
            if m and m.group(2):
                v = m.group(2)
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
                    v = v[1:-1]
                out[m.group(1)] = v
    return out


def read_run(d, skip_first):
    info = top_level(os.path.join(d, "run.yaml"))
    with open(os.path.join(d, "solver.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError("solver.csv has no epochs")
    secs = [float(r["seconds"]) for r in rows]
    newton = [float(r["nonlinear_iterations"]) for r in rows]
    evals = [float(r.get("residual_evaluations") or "nan") for r in rows]
    k = skip_first if len(rows) > skip_first else 0
    return {
        "dir": d,
        "ranks": int(info["ranks"]),
        "regions": int(info.get("regions", 0)),
        "scenario": info.get("scenario_file", "?"),
        "status": info.get("status", "?"),
        "restarted": bool(info.get("restarted_from")),
        "epochs": len(rows),
        "epochs_timed": len(rows) - k,
        "t_epoch": statistics.fmean(secs[k:]),
        "t_total": sum(secs),
        "newton": statistics.fmean(newton[k:]),
        "evals": statistics.fmean(evals[k:]),
        # stored | on_the_fly | mixed (run.yaml since 2026-11-24; "?" before)
        "kernels": info.get("kernel_storage", "?"),
        # max/mean regions per rank (run.yaml since 2026-11-24; nan before)
        "imbalance": float(info.get("decomposition_imbalance", "nan")),
    }


def find_runs(paths):
    dirs = []
    for p in paths:
        if os.path.exists(os.path.join(p, "run.yaml")):
            dirs.append(p)
        elif os.path.isdir(p):
            subs = sorted(os.path.join(p, s) for s in os.listdir(p) if os.path.exists(os.path.join(p, s, "run.yaml")))
            if not subs:
                sys.exit(f"scaling_report: {p}: no run.yaml in it or in its subfolders")
            dirs += subs
        else:
            sys.exit(f"scaling_report: {p}: no such folder")
    return dirs


def fmt(x, nd=3):
    return f"{x:.{nd}f}"


def plots(table, mode, title, outdir):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("scaling_report: PNGs need matplotlib: apt-get install -y python3-matplotlib", file=sys.stderr)
        return False
    p = [r["ranks"] for r in table]
    s = [r["speedup"] for r in table]
    e = [r["efficiency"] for r in table]
    log = max(p) / min(p) >= 8
    label = "scaled speedup p·T(p0)/T(p)" if mode == "weak" else "speedup p0·T(p0)/T(p)"

    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=120)
    ideal_x = [min(p), max(p)] if not log else sorted(set([min(p), max(p)] + p))
    ax.plot(ideal_x, ideal_x, "--", color="0.5", lw=1.5, label="ideal (S = p)")
    ax.plot(p, s, "o-", color="tab:blue", lw=2, ms=7, label=f"measured ({mode} scaling)")
    for x, y in zip(p, s):
        ax.annotate(f"{y:.2f}", (x, y), textcoords="offset points", xytext=(6, -12), fontsize=10)
    ax.set_xlabel("MPI ranks p", fontsize=12)
    ax.set_ylabel(label, fontsize=12)
    if log:
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
    else:
        ax.set_xlim(0, max(p) * 1.1 + 0.5)
        ax.set_ylim(0, max(max(p), max(s)) * 1.15 + 0.2)
    ax.set_xticks(p)
    ax.set_xticklabels([str(x) for x in p])
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=10)
    ax.set_title(f"Speedup — {title}", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "speedup.png"))
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=120)
    ax.axhline(100, ls="--", color="0.5", lw=1.5, label="ideal (100 %)")
    ax.plot(p, [100 * x for x in e], "o-", color="tab:red", lw=2, ms=7, label=f"measured ({mode} scaling)")
    for x, y in zip(p, e):
        ax.annotate(f"{100 * y:.0f} %", (x, 100 * y), textcoords="offset points", xytext=(6, 6), fontsize=10)
    ax.set_xlabel("MPI ranks p", fontsize=12)
    ax.set_ylabel("parallel efficiency E(p) [%]", fontsize=12)
    if log:
        ax.set_xscale("log", base=2)
    ax.set_xticks(p)
    ax.set_xticklabels([str(x) for x in p])
    ax.set_ylim(0, max(110, 100 * max(e) * 1.15))
    if not log:
        ax.set_xlim(min(p) - 0.5, max(p) * 1.1 + 0.5)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize=10)
    ax.set_title(f"Efficiency — {title}", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "efficiency.png"))
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="OUTROOT of a study, or run folders")
    ap.add_argument("--mode", choices=["auto", "strong", "weak"], default="auto")
    ap.add_argument("--out", help="folder for the tables and plots (default: the single OUTROOT)")
    ap.add_argument("--skip-first", type=int, default=1, metavar="K", help="epochs left out of T (default 1)")
    ap.add_argument("--no-plots", action="store_true")
    a = ap.parse_args()
    outdir = a.out or (a.paths[0] if len(a.paths) == 1 else None)
    if not outdir:
        ap.error("--out is required with several paths")

    runs, skipped = [], []
    for d in find_runs(a.paths):
        try:
            r = read_run(d, a.skip_first)
        except (OSError, KeyError, ValueError) as err:
            skipped.append((d, f"unreadable: {err}"))
            continue
        if r["status"] != "complete":
            skipped.append((d, f"status {r['status']}"))
        else:
            runs.append(r)
    for d, why in skipped:
        print(f"scaling_report: left out {d}: {why}", file=sys.stderr)
    if not runs:
        sys.exit("scaling_report: no complete run")

    same = len({(r["scenario"], r["regions"]) for r in runs}) == 1
    mode = a.mode if a.mode != "auto" else ("strong" if same else "weak")
    if mode == "strong" and not same:
        print("scaling_report: warning: strong scaling over different scenarios/region counts", file=sys.stderr)
    if len({r["ranks"] for r in runs}) < 2:
        print("scaling_report: warning: only one rank count: nothing to compare", file=sys.stderr)

    by_p = {}
    for r in runs:
        by_p.setdefault(r["ranks"], []).append(r)
    table = []
    for p in sorted(by_p):
        rs = by_p[p]
        table.append({
            "ranks": p, "runs": len(rs),
            "scenario": rs[0]["scenario"], "regions": rs[0]["regions"],
            "regions_per_rank": rs[0]["regions"] / p,
            "epochs_timed": rs[0]["epochs_timed"],
            "t_epoch": statistics.median(r["t_epoch"] for r in rs),
            "newton": statistics.median(r["newton"] for r in rs),
            "evals": statistics.median(r["evals"] for r in rs),
            "kernels": "/".join(sorted({r["kernels"] for r in rs})),
            "imbalance": statistics.median(r["imbalance"] for r in rs),
        })
    # Recomputed kernel rows cost about 20x stored ones per residual (solver.kernels: auto
    # switches by the memory per rank): a speedup across that switch is not the code's scaling.
    kinds = {row["kernels"] for row in table}
    kernel_note = ""
    if len(kinds) > 1:
        kernel_note = ("kernel storage differs across rank counts (" +
                       ", ".join(f"{row['ranks']}: {row['kernels']}" for row in table) +
                       "): the speedup includes the switch between recomputed and stored kernel rows; set "
                       "solver.kernels explicitly or give every job enough memory per rank (docs/slurm.md)")
        print(f"scaling_report: warning: {kernel_note}", file=sys.stderr)
    p0, t0 = table[0]["ranks"], table[0]["t_epoch"]
    for row in table:
        if mode == "strong":
            row["speedup"] = p0 * t0 / row["t_epoch"]
            row["efficiency"] = row["speedup"] / row["ranks"]
        else:
            row["efficiency"] = t0 / row["t_epoch"]
            row["speedup"] = row["ranks"] * row["efficiency"]

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "scaling.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["mode", "ranks", "runs", "scenario", "regions", "regions_per_rank", "epochs_timed",
                    "seconds_per_epoch", "newton_per_epoch", "speedup", "efficiency", "ideal_speedup",
                    "residual_evaluations_per_epoch", "kernel_storage", "decomposition_imbalance"])
        for r in table:
            w.writerow([mode, r["ranks"], r["runs"], r["scenario"], r["regions"], f"{r['regions_per_rank']:.4g}",
                        r["epochs_timed"], f"{r['t_epoch']:.6g}", f"{r['newton']:.4g}", f"{r['speedup']:.4f}",
                        f"{r['efficiency']:.4f}", r["ranks"], f"{r['evals']:.4g}", r["kernels"], f"{r['imbalance']:.4f}"])

    scen = sorted({r["scenario"] for r in table})
    short = lambda f: "/".join(f.split("/")[-2:])  # inputs/china31/baseline.yaml -> china31/baseline.yaml
    title = (f"{short(scen[0])} ({table[0]['regions']} regions)" if mode == "strong"
             else f"weak, {table[0]['regions_per_rank']:.3g}–{table[-1]['regions_per_rank']:.3g} regions/rank")
    md = [f"# Scaling report ({mode} scaling)", "",
          f"Runs: {', '.join(sorted({os.path.dirname(os.path.abspath(r['dir'])) for r in runs}))}; "
          f"scenario{'s' if len(scen) > 1 else ''}: {', '.join(scen)}.",
          f"T = mean seconds per epoch (solver.csv) without the first {a.skip_first} epoch(s); "
          f"p0 = {p0} rank{'s' if p0 > 1 else ''}; "
          + ("S = p0·T(p0)/T(p), E = S/p." if mode == "strong" else "E = T(p0)/T(p), scaled S = p·E."),
          "",
          "| ranks | regions | regions/rank | imbalance | runs | epochs timed | s/epoch | Newton/epoch | F evals/epoch | kernels | speedup | ideal | efficiency |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for r in table:
        md.append(f"| {r['ranks']} | {r['regions']} | {r['regions_per_rank']:.3g} | {r['imbalance']:.3f} | {r['runs']} | {r['epochs_timed']} | "
                  f"{r['t_epoch']:.4g} | {r['newton']:.3g} | {r['evals']:.3g} | {r['kernels']} | {r['speedup']:.2f} | {r['ranks']} | "
                  f"{100 * r['efficiency']:.0f} % |")
    if kernel_note:
        md += ["", "**Warning:** " + kernel_note + "."]
    if skipped:
        md += ["", "Left out (not complete): " + "; ".join(f"`{d}` ({why})" for d, why in skipped)]
    md += ["", "![speedup](speedup.png) ![efficiency](efficiency.png)", ""]
    with open(os.path.join(outdir, "scaling.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    print("\n".join(ln for ln in md if ln.startswith("|")))
    ok = True
    if not a.no_plots:
        ok = plots(table, mode, title, outdir)
    print(f"scaling_report: wrote {outdir}/scaling.csv, scaling.md" + (", speedup.png, efficiency.png" if ok and not a.no_plots else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
