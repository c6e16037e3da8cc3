#!/usr/bin/python3
"""Damage a regio checkpoint the way bit rot or a careless edit would (tests/faults).

    damage_checkpoint.py CHECKPOINT MODE

MODE: flip-data (one bit of /state/capital's raw bytes, found with h5py, flipped in place),
flip-attribute (the root attribute `epoch` changed, its checksum not), negative-capital
(/state/capital of the second region set to -1 and its checksum recomputed to match, as
include/regio/checkpoint_arrays.hpp documents it), nan-prices (likewise a NaN wage),
flip-random SEED (one random bit anywhere in the file).
"""
import random
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
    elif mode == "flip-random":
        rng = random.Random(int(sys.argv[3]))
        with open(path, "rb") as f:
            size = len(f.read())
        flip_bit(path, rng.randrange(size), rng.randrange(8))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
