#!/bin/bash
# Install regio's build and run dependencies from Debian 12 (bookworm) packages.
# Runs apt-get as root (directly, or through sudo when invoked by a normal user).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
APT="$SUDO apt-get -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends"
PACKAGES=(
  cmake g++ make pkg-config git python3          # build tools; python3 for tools/
  python3-numpy python3-yaml python3-matplotlib  # tools/, bench/ (NumPy reference), plots, sweeps
  python3-h5py python3-pandas                    # reading regions.h5 and checkpoints (tools/, tests)
  libopenmpi-dev openmpi-bin openssh-client      # Open MPI 4.1 (mpirun needs an rsh/ssh agent binary)
  petsc-dev                                      # PETSc 3.18 (SNES, KSP, -log_view)
  libboost-mpi-dev libboost-serialization-dev    # object messages between ranks
  libyaml-cpp-dev libcli11-dev libfmt-dev        # configuration, CLI, formatting
  libhdf5-openmpi-dev                            # parallel HDF5: checkpoints
  libsleef-dev                                   # deterministic vector exp/log1p/asin (kernel rows)
  libgtest-dev libbenchmark-dev                  # tests, micro-benchmarks
  clang libclang-rt-14-dev                       # libFuzzer for fuzz/ (label fuzz)
  clang-format                                   # scripts/check_format.sh (CTest format)
  chromium                                       # headless: CTests report_* render regio report's page
)
# Single-node SLURM for the jobscripts tests (label slurm); skip with REGIO_NO_SLURM=1.
if [ "${REGIO_NO_SLURM:-0}" != 1 ]; then PACKAGES+=(slurm-wlm munge); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
$APT install "${missing[@]}"
