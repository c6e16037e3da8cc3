#!/usr/bin/python3
"""Small helpers to run regio from Python and read its outputs.

Used by tools/fit_migration_2020.py and tools/validate_2010_2020.py.  Only the
standard library and PyYAML (Debian python3-yaml); no pip.

    drv = Regio(ranks=2)                       # build/regio, scripts/mpi-env.sh
    drv.calibrate(scenario_dict, "/tmp/x/cal.csv")
    drv.run(scenario_dict, "/tmp/x/out", epochs=1)
    rows = read_csv("/tmp/x/out/aggregates.csv")

Scenarios are plain dicts (the YAML of docs/parameters.md).  They are written
to a temporary YAML with an absolute `regions:` path, so they can live anywhere.
"""

import copy
import csv
import os
import shlex
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BINARY = os.path.join(REPO, "build", "regio")
MPI_ENV = os.path.join(REPO, "scripts", "mpi-env.sh")


class RegioError(RuntimeError):
    pass


def load_scenario(path):
    """Read a scenario YAML; make `regions:` (and `decomposition:` if a file) absolute."""
    with open(path, encoding="utf-8") as f:
        sc = yaml.safe_load(f) or {}
    base = os.path.dirname(os.path.abspath(path))
    if "regions" in sc:
        sc["regions"] = os.path.normpath(os.path.join(base, sc["regions"]))
    dec = sc.get("decomposition")
    if dec and dec != "auto":
        sc["decomposition"] = os.path.normpath(os.path.join(base, dec))
    return sc


def set_param(sc, dotted, value):
    """Return a copy of scenario `sc` with `group.key` set (creating the group)."""
    sc = copy.deepcopy(sc)
    node = sc
    keys = dotted.split(".")
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value
    return sc


def write_scenario(sc, path):
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(sc, f, sort_keys=False, default_flow_style=False)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def check_complete(outdir):
    with open(os.path.join(outdir, "run.yaml"), encoding="utf-8") as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    if not lines or lines[-1] != "status: complete":
        raise RegioError(f"{outdir}/run.yaml does not end with 'status: complete'")


class Regio:
    """Runs `mpirun -np RANKS build/regio ...` with scripts/mpi-env.sh sourced."""

    def __init__(self, ranks=2, binary=None, verbose=False):
        self.ranks = int(ranks)
        self.binary = os.path.abspath(binary or os.environ.get("REGIO", DEFAULT_BINARY))
        self.verbose = verbose
        if not os.access(self.binary, os.X_OK):
            raise RegioError(f"{self.binary} not found: build it with `cmake --build build -j2`")

    def _mpirun(self, args):
        cmd = ["mpirun", "-np", str(self.ranks), self.binary] + list(args)
        line = f". {shlex.quote(MPI_ENV)} && exec " + " ".join(shlex.quote(a) for a in cmd)
        if self.verbose:
            print("+", " ".join(cmd), file=sys.stderr)
        p = subprocess.run(["bash", "-c", line], capture_output=True, text=True)
        if p.returncode != 0:
            raise RegioError(f"regio {args[0]} failed (exit {p.returncode}):\n{p.stdout}{p.stderr}")
        return p.stdout

    def version(self):
        p = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return p.stdout.strip()

    def defaults(self):
        """Every parameter with its default (`regio params`), as a dict."""
        p = subprocess.run([self.binary, "params"], capture_output=True, text=True, check=True)
        return yaml.safe_load(p.stdout)

    def calibrate(self, sc, out_csv, workdir=None):
        """`regio calibrate`: writes the calibrated region CSV to out_csv; returns stdout."""
        workdir = workdir or os.path.dirname(os.path.abspath(out_csv))
        ypath = os.path.join(workdir, "calibrate.yaml")
        write_scenario(sc, ypath)
        return self._mpirun(["calibrate", ypath, "--out", os.path.abspath(out_csv)])

    def run(self, sc, outdir, epochs=None, workdir=None):
        """`regio run --quiet`; returns (aggregates rows, regions rows)."""
        outdir = os.path.abspath(outdir)
        workdir = workdir or os.path.dirname(outdir)
        ypath = os.path.join(workdir, os.path.basename(outdir) + ".yaml")
        write_scenario(sc, ypath)
        return self.run_file(ypath, outdir, epochs)

    def calibrate_file(self, scenario_path, out_csv):
        """`regio calibrate SCENARIO --out CSV` on a scenario file as it is."""
        return self._mpirun(["calibrate", os.path.abspath(scenario_path),
                             "--out", os.path.abspath(out_csv)])

    def run_file(self, scenario_path, outdir, epochs=None):
        """`regio run SCENARIO --out DIR --quiet` on a scenario file as it is."""
        outdir = os.path.abspath(outdir)
        args = ["run", os.path.abspath(scenario_path), "--out", outdir, "--quiet", "--overwrite"]
        if epochs is not None:
            args += ["--epochs", str(int(epochs))]
        self._mpirun(args)
        check_complete(outdir)
        return (read_csv(os.path.join(outdir, "aggregates.csv")),
                read_csv(os.path.join(outdir, "regions.csv")))
