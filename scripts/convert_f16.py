#!/usr/bin/env python3
"""Rewrites a safetensors file with every F32 tensor stored as F16 (round to nearest even); other
tensors and the metadata are copied unchanged. The page then downloads half as much and the
forward pass still computes in f32.

    python3 scripts/convert_f16.py SOURCE.safetensors DEST.safetensors

Python standard library only. The output is byte for byte what the Rust core's
`model::safetensors::convert_to_f16` writes: tensors sorted by name, the header compact JSON with
sorted keys, padded with spaces to a multiple of 8 bytes.
"""

import json
import struct
import sys
from array import array

CHUNK = 1 << 20  # values converted per struct.pack call
F16_MAX = 65504.0
HEADER_LIMIT = 100_000_000


def fail(message):
    sys.exit(f"convert_f16: {message}")


def read_header(data, path):
    if len(data) < 8:
        fail(f"{path} is too short to be safetensors")
    (length,) = struct.unpack_from("<Q", data, 0)
    if length > HEADER_LIMIT or 8 + length > len(data):
        fail(f"{path} declares a header of {length} bytes: truncated or not safetensors")
    try:
        header = json.loads(bytes(data[8:8 + length]))
    except ValueError as e:
        fail(f"{path} has a header that is not JSON ({e})")
    if not isinstance(header, dict):
        fail(f"{path} has a header that is not a JSON object")
    return header, 8 + length


def f32_to_f16(raw, name):
    values = array("f")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    out = bytearray()
    for start in range(0, len(values), CHUNK):
        part = values[start:start + CHUNK]
        try:
            out += struct.pack(f"<{len(part)}e", *part)
        except (OverflowError, struct.error):
            worst = max(part, key=abs)
            fail(f"tensor {name} holds {worst}, beyond the F16 range (±{F16_MAX:g})")
    return bytes(out)


def convert(source, dest):
    with open(source, "rb") as f:
        data = memoryview(f.read())
    header, data_start = read_header(data, source)
    body = data[data_start:]
    out_header = {}
    if "__metadata__" in header:
        out_header["__metadata__"] = header["__metadata__"]
    chunks, offset = [], 0
    for name in sorted(k for k in header if k != "__metadata__"):
        info = header[name]
        begin, end = info["data_offsets"]
        if not 0 <= begin <= end <= len(body):
            fail(f"tensor {name} lies outside the data: {source} is truncated or corrupt")
        raw = body[begin:end]
        dtype = info["dtype"]
        if dtype == "F32":
            raw, dtype = f32_to_f16(raw, name), "F16"
        else:
            raw = bytes(raw)
        out_header[name] = {"data_offsets": [offset, offset + len(raw)], "dtype": dtype, "shape": info["shape"]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(out_header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(dest, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
    return offset


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: convert_f16.py SOURCE.safetensors DEST.safetensors")
    size = convert(sys.argv[1], sys.argv[2])
    print(f"wrote {sys.argv[2]} ({size / 1e6:.1f} MB of tensors)")


if __name__ == "__main__":
    main()
