#!/usr/bin/env bash
# Tombe & Zhu (2019) Tables 5 and 8 from regio runs (docs/replication-tombe-zhu.md).
#   bash tools/replicate_tombe_zhu.sh OUT          # OUT/table5.csv, OUT/table8.csv, OUT/runs/*
# Environment: REGIO (default build/regio), NP (MPI ranks, default 1), MPIEXEC (default mpirun).
# Six `regio counterfactual` runs (inputs/tombe-zhu-2019/table8-*.yaml); Table 5 is the base
# year's migration_costs.csv, which every run writes (taken from the first).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: replicate_tombe_zhu.sh OUT}"
regio="${REGIO:-$here/build/regio}"
np="${NP:-1}"
mpiexec="${MPIEXEC:-mpirun}"
[ -f "$here/scripts/mpi-env.sh" ] && . "$here/scripts/mpi-env.sh"
mkdir -p "$out/runs"
start=$(date +%s.%N)
for exp in internal external all; do
  for mig in migration fixed-labour; do
    rm -rf "$out/runs/$exp-$mig"  # a run's folder is never written over (docs/guarantees.md)
    "$mpiexec" -np "$np" "$regio" counterfactual "$here/inputs/tombe-zhu-2019/table8-$exp-$mig.yaml" \
      --out "$out/runs/$exp-$mig" --quiet
    tail -n 1 "$out/runs/$exp-$mig/run.yaml" | grep -qx 'status: complete'
  done
done
cp "$out/runs/internal-migration/migration_costs.csv" "$out/table5.csv"
cols="real_gdp_pct welfare_pct internal_trade_pp international_trade_pp within_province_migration_pct between_province_migration_pct"
{
  echo "experiment,migration,${cols// /,}"
  for exp in internal external all; do
    for mig in migration fixed-labour; do
      yn=$([ "$mig" = migration ] && echo yes || echo no)
      awk -F, -v ex="$exp" -v yn="$yn" -v cols="$cols" '
        NR > 1 { v[$1] = $2 }
        END { n = split(cols, c, " "); line = ex "," yn; for (k = 1; k <= n; k++) line = line "," v[c[k]]; print line }' \
        "$out/runs/$exp-$mig/national.csv"
    done
  done
} > "$out/table8.csv"
end=$(date +%s.%N)
echo "wrote $out/table5.csv and $out/table8.csv ($(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s, $np rank(s))"
