#!/usr/bin/python3
"""Write the small .npz fixtures that tests/test_npz.c reads.

Run from the top of the tree with Debian's python3 (it has numpy):

    /usr/bin/python3 tests/gen_npz_fixtures.py

Every array is made from a closed formula of its flat C-order index i, and
tests/test_npz.c recomputes the same formula in C instead of copying numbers:

    F32(i) = float32(i - 3) / float32(7)          (float32 division)
    F64(i) = float64(i - 2) / 3.0                 (float64 division)
    I32(i) = (i - 2) * 1000000007
    I64(i) = (i - 3) * 3000000000037
    U8(i)  = (i * 37 + 200) % 256
    B(i)   = i % 3 == 0

savez.npz (np.savez, stored) and savez_compressed.npz (np.savez_compressed,
deflated) hold the same arrays:

    rnn.weight_ih_l0  float32  (2, 3)     F32
    f64               float64  (5,)       F64
    i32               int32    (4,)       I32
    i64               int64    (2, 3)     I64
    u8                uint8    (10,)      U8
    bool              bool     (7,)       B
    scalar            float64  ()         F64(1) = -1/3
    empty             float32  (0, 3)     -
    fortran           float64  (3, 4)     F64, stored in Fortran order
    cube              float32  (2, 3, 4)  F32
    be_f32            >f4      (5,)       F32
    be_f64            >f8      (3,)       F64
    be_i32            >i4      (4,)       I32
    be_i64            >i8      (3,)       I64

versions.npz is built member by member with np.lib.format.write_array, to
cover .npy header versions 2.0 and 3.0 and the rarer dtypes:

    v1_i8       int8    (6,)       (i - 3) * 40           header 1.0
    v2_i16      <i2     (2, 2)     (i - 2) * 10000        header 2.0
    v2_u16      <u2     (3,)       i * 30000              header 2.0
    v3_u32      <u4     (3,)       i * 2000000000         header 3.0
    v3_u64      <u8     (2,)       i * 2**63 + 1          header 3.0
    fortran_be  >i4     (2, 3, 2)  (i - 5) * 100000007    Fortran order, 1.0

And a few small broken or unusual archives:

    empty.npz      np.savez() with no arrays: a valid, empty archive
    dup.npz        two members named a.npy
    notnpy.npz     a.npy and a member readme.txt that is not an array
    badshape.npz   member w.npy whose header claims shape (2**62, 2**62)
    bzip2.npz      member a.npy compressed with bzip2 (not what numpy writes)
"""
import io
import os
import warnings
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "npz")


def idx(shape):
    return np.arange(int(np.prod(shape, dtype=np.int64)), dtype=np.int64).reshape(shape)


def f32(shape):
    return (idx(shape).astype(np.float32) - np.float32(3)) / np.float32(7)


def f64(shape):
    return (idx(shape).astype(np.float64) - 2.0) / 3.0


def i32(shape):
    return ((idx(shape) - 2) * 1000000007).astype(np.int32)


def i64(shape):
    return (idx(shape) - 3) * 3000000000037


def u8(shape):
    return ((idx(shape) * 37 + 200) % 256).astype(np.uint8)


def main_arrays():
    a = {
        "rnn.weight_ih_l0": f32((2, 3)),
        "f64": f64((5,)),
        "i32": i32((4,)),
        "i64": i64((2, 3)),
        "u8": u8((10,)),
        "bool": idx((7,)) % 3 == 0,
        "scalar": np.array(np.float64(-1.0) / 3.0),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "fortran": np.asfortranarray(f64((3, 4))),
        "cube": f32((2, 3, 4)),
        "be_f32": f32((5,)).astype(">f4"),
        "be_f64": f64((3,)).astype(">f8"),
        "be_i32": i32((4,)).astype(">i4"),
        "be_i64": i64((3,)).astype(">i8"),
    }
    assert a["fortran"].flags.f_contiguous and not a["fortran"].flags.c_contiguous
    assert a["scalar"].shape == ()
    return a


def npy_bytes(arr, version):
    f = io.BytesIO()
    np.lib.format.write_array(f, arr, version=version, allow_pickle=False)
    return f.getvalue()


def write_zip(name, members, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", method) as z:
        for mname, data in members:
            z.writestr(zipfile.ZipInfo(mname, (1980, 1, 1, 0, 0, 0)), data,
                       compress_type=method)


def raw_npy(header_dict, data=b""):
    """A version 1.0 .npy with the given header text, padded as numpy does."""
    h = header_dict.encode("latin1")
    pad = 64 - (10 + len(h) + 1) % 64
    h += b" " * (pad % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(h).to_bytes(2, "little") + h + data


def main():
    os.makedirs(OUT, exist_ok=True)
    arrays = main_arrays()
    np.savez(os.path.join(OUT, "savez.npz"), **arrays)
    np.savez_compressed(os.path.join(OUT, "savez_compressed.npz"), **arrays)

    i = idx
    fb = ((i((2, 3, 2)) - 5) * 100000007).astype(">i4")
    versions = [
        ("v1_i8", ((i((6,)) - 3) * 40).astype(np.int8), (1, 0)),
        ("v2_i16", ((i((2, 2)) - 2) * 10000).astype("<i2"), (2, 0)),
        ("v2_u16", (i((3,)) * 30000).astype("<u2"), (2, 0)),
        ("v3_u32", (i((3,)) * 2000000000).astype("<u4"), (3, 0)),
        ("v3_u64", (i((2,)).astype(np.uint64) * np.uint64(2**63) + np.uint64(1)), (3, 0)),
        ("fortran_be", np.asfortranarray(fb), (1, 0)),
    ]
    write_zip("versions.npz", [(n + ".npy", npy_bytes(a, v)) for n, a, v in versions])

    np.savez(os.path.join(OUT, "empty.npz"))
    one = npy_bytes(f32((2,)), (1, 0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate
        write_zip("dup.npz", [("a.npy", one), ("a.npy", one)])
    write_zip("notnpy.npz", [("a.npy", one), ("readme.txt", b"not an array\n")])
    write_zip("badshape.npz", [("w.npy", raw_npy(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904), }"))])
    write_zip("bzip2.npz", [("a.npy", one)], zipfile.ZIP_BZIP2)

    # Check what we wrote the way a user would.
    for name in ("savez.npz", "savez_compressed.npz"):
        with np.load(os.path.join(OUT, name)) as z:
            assert sorted(z.files) == sorted(arrays)
            for k, v in arrays.items():
                assert z[k].dtype == v.dtype and z[k].shape == v.shape
                assert np.array_equal(z[k], v)
    with np.load(os.path.join(OUT, "versions.npz")) as z:
        for n, a, _ in versions:
            assert z[n].dtype == a.dtype and np.array_equal(z[n], a)
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d files, %d bytes, in %s" % (len(os.listdir(OUT)), total, OUT))


if __name__ == "__main__":
    main()
