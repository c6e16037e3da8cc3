#!/usr/bin/python3
"""Damage a regio checkpoint the way bit rot or a careless edit would (tests/faults).

    damage_checkpoint.py CHECKPOINT MODE

MODE: flip-data (one bit of /state/capital's raw bytes, found with h5py, flipped in place),
flip-attribute (the root attribute `epoch` changed, its checksum not), negative-capital
(/state/capital of the second region set to -1 and its checksum recomputed to match, as
include/regio/checkpoint_arrays.hpp documents it), nan-prices (likewise a NaN wage),
break-continuation (one bit of the address of the root group's second object-header
continuation flipped, sending it past the end of the file: the damage that hung a parallel
restart inside H5Fopen before regio walked such files serially first, src/io/hdf5_probe.cpp; it
applies to any HDF5 file of regio, regions.h5 too), flip-random SEED (one random bit anywhere in the file; a file the running run pruned meanwhile
is left alone).
"""
import random
import struct
import sys

import h5py
import numpy as np


def fnv1a(data, h=1469598103934665603):
    for b in data:
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h


def checksum(values):
    rows = values.reshape(values.shape[0], -1)
    return sum(fnv1a(r.astype("<f8").tobytes(), fnv1a(np.uint64(i).tobytes())) for i, r in enumerate(rows)) % 2**64


def flip_bit(path, offset, bit=3):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([b ^ (1 << bit)]))


def continuation_addresses(data, address, length=None):
    """File offsets of the continuation addresses in a version-1 object header and its blocks."""
    if length is None:  # the header's prefix: version, reserved, messages, references, size, padding
        version, _, _, _, size = struct.unpack_from("<BBHII", data, address)
        if version != 1:
            sys.exit(f"object header version {version}: break-continuation knows version 1 only")
        position, end = address + 16, address + 16 + size
    else:
        position, end = address, address + length
    found = []
    while position + 8 <= end:
        kind, size = struct.unpack_from("<HH", data, position)
        if kind == 0x10:  # continuation: offset, length
            found.append(position + 8)
            offset, block = struct.unpack_from("<QQ", data, position + 8)
            found += continuation_addresses(data, offset, block)
        position += 8 + size
    return found


def break_continuation(path):
    with h5py.File(path, "r") as f:
        root = h5py.h5o.get_info(f.id).addr
    with open(path, "rb") as f:
        data = f.read()
    found = continuation_addresses(data, root)
    if len(found) < 2:
        sys.exit(f"{path}: the root group has {len(found)} header continuations; break-continuation needs 2")
    flip_bit(path, found[1] + 6, 3)


def set_value(path, name, index, value):
    with h5py.File(path, "r+") as f:
        d = f[name]
        data = d[()]
        data[index] = value
        d[...] = data
        d.attrs.modify("checksum", np.uint64(checksum(data)))


def main():
    path, mode = sys.argv[1], sys.argv[2]
    if mode == "flip-data":
        with h5py.File(path, "r") as f:
            offset = f["state/capital"].id.get_offset()
        flip_bit(path, offset + 8 + 6)  # the second region's value, a bit of its exponent
    elif mode == "flip-attribute":
        with h5py.File(path, "r+") as f:
            f.attrs.modify("epoch", np.uint64(int(f.attrs["epoch"]) - 1))
    elif mode == "negative-capital":
        set_value(path, "state/capital", (1, 0), -1.0)
    elif mode == "nan-prices":
        set_value(path, "state/prices", (2, 0), float("nan"))
    elif mode == "break-continuation":
        break_continuation(path)
    elif mode == "flip-random":
        rng = random.Random(int(sys.argv[3]))
        try:
            with open(path, "rb") as f:
                size = len(f.read())
            flip_bit(path, rng.randrange(size), rng.randrange(8))
        except FileNotFoundError:
            # The harness damages a checkpoint of a run in progress, which may prune it first.
            print(f"{path}: pruned by the run before it could be damaged")
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
