"""Tests for skipgram.io: the no-pickle file container (named arrays plus JSON metadata).

The documented layout is: 8-byte magic, 8-byte little-endian header length H, 32-byte BLAKE2b
digest of the header, H bytes of JSON header, then each array on a 64-byte boundary."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import signal
import stat
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from skipgram import KeyedVectors, ModelFormatError, SkipGram
from skipgram.io import decode_words, encode_words, load_arrays, save_arrays

KIND = "test_arrays"
PREAMBLE = 48  # magic (8) + header length (8) + header digest (32)

METADATA = {
    "name": "tést ✓",
    "count": 3,
    "rate": 0.025,
    "flags": [True, False, None],
    "nested": {"a": [1, 2.5, "x"], "empty": {}},
}


def sample_arrays() -> dict[str, np.ndarray]:
    """One array of every allowed dtype, several shapes, empty and 0-d arrays."""
    rng = np.random.default_rng(0)
    return {
        "f32": (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3,
        "f64": rng.standard_normal((2, 3, 2)),
        "i32": np.array([-(2**31), -1, 0, 2**31 - 1], dtype=np.int32),
        "i64": np.array([-(2**63), 7, 2**63 - 1], dtype=np.int64),
        "u8": np.arange(256, dtype=np.uint8),
        "u32": np.array([0, 1, 2**32 - 1], dtype=np.uint32),
        "empty_matrix": np.zeros((0, 5), dtype=np.float32),
        "empty_vector": np.zeros(0, dtype=np.int64),
        "scalar": np.array(2.5),
        "odd_sized": np.arange(7, dtype=np.uint8),  # forces padding before the next array
        "last": rng.standard_normal(9).astype(np.float32),
    }


def assert_same_arrays(actual: dict[str, np.ndarray], expected: dict[str, np.ndarray]) -> None:
    assert sorted(actual) == sorted(expected)
    for name, array in expected.items():
        assert actual[name].dtype == array.dtype, name
        assert actual[name].shape == array.shape, name
        assert np.array_equal(actual[name], array), name


def layout(data: bytes) -> tuple[int, dict]:
    """(header length, parsed header) of a file's bytes, read by the documented layout."""
    header_length = int.from_bytes(data[8:16], "little")
    return header_length, json.loads(data[PREAMBLE : PREAMBLE + header_length])


def covered_ranges(data: bytes) -> list[tuple[int, int]]:
    """Byte ranges that carry information: preamble plus header, and each array's data. The
    rest is alignment padding."""
    header_length, document = layout(data)
    ranges = [(0, PREAMBLE + header_length)]
    ranges += [(e["offset"], e["offset"] + e["nbytes"]) for e in document["arrays"].values()]
    return ranges


def outcome(path: Path, **kwargs) -> str:
    """'loaded', 'rejected' (ModelFormatError) or 'crashed: <other exception>'."""
    try:
        load_arrays(path, KIND, **kwargs)
    except ModelFormatError:
        return "rejected"
    except Exception as error:  # any other exception is a bug in the loader
        return f"crashed: {type(error).__name__}: {error}"
    return "loaded"


def other_files(directory: Path, keep: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p != keep)


@pytest.fixture
def saved(tmp_path) -> tuple[Path, bytes]:
    """A file holding `sample_arrays()` and METADATA, with its bytes."""
    path = tmp_path / "sample.sg"
    save_arrays(path, KIND, sample_arrays(), METADATA)
    return path, path.read_bytes()


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_round_trip_preserves_values_dtypes_shapes_and_metadata(saved, mmap):
    path, _ = saved
    arrays, metadata = load_arrays(path, KIND, mmap=mmap)
    assert_same_arrays(arrays, sample_arrays())
    assert metadata == METADATA


def test_round_trip_of_a_file_without_arrays(tmp_path):
    path = tmp_path / "empty.sg"
    save_arrays(path, KIND, {}, {})
    assert load_arrays(path, KIND) == ({}, {})


def test_big_endian_and_non_contiguous_arrays_are_saved_by_value(tmp_path):
    matrix = np.arange(20, dtype=np.float64).reshape(4, 5)
    arrays = {
        "big_endian": np.arange(6, dtype=">i4") - 3,
        "transposed": matrix.T,
        "strided": matrix[::2, 1::2],
    }
    save_arrays(tmp_path / "f.sg", KIND, arrays, {})
    loaded, _ = load_arrays(tmp_path / "f.sg", KIND)
    for name, array in arrays.items():
        assert np.array_equal(loaded[name], array), name
        assert loaded[name].shape == array.shape
    assert loaded["big_endian"].dtype == np.dtype("<i4")


def test_arrays_start_on_64_byte_boundaries(saved):
    _, data = saved
    _, document = layout(data)
    offsets = [entry["offset"] for entry in document["arrays"].values()]
    assert offsets and all(offset % 64 == 0 for offset in offsets)


def test_file_starts_with_magic_and_a_verifiable_header(saved):
    _, data = saved
    header_length, document = layout(data)
    assert data[:8] == b"SKIPGRAM"
    header = data[PREAMBLE : PREAMBLE + header_length]
    assert data[16:48] == hashlib.blake2b(header, digest_size=32).digest()
    assert document["kind"] == KIND
    assert document["metadata"] == METADATA


@pytest.mark.parametrize(
    "array",
    [
        np.array([{"a": 1}, None], dtype=object),
        np.array([True, False]),
        np.array([1.0, 2.0], dtype=np.longdouble),
        np.array([1 + 2j]),
        np.array(["abc"]),
    ],
    ids=["object", "bool", "longdouble", "complex", "unicode"],
)
def test_unsupported_dtypes_are_refused_and_nothing_is_written(tmp_path, array):
    with pytest.raises(TypeError, match="cannot be saved"):
        save_arrays(tmp_path / "f.sg", KIND, {"bad": array}, {})
    assert list(tmp_path.iterdir()) == []


def test_metadata_must_be_plain_json(tmp_path):
    with pytest.raises(ValueError):  # NaN is not JSON
        save_arrays(tmp_path / "f.sg", KIND, {}, {"x": float("nan")})
    with pytest.raises(TypeError):
        save_arrays(tmp_path / "f.sg", KIND, {}, {"x": object()})
    assert list(tmp_path.iterdir()) == []


# --- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "words",
    [[], ["a"], ["the", "naïve", "日本語", "🙂", "", "two words", "tab\there"]],
    ids=["none", "one", "unicode"],
)
def test_encode_decode_words_round_trip(words):
    arrays = encode_words(words)
    assert arrays["word_bytes"].dtype == np.uint8
    assert arrays["word_ends"].dtype == np.int64
    assert decode_words(arrays, "f") == words


def test_words_survive_a_file_round_trip(tmp_path):
    words = ["ä", "b", "日本", ""]
    save_arrays(tmp_path / "w.sg", KIND, encode_words(words), {})
    arrays, _ = load_arrays(tmp_path / "w.sg", KIND)
    assert decode_words(arrays, tmp_path / "w.sg") == words


@pytest.mark.parametrize(
    ("word_bytes", "word_ends"),
    [
        (b"abc", [1, 2]),  # ends stop short of the blob
        (b"abc", [1, 4]),  # ends run past the blob
        (b"abc", [2, 1, 3]),  # decreasing
        (b"abc", [-1, 3]),  # negative
        (b"a\xffc", [1, 3]),  # not UTF-8
        (b"abc", [[1, 3]]),  # not one-dimensional
    ],
)
def test_decode_words_rejects_inconsistent_offsets(word_bytes, word_ends):
    arrays = {
        "word_bytes": np.frombuffer(word_bytes, dtype=np.uint8),
        "word_ends": np.array(word_ends, dtype=np.int64),
    }
    with pytest.raises(ModelFormatError):
        decode_words(arrays, "f")


def test_decode_words_rejects_missing_arrays():
    with pytest.raises(ModelFormatError, match="word_ends"):
        decode_words({"word_bytes": np.zeros(0, np.uint8)}, "f")


# --- memory mapping --------------------------------------------------------------------------


def test_mmap_arrays_are_writable_copy_on_write_maps(saved):
    path, original = saved
    arrays, _ = load_arrays(path, KIND, mmap=True)
    f32 = arrays["f32"]
    assert isinstance(f32, np.memmap)
    assert f32.flags.writeable
    f32[:] = 42.0
    arrays["u8"][0] = 255
    f32.flush()
    assert np.all(f32 == 42.0)  # the process sees its own writes...
    del arrays, f32
    assert path.read_bytes() == original  # ...but they never reach the file
    reloaded, _ = load_arrays(path, KIND, mmap=True)
    assert_same_arrays(reloaded, sample_arrays())


def test_verify_false_skips_array_digests_but_still_checks_the_header(saved):
    path, data = saved
    _, document = layout(data)
    corrupted = bytearray(data)
    corrupted[document["arrays"]["f32"]["offset"]] ^= 0xFF
    path.write_bytes(bytes(corrupted))
    assert outcome(path) == "rejected"
    assert outcome(path, verify=False) == "loaded"
    corrupted[PREAMBLE + 5] ^= 0xFF
    path.write_bytes(bytes(corrupted))
    assert outcome(path, verify=False) == "rejected"


# --- atomic saving ---------------------------------------------------------------------------


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "f.sg"
    save_arrays(path, KIND, {"a": np.arange(1000, dtype=np.int64)}, {"version": 1})
    save_arrays(path, KIND, {"b": np.ones(3, dtype=np.float32)}, {"version": 2})
    arrays, metadata = load_arrays(path, KIND)
    assert_same_arrays(arrays, {"b": np.ones(3, dtype=np.float32)})
    assert metadata == {"version": 2}


def test_saving_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "f.sg"
    for version in range(3):
        save_arrays(path, KIND, sample_arrays(), {"version": version})
    assert [p.name for p in tmp_path.iterdir()] == ["f.sg"]


def test_save_accepts_str_paths(tmp_path):
    save_arrays(str(tmp_path / "f.sg"), KIND, {"a": np.zeros(2)}, {})
    assert_same_arrays(load_arrays(str(tmp_path / "f.sg"), KIND)[0], {"a": np.zeros(2)})


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saved_file_gets_the_usual_permissions(tmp_path):
    reference = tmp_path / "reference"
    reference.write_bytes(b"")  # created like any file: 0666 minus the umask
    save_arrays(tmp_path / "f.sg", KIND, {}, {})
    assert (tmp_path / "f.sg").stat().st_mode == reference.stat().st_mode


@pytest.mark.skipif(os.name != "posix", reason="directories can be fsynced on POSIX only")
def test_save_fsyncs_the_data_before_the_rename_and_the_directory_after(tmp_path, monkeypatch):
    # Without the first fsync a power cut can leave the new name pointing at unwritten blocks;
    # without the second, the rename itself can be lost.
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        info = os.fstat(fd)
        events.append("fsync directory" if stat.S_ISDIR(info.st_mode) else f"fsync {info.st_size}")
        real_fsync(fd)

    def replace(source, target):
        events.append("rename")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    save_arrays(tmp_path / "f.sg", KIND, sample_arrays(), METADATA)
    size = (tmp_path / "f.sg").stat().st_size
    assert events == [f"fsync {size}", "rename", "fsync directory"]  # the whole file, first


def test_a_stale_temporary_file_is_neither_read_nor_in_the_way(saved):
    # What a save killed before its rename leaves behind: a hidden, partial temporary file.
    path, original = saved
    stale = path.parent / f".{path.name}.0123456789abcdef.tmp"
    stale.write_bytes(original[: len(original) // 2])
    assert_same_arrays(load_arrays(path, KIND)[0], sample_arrays())
    save_arrays(path, KIND, {"new": np.ones(2)}, {})
    assert_same_arrays(load_arrays(path, KIND)[0], {"new": np.ones(2)})
    assert stale.read_bytes() == original[: len(original) // 2]  # left for the user to delete


def test_unsupported_dtype_leaves_the_previous_file_intact(saved):
    path, original = saved
    with pytest.raises(TypeError):
        save_arrays(path, KIND, {"ok": np.zeros(3), "bad": np.array([None], dtype=object)}, {})
    assert path.read_bytes() == original
    assert other_files(path.parent, path) == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
@pytest.mark.parametrize(
    "error", [OSError(28, "No space left on device"), KeyboardInterrupt()], ids=["OSError", "^C"]
)
def test_failure_while_saving_leaves_the_previous_file_intact(saved, monkeypatch, failing, error):
    path, original = saved

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(type(error)):
        save_arrays(path, KIND, {"new": np.arange(10_000, dtype=np.float64)}, {"new": True})
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert other_files(path.parent, path) == []


def test_failure_while_writing_data_leaves_the_previous_file_intact(saved, monkeypatch):
    path, original = saved
    real_fdopen = os.fdopen

    class DiskFull:
        """A file object whose writes fail after the first few, like a full disk."""

        def __init__(self, file):
            self.file, self.writes = file, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.file.close()

        def write(self, data):
            self.writes += 1
            if self.writes > 3:
                raise OSError(28, "No space left on device")
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: DiskFull(real_fdopen(*a, **k)))
    with pytest.raises(OSError, match="No space"):
        save_arrays(path, KIND, sample_arrays(), {"new": True})
    monkeypatch.undo()
    assert path.read_bytes() == original
    assert other_files(path.parent, path) == []


KILLED_SAVER = textwrap.dedent(
    """
    import os, sys, time
    import numpy as np
    from skipgram.io import save_arrays

    path, pause_fraction = sys.argv[1], float(sys.argv[2])
    big = np.zeros(50_000_000, dtype=np.float32)  # 200 MB


    class PausingFile:
        \"""Writes like the real file, but stops for good after `pause_after` bytes.\"""

        def __init__(self, file, pause_after):
            self.file, self.left = file, pause_after

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.file.__exit__(*exc)

        def write(self, data):
            data = memoryview(data).cast("B")
            if len(data) > self.left:
                self.file.write(data[: self.left])
                self.file.flush()
                print("paused", flush=True)
                time.sleep(600)
            self.left -= len(data)
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)


    real_fdopen = os.fdopen
    for generation in range(1, 1000):
        big[0] = big[-1] = generation
        if generation == 2 and pause_fraction > 0:
            os.fdopen = lambda *a, **k: PausingFile(real_fdopen(*a, **k), int(pause_fraction * 2e8))
        print("saving", generation, flush=True)
        start = time.perf_counter()
        save_arrays(path, "test_arrays", {"big": big}, {"generation": generation})
        print("saved", generation, time.perf_counter() - start, flush=True)
    """
)


def kill_while_saving(python_process, path: Path, pause_fraction: float, seed: int) -> list:
    """Run KILLED_SAVER until it saved `path` once and is saving it again, SIGKILL it then, and
    return its output lines. With a pause fraction, the kill comes once that fraction of the
    data is written; otherwise at a seeded moment within the save (hashing, writing, fsync or
    renaming)."""
    with python_process(KILLED_SAVER, path, pause_fraction, cwd=path.parent) as child:
        if pause_fraction:
            while child.read_line()[:1] != ["paused"]:
                assert child.lines[-1][:2] != ["saved", "2"], "save_arrays no longer uses os.fdopen"
            child.kill()
        else:
            child.kill_during_second_save(random.Random(seed).uniform(0.0, 0.9))
    return child.lines


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(
    ("pause_fraction", "seed"),
    [(0.0, 1), (0.0, 2), (0.1, 0), (0.7, 0)],
    ids=["random-moment-1", "random-moment-2", "10%-written", "70%-written"],
)
def test_process_killed_mid_save_leaves_the_previous_file_loadable(
    tmp_path, python_process, pause_fraction, seed
):
    path = tmp_path / "big.sg"
    save_arrays(path, KIND, {"big": np.zeros(4, dtype=np.float32)}, {"generation": 0})
    lines = kill_while_saving(python_process, path, pause_fraction, seed)
    assert lines[-1][0] in ("saving", "paused"), "the child was killed between two saves"
    being_saved = int([line for line in lines if line[0] == "saving"][-1][1])
    arrays, metadata = load_arrays(path, KIND)  # verifies every digest
    if pause_fraction:
        assert metadata["generation"] == being_saved - 1  # the interrupted save left no trace
    else:
        assert metadata["generation"] in (being_saved - 1, being_saved)
    assert arrays["big"].shape == (50_000_000,)
    assert arrays["big"][0] == arrays["big"][-1] == metadata["generation"]
    # A killed save can leave only its hidden temporary file behind (removed here: 200 MB).
    leftovers = [p for p in tmp_path.iterdir() if p != path]
    assert all(p.name.startswith(".big.sg.") and p.suffix == ".tmp" for p in leftovers)
    for leftover in leftovers:
        leftover.unlink()


# --- rejection of files that are not valid skipgram files ------------------------------------


def test_model_format_error_is_a_value_error():
    assert issubclass(ModelFormatError, ValueError)


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_empty_file_is_rejected(tmp_path, mmap):
    (tmp_path / "f.sg").write_bytes(b"")
    with pytest.raises(ModelFormatError, match="not a skipgram file"):
        load_arrays(tmp_path / "f.sg", KIND, mmap=mmap)


@pytest.mark.parametrize("prefix", [b"", b"SKIPGRAM"], ids=["random", "magic+random"])
@pytest.mark.parametrize("size", [7, 48, 100, 4096])
def test_random_bytes_are_rejected(tmp_path, prefix, size):
    rng = np.random.default_rng(size)
    (tmp_path / "f.sg").write_bytes(prefix + rng.bytes(size))
    assert outcome(tmp_path / "f.sg") == "rejected"


class _TouchOnUnpickle:
    """Unpickling this runs code: it creates the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def _pickle_payloads(marker: Path) -> dict[str, bytes]:
    exploit = _TouchOnUnpickle(marker)
    plain = pickle.dumps({"vectors": exploit})
    return {
        "pickle": plain,
        "pickle after magic": b"SKIPGRAM" + plain,
        "old protocol": pickle.dumps(exploit, protocol=0),
        "npy object array": b"\x93NUMPY" + plain,
    }


def test_pickle_payload_control_really_runs_code(tmp_path):
    # Control: the payloads used below do execute code when unpickled.
    marker = tmp_path / "control-marker"
    pickle.loads(_pickle_payloads(marker)["pickle"])
    assert marker.exists()


@pytest.mark.parametrize(
    "payload", ["pickle", "pickle after magic", "old protocol", "npy object array"]
)
@pytest.mark.parametrize(
    "load",
    [
        lambda path: load_arrays(path, KIND),
        lambda path: load_arrays(path, KIND, mmap=True),
        KeyedVectors.load,
        SkipGram.load,
    ],
    ids=["load_arrays", "load_arrays-mmap", "KeyedVectors.load", "SkipGram.load"],
)
def test_pickle_payload_is_rejected_without_running_it(tmp_path, payload, load):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.sg"
    path.write_bytes(_pickle_payloads(marker)[payload])
    with pytest.raises(ModelFormatError):
        load(path)
    assert not marker.exists()


def truncation_points(data: bytes) -> list[int]:
    """Inside the magic, the length, the digest and the header; at and inside each array."""
    header_length, document = layout(data)
    points = [0, 4, 8, 12, 30, PREAMBLE, PREAMBLE + header_length // 2, PREAMBLE + header_length]
    for entry in document["arrays"].values():
        points += [entry["offset"], entry["offset"] + entry["nbytes"] // 2]
    return [*points, len(data) - 1]


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_truncation_inside_each_part_is_rejected(saved, mmap):
    path, data = saved
    results = {}
    for cut in truncation_points(data):
        path.write_bytes(data[:cut])
        results[cut] = outcome(path, mmap=mmap)
    assert {cut: r for cut, r in results.items() if r != "rejected"} == {}


def test_every_truncation_is_rejected(saved):
    path, data = saved
    results = {}
    for cut in range(len(data)):
        path.write_bytes(data[:cut])
        results[cut] = outcome(path)
    assert {cut: r for cut, r in results.items() if r != "rejected"} == {}


@pytest.mark.parametrize("mask", [0x01, 0xFF])
def test_every_byte_flip_in_the_preamble_and_header_is_rejected(saved, mask):
    path, data = saved
    header_length, _ = layout(data)
    results = {}
    for position in range(PREAMBLE + header_length):
        flipped = bytearray(data)
        flipped[position] ^= mask
        path.write_bytes(bytes(flipped))
        results[position] = outcome(path)
    assert {position: r for position, r in results.items() if r != "rejected"} == {}


def test_damaged_padding_is_rejected(saved):
    # Padding carries no data, but the layout is canonical and padding must be zero, so not a
    # single byte of the file escapes the checks.
    path, data = saved
    padding = [i for i in range(len(data)) if not any(a <= i < b for a, b in covered_ranges(data))]
    assert len(padding) > 64
    for position in padding[:: max(1, len(padding) // 40)]:
        damaged = bytearray(data)
        damaged[position] ^= 0xA5
        path.write_bytes(bytes(damaged))
        assert outcome(path) == "rejected", f"padding flipped at {position}"


def test_trailing_bytes_are_rejected(saved):
    path, data = saved
    path.write_bytes(data + b"\0" * 8)
    with pytest.raises(ModelFormatError, match="unexpected bytes"):
        load_arrays(path, KIND)


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_random_8_byte_corruptions_are_all_rejected(saved, mmap):
    path, data = saved
    rng = np.random.default_rng(8)
    for _ in range(300):
        position = int(rng.integers(0, len(data) - 8))
        mask = rng.integers(1, 256, size=8, dtype=np.uint8)  # every one of the 8 bytes changes
        damaged = bytearray(data)
        damaged[position : position + 8] = bytes(
            np.frombuffer(data[position : position + 8], np.uint8) ^ mask
        )
        path.write_bytes(bytes(damaged))
        assert outcome(path, mmap=mmap) == "rejected", f"8 bytes flipped at {position}"


# --- forged headers: a valid header digest, but lying contents -------------------------------


def forge(path: Path, original: bytes, document: object) -> None:
    """Rewrite `original`'s header as `document` with a correct digest, keeping the arrays at
    their absolute offsets (the new header is padded with JSON whitespace to the old length)."""
    header_length, _ = layout(original)
    header = json.dumps(document, separators=(",", ":")).encode()  # compact: fits the room
    assert len(header) <= header_length, "the forged header must not be longer"
    header = header.ljust(header_length, b" ")
    write_raw(path, header, original[PREAMBLE + header_length :])


def write_raw(path: Path, header: bytes, body: bytes = b"", length: int | None = None) -> None:
    length = len(header) if length is None else length
    digest = hashlib.blake2b(header, digest_size=32).digest()
    path.write_bytes(b"SKIPGRAM" + length.to_bytes(8, "little") + digest + header + body)


def _set(entry: str, **changes):
    def mutate(document):
        document["arrays"][entry].update(changes)
        return document

    return mutate


def _drop(entry: str, key: str):
    def mutate(document):
        del document["arrays"][entry][key]
        return document

    return mutate


def _top(**changes):
    def mutate(document):
        document.update(changes)
        return document

    return mutate


def _without(key: str):
    def mutate(document):
        del document[key]
        return document

    return mutate


FORGERIES = {
    "huge shape": _set("f32", shape=[10**12], nbytes=4 * 10**12),
    "huge 2-D shape": _set("f32", shape=[10**6, 10**6], nbytes=4 * 10**12),
    "shape product beyond int64": _set("f32", shape=[2**40, 2**40], nbytes=4 * 2**80),
    "huge shape, small nbytes": _set("f32", shape=[10**12]),
    "dimension 2**48": _set("u8", shape=[2**48], nbytes=2**48),
    "negative dimensions": _set("f32", shape=[-3, -4]),
    "float dimension": _set("f32", shape=[3.0, 4]),
    "bool dimension": _set("f32", shape=[True, 12]),
    "string shape": _set("f32", shape="3x4"),
    "null shape": _set("f32", shape=None),
    "object dtype": _set("f32", dtype="|O"),
    "unicode dtype": _set("f32", dtype="<U3"),
    "big-endian dtype": _set("f32", dtype=">f4"),
    "dtype by name": _set("f32", dtype="float32"),
    "dtype as list": _set("f32", dtype=["<f4"]),
    "dtype as dict": _set("f32", dtype={"names": ["a"], "formats": ["|O"]}),
    "missing dtype": _drop("f32", "dtype"),
    "nbytes lies": _set("f32", nbytes=44),
    "offset inside preamble": _set("f32", offset=0),
    "offset inside header": _set("f32", offset=PREAMBLE + 4),
    "negative offset": _set("f32", offset=-64),
    "offset as string": _set("f32", offset="192"),
    "offset as float": _set("f32", offset=192.0),
    "missing offset": _drop("f32", "offset"),
    "offset past the end": _set("last", offset=10**9),
    "arrays overlap": lambda d: _set("f64", offset=d["arrays"]["f32"]["offset"] + 8)(d),
    "missing digest": _drop("i32", "blake2b"),
    "digest not a string": _set("i32", blake2b=0),
    "wrong digest": _set("i32", blake2b=hashlib.blake2b(b"x", digest_size=32).hexdigest()),
    "entry not an object": _top(arrays={"f32": [1, 2, 3]}),
    "arrays not an object": _top(arrays=[]),
    "missing arrays": _without("arrays"),
    "metadata not an object": _top(metadata=[1, 2]),
    "missing metadata": _without("metadata"),
    "future format version": _top(format_version=2),
    "format version as string": _top(format_version="1"),
    "missing format version": _without("format_version"),
    "other kind": _top(kind="something_else"),
    "missing kind": _without("kind"),
    "kind as list": _top(kind=["keyed_vectors"]),  # unhashable: once a TypeError
    "kind as object": _top(kind={"skipgram_model": 1}),
    "not an object": lambda d: [d],
}


def test_forging_helper_makes_loadable_files(saved):
    # Control for the forgeries below: an unchanged forged header loads fine.
    path, data = saved
    forge(path, data, layout(data)[1])
    assert outcome(path) == "loaded"


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_header_is_rejected(saved, forgery, mmap):
    path, data = saved
    forge(path, data, forgery(layout(data)[1]))
    assert outcome(path, mmap=mmap) == "rejected"


@pytest.mark.parametrize("mmap", [False, True], ids=["read", "mmap"])
def test_huge_claimed_array_is_rejected_before_allocating_it(saved, mmap):
    path, data = saved
    # 400 MB: allocatable, so only a check made before allocating keeps memory use small.
    forge(path, data, _set("f32", shape=[100_000_000], nbytes=400_000_000)(layout(data)[1]))
    tracemalloc.start()
    try:
        with pytest.raises(ModelFormatError, match="does not fit"):
            load_arrays(path, KIND, mmap=mmap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


@pytest.mark.parametrize(
    "header",
    [
        b"",
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"format_version": ' + b"1" * 5000 + b"}",
        b'{"format_version": 1, "kind": "test_arrays", "metadata": {}, "arrays": {}',
    ],
    ids=["empty", "not UTF-8", "deeply nested", "huge integer", "truncated JSON"],
)
def test_malformed_header_with_valid_digest_is_rejected(tmp_path, header):
    write_raw(tmp_path / "f.sg", header)
    assert outcome(tmp_path / "f.sg") == "rejected"


@pytest.mark.parametrize(
    "number",
    ["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "9" * 400, "-" + "9" * 400],
    ids=["NaN", "Infinity", "-Infinity", "1e999", "-1e400", "400 digits", "-400 digits"],
)
@pytest.mark.parametrize("where", ["metadata", "shape"])
def test_header_numbers_that_overflow_a_float_are_rejected(tmp_path, number, where):
    # Python's json accepts all of these; a reader calling float() or math.isfinite() on them
    # would raise OverflowError (or get inf/nan) instead of a ModelFormatError.
    shape = number if where == "shape" else "0"
    rate = number if where == "metadata" else "0.5"
    header = (
        f'{{"format_version": 1, "kind": "{KIND}", "metadata": {{"rate": {rate}}}, '
        f'"arrays": {{"a": {{"dtype": "<f4", "shape": [{shape}], "nbytes": 0, '
        f'"offset": 0, "blake2b": ""}}}}}}'
    )
    write_raw(tmp_path / "f.sg", header.encode())
    with pytest.raises(ModelFormatError, match="not valid JSON"):
        load_arrays(tmp_path / "f.sg", KIND)


def test_header_numbers_within_range_still_load(tmp_path):
    metadata = {"big": 10**299, "small": -(10**299), "float": 1e308, "tiny": 5e-324}
    save_arrays(tmp_path / "f.sg", KIND, {}, metadata)
    assert load_arrays(tmp_path / "f.sg", KIND)[1] == metadata


def test_metadata_the_reader_would_refuse_is_not_saved(saved):
    path, original = saved
    with pytest.raises(ValueError, match="out of range"):
        save_arrays(path, KIND, {}, {"seed": 10**400})
    assert path.read_bytes() == original
    assert other_files(path.parent, path) == []


@pytest.mark.parametrize("claimed", [2**63, 2**64 - 1, 10_000], ids=["2**63", "max", "past end"])
def test_header_length_beyond_the_file_is_rejected(tmp_path, claimed):
    header = json.dumps({"format_version": 1, "kind": KIND, "metadata": {}, "arrays": {}})
    write_raw(tmp_path / "f.sg", header.encode(), length=claimed)
    with pytest.raises(ModelFormatError, match="header length"):
        load_arrays(tmp_path / "f.sg", KIND)


def test_wrong_kind_names_both_kinds(saved):
    path, _ = saved
    with pytest.raises(ModelFormatError, match=f"'{KIND}', not 'other_kind'") as caught:
        load_arrays(path, "other_kind")
    assert caught.value.found_kind == KIND


def test_keyed_vectors_file_loaded_as_a_model_suggests_keyed_vectors_load(tmp_path):
    path = tmp_path / "vectors.sg"
    KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32)).save(path)
    with pytest.raises(ModelFormatError, match=r"KeyedVectors\.load"):
        SkipGram.load(path)
