#!/usr/bin/python3
"""What limits the Krylov iterations of one Newton step (docs/numerics.md, "The spectrum of the
preconditioned operator").

Reads the dump that `regio run ... -- -national_dump_operator FILE` writes (one rank: the
explicit preconditioned operator A = J P⁻¹ of one Newton step, column by column, and the step's
right-hand side G) and reports
  1. GMRES on A with G, as the solver ran it (relative residual after each iteration);
  2. the eigenvalues of A by distance from 1, with the share of G in their eigenvectors, the
     kind of unknown they live on and how localised they are (largest share of one region and
     of one province);
  3. how many GMRES iterations ideal additions to the preconditioner would leave, to relative
     tolerances 1e-2, 1e-4 and 1e-6: exact inverses of the within-province blocks of A, an exact
     coarse solve on the province averages of all provinces together (cross-province coupling
     included), and exact deflation of the k eigenvalues farthest from 1.
--monitor LOG checks (2.) against the solver's own -national_ksp_monitor lines for that step
(the same run, with -national_dump_operator_solve K and _step S): exit 1 if they disagree.

  regio run inputs/china-prefectures/baseline.yaml --epochs 5 -- -national_dump_operator op.bin \\
      -national_dump_operator_solve 4 -national_dump_operator_step 2
  tools/krylov_spectrum.py op.bin --regions inputs/china-prefectures/regions_calibrated.csv

The unknowns are in CSV order (one rank), `block` per region in the order log w, log r,
log q, log L of the markets that exist (docs/numerics.md). NumPy only.
"""
import argparse
import csv
import re
import sys

import numpy as np


def read_dump(path):
    with open(path, "rb") as f:
        n = int(np.frombuffer(f.read(8), dtype=np.int64)[0])
        data = np.frombuffer(f.read(), dtype=np.float64)
    if data.size != n * n + n:
        sys.exit(f"{path}: expected {n * n + n} doubles after the size {n}, found {data.size}: not a complete dump")
    return data[: n * n].reshape(n, n).T.copy(), data[n * n:].copy()  # A (columns were written), G


def gmres_history(A, b, tol=1e-8, max_its=60):
    """Relative residual norms of full GMRES (x0 = 0), one per iteration; A a matrix or a function."""
    op = A if callable(A) else (lambda v: A @ v)
    beta = np.linalg.norm(b)
    V = np.zeros((max_its + 1, b.size))
    H = np.zeros((max_its + 1, max_its))
    V[0] = b / beta
    history = []
    for k in range(max_its):
        w = op(V[k])
        for i in range(k + 1):  # modified Gram-Schmidt, twice (the dumps are not well conditioned)
            H[i, k] = V[i] @ w
            w = w - H[i, k] * V[i]
        for i in range(k + 1):
            c = V[i] @ w
            H[i, k] += c
            w = w - c * V[i]
        H[k + 1, k] = np.linalg.norm(w)
        e1 = np.zeros(k + 2)
        e1[0] = beta
        y = np.linalg.lstsq(H[: k + 2, : k + 1], e1, rcond=None)[0]
        history.append(np.linalg.norm(H[: k + 2, : k + 1] @ y - e1) / beta)
        if history[-1] < tol or H[k + 1, k] < 1e-14 * beta:
            break
        V[k + 1] = w / H[k + 1, k]
    return history


def iterations(history, tol):
    for k, r in enumerate(history):
        if r < tol:
            return k + 1
    return None


def monitor_lines(log, solve, step):
    """KSP residual norms of Newton step `step` of the `solve`-th SNES solve in a monitor log."""
    snes = re.compile(r"^\s*(\d+) SNES Function norm")
    ksp = re.compile(r"^\s*(\d+) KSP Residual norm\s+(\S+)")
    solves, current_step, norms = 0, None, []
    for line in open(log):
        m = snes.match(line)
        if m:
            it = int(m.group(1))
            if it == 0:
                solves += 1
            current_step = it if solves == solve else None
            continue
        m = ksp.match(line)
        if m and current_step == step:
            norms.append(float(m.group(2)))
    return norms


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("--regions", required=True, help="the regions CSV of the run (CSV order = the unknowns' order)")
    ap.add_argument("--monitor", help="log of the same run with -national_ksp_monitor: check GMRES against it")
    ap.add_argument("--solve", type=int, default=1, help="with --monitor: the -national_dump_operator_solve of the run")
    ap.add_argument("--step", type=int, default=0, help="with --monitor: the -national_dump_operator_step of the run")
    ap.add_argument("--max-eigen", type=int, default=4000,
                    help="skip the eigenvalues above this many unknowns (O(n³); Debian's reference LAPACK: minutes at 4,000)")
    args = ap.parse_args()

    A, G = read_dump(args.dump)
    n = G.size
    with open(args.regions, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or "province" not in rows[0]:
        sys.exit(f"{args.regions}: no `province` column")
    if n % len(rows):
        sys.exit(f"{args.dump}: {n} unknowns are not a whole number per region of {args.regions} ({len(rows)} regions)")
    block = n // len(rows)
    names = sorted({r["province"] for r in rows})
    province = np.repeat([names.index(r["province"]) for r in rows], block)
    kind = np.tile(np.arange(block), len(rows))
    print(f"{args.dump}: {n} unknowns, {len(rows)} regions × {block}, {len(names)} provinces, ‖G‖ = {np.linalg.norm(G):.3e}")

    history = gmres_history(A, G)
    print("\nGMRES on the dumped operator, relative residual after each iteration:")
    print("  " + " ".join(f"{r:.2e}" for r in history[:12]))
    status = 0
    if args.monitor:
        norms = monitor_lines(args.monitor, args.solve, args.step)
        if len(norms) < 2:
            sys.exit(f"{args.monitor}: no KSP monitor lines for Newton step {args.step} of solve {args.solve}")
        solver = [r / norms[0] for r in norms[1:]]
        # Finite-difference products of a combination differ from the combination of the
        # columns' products by about 1e-8 relative: compare while the residual is above 1e-5.
        compared = [(a, b) for a, b in zip(solver, history) if a > 1e-5]
        worst = max(abs(a - b) / a for a, b in compared) if compared else 0.0
        ok = compared and worst < 0.02
        print(f"solver's own GMRES for that step: " + " ".join(f"{r:.2e}" for r in solver))
        print(f"agreement over {len(compared)} iterations: worst relative difference {worst:.1e}: {'OK' if ok else 'DIFFERENT'}")
        status = 0 if ok else 1

    if n <= args.max_eigen:
        ev, V = np.linalg.eig(A)
        coef = np.linalg.solve(V, G)
        energy = np.abs(coef) ** 2
        energy /= energy.sum()
        dist = np.abs(ev - 1)
        print("\nEigenvalues of A by |λ − 1|: count, share of G, mean share of each kind, largest share of one region / province")
        print(f"  {'|λ − 1|':>14} {'count':>6} {'of G':>6}  kinds{'':{max(0, 6 * block - 5)}}  region province")
        for lo, hi in ((0.3, np.inf), (0.1, 0.3), (0.03, 0.1), (0.01, 0.03), (0.0, 0.01)):
            sel = np.where((dist >= lo) & (dist < hi))[0]
            if sel.size == 0:
                continue
            kinds, top_region, top_province = [], [], []
            for k in sel:
                e = np.abs(V[:, k]) ** 2
                e /= e.sum()
                kinds.append([e[kind == f].sum() for f in range(block)])
                per_region = e.reshape(-1, block).sum(1)
                top_region.append(per_region.max())
                top_province.append(np.bincount(province[::block], weights=per_region).max())
            label = f"[{lo:g}, {hi:g})" if np.isfinite(hi) else f"≥ {lo:g}"
            print(f"  {label:>14} {sel.size:6d} {energy[sel].sum():6.2f}  " + " ".join(f"{x:.2f}" for x in np.mean(kinds, 0))
                  + f"  {np.mean(top_region):6.2f} {np.mean(top_province):8.2f}")
        farthest = np.argsort(-dist)
        print("  farthest from 1: " + ", ".join(f"{ev[k].real:.3f}" + (f"{ev[k].imag:+.3f}i" if abs(ev[k].imag) > 1e-9 else "")
                                              for k in farthest[:8]))

    print("\nGMRES iterations to 1e-2 / 1e-4 / 1e-6 with ideal additions to the preconditioner:")

    def report(label, op):
        h = gmres_history(op, G)
        print(f"  {label:58s} " + " / ".join(str(iterations(h, t) or "—") for t in (1e-2, 1e-4, 1e-6)))

    report("as dumped", A)
    # Operators are applied, never multiplied out: O(n²) per GMRES iteration.
    blocks = []
    for p in range(len(names)):
        idx = np.where(province == p)[0]
        blocks.append((idx, np.linalg.inv(A[np.ix_(idx, idx)])))

    def province_blocks(v):
        y = np.empty_like(v)
        for idx, inv in blocks:
            y[idx] = inv @ v[idx]
        return y

    report("× exact inverses of the within-province blocks", lambda v: A @ province_blocks(v))
    groups = province * block + kind
    sizes = np.bincount(groups).astype(float)
    AZ = np.zeros((n, sizes.size))  # A Z: the columns of A summed by province and kind
    for g in range(sizes.size):
        AZ[:, g] = A[:, groups == g].sum(1)
    coarse = np.array([np.bincount(groups, weights=AZ[:, g]) / sizes for g in range(sizes.size)]).T  # R A Z
    correction = np.linalg.inv(coarse) - np.eye(sizes.size)

    def coupled_coarse(v):
        return v + (correction @ (np.bincount(groups, weights=v) / sizes))[groups]

    report("× exact coarse solve on all province averages (coupled)", lambda v: A @ coupled_coarse(v))
    if n <= args.max_eigen:
        for k in (1, 10, 50):
            Vk, lk = V[:, farthest[:k]], ev[farthest[:k]]
            left = np.diag(1 / lk - 1) @ np.linalg.pinv(Vk)
            report(f"× exact on the {k} eigenvectors farthest from 1", lambda v, Vk=Vk, left=left: np.real(A @ (v + Vk @ (left @ v))))
    return status


if __name__ == "__main__":
    sys.exit(main())
