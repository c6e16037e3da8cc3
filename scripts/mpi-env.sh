# Source me before mpirun on a single machine (laptop, workstation, CI):  . scripts/mpi-env.sh
# From ../shared/toolchain/mpi-env.sh, verified on Debian 12 / Open MPI 4.1.4.
# Do NOT use on a multi-node cluster: pml/btl below restrict Open MPI to shared memory.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # mpirun as root (containers)
export OMPI_MCA_rmaps_base_oversubscribe=1                          # allow more ranks than cores
export OMPI_MCA_pml=ob1                                             # skip UCX probing: fast start
export OMPI_MCA_btl=self,vader                                      # shared memory only
export OMPI_MCA_btl_vader_single_copy_mechanism=none                # no CMA/ptrace in containers
export OMPI_MCA_mpi_yield_when_idle=1                               # no busy-polling when oversubscribed
