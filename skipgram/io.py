"""The skipgram file format: named arrays plus JSON metadata, with no pickle anywhere.

Layout (all integers little-endian):

    offset 0   8 bytes   magic b"SKIPGRAM"
    offset 8   8 bytes   header length H (uint64)
    offset 16  32 bytes  BLAKE2b-256 digest of the header bytes
    offset 48  H bytes   header: UTF-8 JSON {"format_version", "kind", "metadata", "arrays"}
    then       arrays, each starting on a 64-byte boundary, raw C-order bytes

Each array entry in the header gives its dtype (from a short allow-list), shape, offset, byte
size and BLAKE2b-256 digest. Loading parses JSON and raw numbers only, so it can never run code;
every size is checked against the file before anything is allocated, and the digests catch
corruption. Header numbers must be finite and fit a float (no NaN, Infinity or 400-digit
integers), so readers can convert them without overflowing. Every malformed file raises
`ModelFormatError`. Arrays can be memory-mapped (copy-on-write) instead of read.

Saving is atomic: a temporary file in the same directory is written, flushed, fsynced and
renamed over the target, and the directory is fsynced so the rename survives a power cut. The
target therefore always holds either the previous complete file or the new one. A process killed
mid-save leaves its temporary file behind, named `.TARGET.<16 hex digits>.tmp` (hidden, so
`PathLineSentences` and shell globs skip it); nothing ever reads it, and it can be deleted.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"SKIPGRAM"
FORMAT_VERSION = 1
ALIGNMENT = 64
_PREAMBLE = len(MAGIC) + 8 + 32
_MAX_HEADER = 1 << 24  # 16 MiB of JSON is far more than any real header needs
_MAX_INT_DIGITS = 300  # header integers stay convertible to float (see _float_sized_int)
# Only plain numeric dtypes: an object dtype would need pickle to load.
ALLOWED_DTYPES = frozenset({"<f2", "<f4", "<f8", "<i4", "<i8", "<u1", "<u4", "|u1"})


class ModelFormatError(ValueError):
    """A file is not a valid skipgram file: wrong kind, malformed, truncated or corrupted.

    Attributes:
        found_kind: for a valid file of another kind (a model where vectors were expected, or
            the reverse), the kind it holds; otherwise None.
    """

    def __init__(self, message: str, found_kind: str | None = None) -> None:
        super().__init__(message)
        self.found_kind = found_kind


def _digest(data: bytes | np.ndarray) -> str:
    return hashlib.blake2b(_raw(data), digest_size=32).hexdigest()


def _raw(data: bytes | np.ndarray) -> bytes | np.ndarray:
    """The bytes of a C-contiguous array as a flat uint8 view (no copy). memoryview.cast("B")
    cannot do this for arrays with a zero in their shape, so empty arrays go through numpy."""
    return data.reshape(-1).view(np.uint8) if isinstance(data, np.ndarray) else data


def _aligned(offset: int) -> int:
    return -(-offset // ALIGNMENT) * ALIGNMENT


def save_arrays(
    path: str | os.PathLike[str],
    kind: str,
    arrays: Mapping[str, np.ndarray],
    metadata: Mapping[str, Any],
) -> None:
    """Write `arrays` and JSON-serialisable `metadata` to `path` atomically.

    Each array is copied once and both its digest and the bytes written come from that copy: a
    training thread may go on updating the originals while a save runs, and the file must still
    load (a digest of moving data would not match what was written). The cost is one copy of
    the arrays in memory while saving."""
    snapshots: dict[str, np.ndarray] = {}
    entries: dict[str, dict[str, Any]] = {}
    for name, original in arrays.items():
        array = np.asarray(original)
        dtype = array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype
        if dtype.str not in ALLOWED_DTYPES:
            raise TypeError(f"array {name!r} has dtype {array.dtype}, which cannot be saved")
        snapshots[name] = array = np.array(array, dtype=dtype, order="C", copy=True)
        entries[name] = {
            "dtype": dtype.str,
            "shape": list(array.shape),
            "nbytes": array.nbytes,
            "blake2b": _digest(array),
        }
    # Offsets depend on the header's length, which depends on the offsets' digits: iterate
    # until the layout is stable (at most a couple of rounds).
    header = b""
    for _ in range(8):
        offset = _aligned(_PREAMBLE + len(header))
        for entry in entries.values():
            entry["offset"] = offset
            offset = _aligned(offset + entry["nbytes"])
        document = {
            "format_version": FORMAT_VERSION,
            "kind": kind,
            "metadata": dict(metadata),
            "arrays": entries,
        }
        new_header = json.dumps(document, allow_nan=False).encode()
        _check_numbers(new_header)
        if new_header == header:
            break
        header = new_header
    write_only = os.O_WRONLY | getattr(os, "O_BINARY", 0)
    with atomic_replace(path) as temp_name, os.fdopen(os.open(temp_name, write_only), "wb") as out:
        out.write(MAGIC + len(header).to_bytes(8, "little"))
        out.write(bytes.fromhex(_digest(header)) + header)
        for name, entry in entries.items():
            out.write(b"\0" * (entry["offset"] - out.tell()))
            out.write(_raw(snapshots[name]))


@contextmanager
def atomic_replace(path: str | os.PathLike[str]) -> Iterator[str]:
    """Write a file all at once or not at all.

    Yields the name of a new empty file in the directory of `path`. When the block ends without
    an error, that file is flushed to disk (fsync), renamed over `path`, and the directory is
    fsynced so the rename survives a power cut; on an error it is deleted. A process killed at
    any moment leaves `path` as it was (plus, at worst, a hidden `.NAME.<hex>.tmp` file that no
    reader picks up).

    A symbolic link is followed: the file it points to is replaced and the link is kept, so a
    link never goes on naming a stale file."""
    target = Path(os.path.realpath(path))
    fd, temp_name = _create_temp(target)
    os.close(fd)
    try:
        yield temp_name
        fd = os.open(temp_name, os.O_RDONLY)
        try:
            os.fsync(fd)  # the data must be on disk before the rename makes it visible
        finally:
            os.close(fd)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def _check_numbers(header: bytes) -> None:
    """Refuse to write a header that the reader would refuse (an integer too large to load)."""
    try:
        json.loads(header, parse_int=_float_sized_int)
    except ValueError as error:
        raise ValueError(f"metadata cannot be saved: {error}") from None


def _create_temp(target: Path) -> tuple[int, str]:
    """A new empty file next to `target`. Unlike tempfile.mkstemp (always mode 0600) it is
    created with mode 0666 minus the umask, like any file opened for writing, so the saved file
    gets the usual permissions."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = str(target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp")
        try:
            return os.open(name, flags, 0o666), name
        except FileExistsError:  # pragma: no cover - a 64-bit random name collided
            continue


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX only; a no-op where directories can't be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_arrays(
    path: str | os.PathLike[str], kind: str, *, mmap: bool = False, verify: bool = True
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a file written by `save_arrays` with the given `kind`.

    Returns (arrays, metadata). With `mmap=True` arrays are copy-on-write memory maps: pages load
    on first touch and writes never reach the file. `verify=False` skips the array digests (the
    header is always verified), which avoids reading every page of a large mapped model."""
    path = Path(path)
    size = regular_file_size(path)
    with open(path, "rb") as f:
        preamble = f.read(_PREAMBLE)
        if len(preamble) < _PREAMBLE or preamble[: len(MAGIC)] != MAGIC:
            raise ModelFormatError(f"{path} is not a skipgram file (no SKIPGRAM magic number)")
        header_length = int.from_bytes(preamble[8:16], "little")
        if header_length > min(_MAX_HEADER, size - _PREAMBLE):
            raise ModelFormatError(f"{path}: header length {header_length} exceeds the file")
        header = f.read(header_length)
        if _digest(header) != preamble[16:48].hex():
            raise ModelFormatError(f"{path}: header checksum mismatch, the file is corrupted")
        document = _parse_header(path, header, kind)
        entries = _check_layout(path, document["arrays"], _PREAMBLE + header_length, size)
        arrays: dict[str, np.ndarray] = {}
        end_of_previous = _PREAMBLE + header_length
        for name, (dtype, shape, offset, digest) in entries.items():
            f.seek(end_of_previous)
            if any(f.read(offset - end_of_previous)):
                raise ModelFormatError(f"{path}: non-zero padding before array {name!r}")
            end_of_previous = offset + dtype.itemsize * int(np.prod(shape))
            if mmap and np.prod(shape) > 0:
                array = np.memmap(path, dtype=dtype, mode="c", offset=offset, shape=shape)
            else:
                f.seek(offset)
                array = np.empty(shape, dtype=dtype)
                if f.readinto(_raw(array)) != array.nbytes:
                    raise ModelFormatError(f"{path}: array {name!r} is truncated")
            if verify and _digest(array) != digest:
                raise ModelFormatError(f"{path}: array {name!r} checksum mismatch (corrupted)")
            arrays[name] = array
    return arrays, document["metadata"]


def mmap_flag(mmap: bool | str | None) -> bool:
    """`load(..., mmap=)`: True, or gensim's ``"r"`` (and ``"c"``), maps the file copy-on-write;
    False or None reads it. Other modes are refused: nothing is ever written through a map."""
    if mmap not in (None, False, True, "r", "c"):
        raise ValueError(
            f"mmap={mmap!r}: pass True (or 'r'); the file is never written through the map"
        )
    return bool(mmap)


def gensim_save_options(separately: object, sep_limit: object) -> None:
    """gensim's `save(fname, separately, sep_limit)` stores large arrays in files of their own
    so that they can be memory-mapped; skipgram's one file already lays every array out
    aligned for mapping (`load(path, mmap=True)`), so both are accepted and change nothing.
    Their types are checked like gensim's."""
    if separately is not None and (
        isinstance(separately, str) or not all(isinstance(name, str) for name in separately)
    ):
        raise TypeError(f"separately must be a list of attribute names, got {separately!r}")
    if isinstance(sep_limit, bool) or not isinstance(sep_limit, int):
        raise TypeError(f"sep_limit must be an int (bytes), got {sep_limit!r}")


def regular_file_size(path: Path) -> int:
    """The size of `path`, refusing anything but a regular file: opening a FIFO for reading
    blocks until a writer comes (for ever, if none does), and a device or directory is no
    model either."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ModelFormatError(
            f"{path} is not a regular file (a directory, FIFO, socket or device): "
            "pass the path of a file written by save()"
        )
    return info.st_size


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # a literal such as 1e999 overflows to inf
        raise ValueError(f"number {text[:20]} is out of range")
    return value


def _float_sized_int(text: str) -> int:
    # Readers convert header numbers with float() and math.isfinite(), which raise
    # OverflowError beyond about 1e308; no real count or seed comes near that.
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        raise ValueError(f"integer of {len(text)} digits is out of range")
    return int(text)


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not a valid number here")  # the writer never writes NaN/Infinity


def _parse_header(path: Path, header: bytes, kind: str) -> dict[str, Any]:
    try:
        document = json.loads(
            header.decode("utf-8"),
            parse_float=_finite_float,
            parse_int=_float_sized_int,
            parse_constant=_no_constants,
        )
    except (ValueError, RecursionError) as error:  # bad UTF-8/JSON, odd numbers, deep nesting
        raise ModelFormatError(f"{path}: header is not valid JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("arrays"), dict):
        raise ModelFormatError(f"{path}: header lacks the array table")
    if document.get("format_version") != FORMAT_VERSION:
        raise ModelFormatError(
            f"{path}: format version {document.get('format_version')!r} is not supported "
            f"(this skipgram reads version {FORMAT_VERSION})"
        )
    found = document.get("kind")
    if found != kind:
        hints = {
            "keyed_vectors": " — load it with KeyedVectors.load",
            "skipgram_model": " — load it with SkipGram.load (its vectors are model.wv)",
        }
        hint = hints.get(found, "") if isinstance(found, str) else ""  # lists are unhashable
        raise ModelFormatError(
            f"{path} holds {found!r:.60}, not {kind!r}{hint}",
            found_kind=found if isinstance(found, str) else None,
        )
    if not isinstance(document.get("metadata"), dict):
        raise ModelFormatError(f"{path}: header metadata must be a JSON object")
    return document


def _check_layout(
    path: Path, table: dict[str, Any], data_start: int, size: int
) -> dict[str, tuple[np.dtype, tuple[int, ...], int, str]]:
    """Validate every array entry against the file before anything is allocated."""
    entries = {}
    end_of_previous = data_start
    for name, entry in sorted(table.items(), key=lambda item: _offset_of(path, item)):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("dtype"), str)
            or entry["dtype"] not in ALLOWED_DTYPES
        ):
            raise ModelFormatError(f"{path}: array {name!r} has a missing or unsupported dtype")
        shape = entry.get("shape")
        if not isinstance(shape, list) or not all(type(n) is int and 0 <= n < 2**48 for n in shape):
            raise ModelFormatError(f"{path}: array {name!r} has an invalid shape {shape!r}")
        dtype = np.dtype(entry["dtype"])
        nbytes = dtype.itemsize * int(np.prod(shape, dtype=object))
        offset = entry["offset"]
        # The writer's layout is canonical (each array at the next 64-byte boundary), so any
        # other offset is corruption, and no byte of the file goes unchecked.
        if (
            entry.get("nbytes") != nbytes
            or offset != _aligned(end_of_previous)
            or offset + nbytes > size
        ):
            raise ModelFormatError(
                f"{path}: array {name!r} ({nbytes} bytes at offset {offset}) does not fit the "
                f"{size}-byte file; it is truncated or corrupted"
            )
        if not isinstance(entry.get("blake2b"), str):
            raise ModelFormatError(f"{path}: array {name!r} has no checksum")
        entries[name] = (dtype, tuple(shape), offset, entry["blake2b"])
        end_of_previous = offset + nbytes
    if end_of_previous != size:
        raise ModelFormatError(f"{path}: {size - end_of_previous} unexpected bytes after the data")
    return entries


def _offset_of(path: Path, item: tuple[str, Any]) -> int:
    entry = item[1]
    offset = entry.get("offset") if isinstance(entry, dict) else None
    if type(offset) is not int:
        raise ModelFormatError(f"{path}: array {item[0]!r} has no valid offset")
    return offset


def encode_words(words: list[str]) -> dict[str, np.ndarray]:
    """Words as one UTF-8 byte blob plus end offsets (no object arrays, so no pickle)."""
    encoded = [w.encode("utf-8") for w in words]
    ends = np.cumsum([len(b) for b in encoded], dtype=np.int64)
    return {"word_bytes": np.frombuffer(b"".join(encoded), dtype=np.uint8), "word_ends": ends}


def decode_words(arrays: Mapping[str, np.ndarray], path: str | os.PathLike[str]) -> list[str]:
    """Inverse of `encode_words`, validating the offsets."""
    try:
        blob = np.asarray(arrays["word_bytes"]).tobytes()
        ends = np.asarray(arrays["word_ends"], dtype=np.int64)
    except KeyError as missing:
        raise ModelFormatError(f"{path}: missing array {missing}") from None
    if ends.ndim != 1 or (
        ends.size and (ends[-1] != len(blob) or np.any(np.diff(ends) < 0) or ends[0] < 0)
    ):
        raise ModelFormatError(f"{path}: word offsets are inconsistent")
    starts = np.concatenate([[0], ends[:-1]]) if ends.size else ends
    try:
        return [
            blob[s:e].decode("utf-8") for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        ]
    except UnicodeDecodeError as error:
        raise ModelFormatError(f"{path}: a word is not valid UTF-8 ({error})") from None
