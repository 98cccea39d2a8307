"""Reliability and security end to end (issue #6), through the public API.

Model files: loading never runs code and never crashes; every hostile or damaged file raises
ModelFormatError naming the file. Saves are atomic, even under SIGKILL. Corpora: wrong types,
empty or too-rare corpora, one-shot generators and a line of a million tokens are either trained
in full or refused with a message that says what to do.

The layout the file tests rely on (documented in skipgram/io.py): 8-byte magic, 8-byte
little-endian header length H, 32-byte BLAKE2b digest of the header, H bytes of JSON, arrays.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
import signal
import textwrap
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from skipgram import KeyedVectors, LineSentence, ModelFormatError, SkipGram, Text8Corpus
from skipgram.io import load_arrays, save_arrays

PREAMBLE = 48
SMALL = {"vector_size": 16, "window": 3, "min_count": 1, "sample": 0, "seed": 3, "workers": 1}

Loader = Callable[[Path], object]
#: Every public way to open a file, per kind of file.
LOADERS: dict[str, dict[str, Loader]] = {
    "model": {
        "SkipGram.load": SkipGram.load,
        "SkipGram.load(mmap)": lambda path: SkipGram.load(path, mmap=True),
    },
    "vectors": {
        "KeyedVectors.load": KeyedVectors.load,
        "KeyedVectors.load(mmap)": lambda path: KeyedVectors.load(path, mmap=True),
    },
}


def small_corpus(sentences: int = 400, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(60)] + ["naïve", "日本"]
    return [list(rng.choice(words, size=rng.integers(3, 9))) for _ in range(sentences)]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    """The bytes of a real saved model and of its saved vectors."""
    directory = tmp_path_factory.mktemp("saved")
    model = SkipGram(small_corpus(), epochs=1, **SMALL).train(compute_loss=True)
    model.save(directory / "model.sg")
    model.wv.save(directory / "vectors.sg")
    return {
        "model": (directory / "model.sg").read_bytes(),
        "vectors": (directory / "vectors.sg").read_bytes(),
    }


def outcome(load: Loader, path: Path) -> str:
    """'loaded', 'rejected' (ModelFormatError naming the file) or what else happened."""
    try:
        load(path)
    except ModelFormatError as error:
        return "rejected" if str(path) in str(error) else f"unnamed file: {error}"
    except Exception as error:  # anything else is a loader bug
        return f"crashed: {type(error).__name__}: {error}"
    return "loaded"


def header_length(data: bytes) -> int:
    return int.from_bytes(data[8:16], "little")


def header_of(data: bytes) -> dict:
    return json.loads(data[PREAMBLE : PREAMBLE + header_length(data)])


def with_header(data: bytes, document: object) -> bytes:
    """`data` with its header replaced by `document` under a correct digest, arrays kept at
    their offsets (compact JSON padded with spaces to the old length): a deliberate forgery."""
    old_length = header_length(data)
    header = json.dumps(document, separators=(",", ":")).encode().ljust(old_length, b" ")
    assert len(header) == old_length, "the forged header must not be longer"
    digest = hashlib.blake2b(header, digest_size=32).digest()
    return data[:16] + digest + header + data[PREAMBLE + old_length :]


def relaid(data: bytes, document: dict) -> bytes:
    """A file with header `document` (any length, correct digest) and `data`'s arrays, moved to
    the offsets the longer or shorter header implies: a forgery that passes every layout check."""
    old_entries = header_of(data)["arrays"]
    blobs = {name: data[e["offset"] : e["offset"] + e["nbytes"]] for name, e in old_entries.items()}
    header = b""
    while True:  # offsets depend on the header's length, which depends on the offsets
        offset = PREAMBLE + len(header)
        for entry in document["arrays"].values():
            entry["offset"] = offset = -(-offset // 64) * 64
            offset += entry["nbytes"]
        new_header = json.dumps(document).encode()
        if new_header == header:
            break
        header = new_header
    out = bytearray(b"SKIPGRAM" + len(header).to_bytes(8, "little"))
    out += hashlib.blake2b(header, digest_size=32).digest() + header
    for name, entry in document["arrays"].items():
        out += bytes(entry["offset"] - len(out)) + blobs[name]
    return bytes(out)


def flip_8_bytes(data: bytes, rng: np.random.Generator) -> bytes:
    """`data` with 8 consecutive bytes at a random place each changed (XOR a non-zero mask)."""
    position = int(rng.integers(0, len(data) - 8))
    damaged = bytearray(data)
    for i in range(position, position + 8):
        damaged[i] ^= int(rng.integers(1, 256))
    return bytes(damaged)


class TouchOnUnpickle:
    """Unpickling this creates `marker`: proof that a loader ran the payload."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


# --- the acceptance check --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["model", "vectors"])
def test_done_means_hostile_and_damaged_files_are_rejected_and_no_payload_runs(
    files, tmp_path, kind
):
    # Issue #6, "Done means": a pickle payload, an empty file, noise, three truncations and 40
    # random 8-byte-flip variants of a real saved file, each rejected with a clear exception.
    data = files[kind]
    marker = tmp_path / "payload-ran"
    payload = pickle.dumps({"vectors": TouchOnUnpickle(marker), "format": "word2vec"})
    pickle.loads(payload)  # control: the payload really runs code when unpickled
    assert marker.exists()
    marker.unlink()
    rng = np.random.default_rng(6)
    hostile = {
        "pickle payload": payload,
        "empty": b"",
        "noise": rng.bytes(len(data)),
        "truncated in the header": data[: PREAMBLE + header_length(data) // 2],
        "truncated in the arrays": data[: len(data) // 2 + 13],
        "last byte missing": data[:-1],
        **{f"8 bytes flipped #{i}": flip_8_bytes(data, rng) for i in range(40)},
    }
    assert len(hostile) == 46
    results = {}
    for name, content in hostile.items():
        path = tmp_path / f"{kind}.sg"
        path.write_bytes(content)
        for loader_name, load in LOADERS[kind].items():
            results[name, loader_name] = outcome(load, path)
    assert {key: r for key, r in results.items() if r != "rejected"} == {}
    assert not marker.exists()


@pytest.mark.parametrize("kind", ["model", "vectors"])
def test_the_undamaged_files_load(files, tmp_path, kind):
    # Control for every rejection in this module.
    path = tmp_path / f"{kind}.sg"
    path.write_bytes(files[kind])
    for load in LOADERS[kind].values():
        assert outcome(load, path) == "loaded"


# --- truncation and forged headers, through the public loaders --------------------------------


@pytest.mark.parametrize("kind", ["model", "vectors"])
def test_truncation_at_every_header_byte_and_throughout_the_arrays_is_rejected(
    files, tmp_path, kind
):
    data = files[kind]
    # Every byte boundary up to the first array, then 150 seeded cuts through the arrays.
    first_array = min(entry["offset"] for entry in header_of(data)["arrays"].values())
    cuts = list(range(first_array + 1))
    cuts += sorted(random.Random(1).sample(range(first_array + 1, len(data)), 150))
    path = tmp_path / f"{kind}.sg"
    results = {}
    for cut in cuts:
        path.write_bytes(data[:cut])
        for loader_name, load in LOADERS[kind].items():
            results[cut, loader_name] = outcome(load, path)
    assert len(results) > 2 * 500  # the header region alone is hundreds of bytes
    assert {key: r for key, r in results.items() if r != "rejected"} == {}


def _claim_shape(array: str, shape: list[int]) -> Callable[[dict], dict]:
    def forge(document: dict) -> dict:
        entry = document["arrays"][array]
        entry["shape"] = shape
        entry["nbytes"] = int(np.dtype(entry["dtype"]).itemsize * np.prod(shape, dtype=object))
        return document

    return forge


HUGE_CLAIMS = {
    "vectors 10**12 x 16": _claim_shape("vectors", [10**12, 16]),
    "vectors 10**6 x 10**6": _claim_shape("vectors", [10**6, 10**6]),
    "vectors 25 M x 16 (1.6 GB, allocatable)": _claim_shape("vectors", [25_000_000, 16]),
    "word bytes 10**12": _claim_shape("word_bytes", [10**12]),
    "word ends 2**40": _claim_shape("word_ends", [2**40]),
    "counts 10**12": _claim_shape("counts", [10**12]),
}


@pytest.mark.parametrize("forge", HUGE_CLAIMS.values(), ids=HUGE_CLAIMS.keys())
@pytest.mark.parametrize("kind", ["model", "vectors"])
def test_forged_huge_shapes_are_rejected_before_any_allocation(files, tmp_path, kind, forge):
    path = tmp_path / f"{kind}.sg"
    path.write_bytes(with_header(files[kind], forge(header_of(files[kind]))))
    for load in LOADERS[kind].values():
        tracemalloc.start()
        try:
            result = outcome(load, path)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert result == "rejected"
        assert peak < 5_000_000  # the file is ~10 kB; a claimed array is never allocated


def _set_metadata(**changes) -> Callable[[dict], dict]:
    def forge(document: dict) -> dict:
        document["metadata"].update(changes)
        return document

    return forge


def _set_param(**changes) -> Callable[[dict], dict]:
    def forge(document: dict) -> dict:
        document["metadata"]["params"].update(changes)
        return document

    return forge


@pytest.mark.parametrize(
    "forge",
    [
        _set_metadata(loss_history=[10**400]),  # float() would raise OverflowError
        _set_metadata(total_words=float("inf")),  # int() would raise OverflowError
        _set_metadata(epochs_trained=float("nan")),
        _set_param(alpha=10**400),  # math.isfinite() would raise OverflowError
        _set_param(vector_size=10**12),
        _set_param(objective="__import__('os')"),
        _set_metadata(params=[1, 2]),
    ],
    ids=[
        "huge loss",
        "infinite total_words",
        "NaN epochs",
        "huge alpha",
        "huge vector_size",
        "code as objective",
        "params a list",
    ],
)
def test_forged_model_metadata_is_rejected(files, tmp_path, forge):
    path = tmp_path / "model.sg"
    path.write_bytes(relaid(files["model"], forge(header_of(files["model"]))))
    for load in LOADERS["model"].values():
        assert outcome(load, path) == "rejected"


def test_relaid_forgeries_load_when_nothing_is_changed(files, tmp_path):
    # Control for the metadata forgeries: the rebuilt file itself is valid.
    path = tmp_path / "model.sg"
    path.write_bytes(relaid(files["model"], header_of(files["model"])))
    for load in LOADERS["model"].values():
        assert outcome(load, path) == "loaded"


def test_fractional_or_nan_counts_in_a_model_are_rejected(files, tmp_path):
    # A model's counts are integers; a forged float array must not be truncated silently.
    source = tmp_path / "source.sg"
    source.write_bytes(files["model"])
    arrays, metadata = load_arrays(source, "skipgram_model")
    for counts in (arrays["counts"] + 0.5, np.full(arrays["counts"].shape, np.nan)):
        save_arrays(tmp_path / "model.sg", "skipgram_model", {**arrays, "counts": counts}, metadata)
        for load in LOADERS["model"].values():
            assert outcome(load, tmp_path / "model.sg") == "rejected"


# --- fuzzing --------------------------------------------------------------------------------


class Fuzzer:
    """Seeded mutations of real saved files.

    Byte-level mutations (flips, 8-byte flips, truncation, insertion, deletion, duplicated or
    swapped blocks) must always be rejected: every byte is covered by a digest or the layout
    check. Forgeries (a header mutated and re-digested, or a container rewritten with changed
    metadata or arrays, as an attacker would) may load if they are still consistent; then the
    loaded object must answer a query."""

    def __init__(self, files: dict[str, bytes], directory: Path, seed: int) -> None:
        self.files = files
        self.rng = random.Random(seed)
        self.directory = directory
        self.containers = {}
        for kind, data in files.items():
            (directory / f"{kind}-source.sg").write_bytes(data)
            file_kind = "skipgram_model" if kind == "model" else "keyed_vectors"
            self.containers[kind] = load_arrays(directory / f"{kind}-source.sg", file_kind)

    def byte_mutation(self, data: bytes) -> bytes:
        rng, out = self.rng, bytearray(data)
        operation = rng.randrange(6)
        position = rng.randrange(len(out))
        if operation == 0:
            for _ in range(rng.randint(1, 4)):
                out[rng.randrange(len(out))] ^= rng.randrange(1, 256)
        elif operation == 1:
            position = min(position, len(out) - 8)
            out[position : position + 8] = bytes(
                b ^ rng.randrange(1, 256) for b in out[position:][:8]
            )
        elif operation == 2:
            del out[position:]
        elif operation == 3:
            out[position:position] = rng.randbytes(rng.randint(1, 100))
        elif operation == 4:
            del out[position : position + rng.randint(1, 100)]
        else:  # a block copied over another place
            length = rng.randint(1, 200)
            source = rng.randrange(len(out))
            block = out[source : source + length]
            if block != out[position : position + len(block)]:
                out[position : position + len(block)] = block
            else:
                out[position] ^= 0xFF
        return bytes(out)

    def random_json(self, depth: int = 0) -> object:
        choices = [
            10 ** self.rng.randint(1, 299),
            -self.rng.randrange(10**6),
            self.rng.random() * 10 ** self.rng.randint(-300, 300),
            "x" * self.rng.randrange(4),
            None,
            True,
            self.rng.randrange(100),
            [],
            {},
        ]
        if depth < 2:
            choices += [[self.random_json(depth + 1)], {"k": self.random_json(depth + 1)}]
        return self.rng.choice(choices)

    def mutate_json(self, document: object) -> object:
        """Replace (or delete) one randomly chosen node of a JSON document."""
        root = {"root": document}
        parent, key = root, "root"
        while isinstance(parent[key], (dict, list)) and parent[key] and self.rng.random() < 0.8:
            node = parent[key]
            parent, key = (
                node,
                (
                    self.rng.choice(list(node))
                    if isinstance(node, dict)
                    else self.rng.randrange(len(node))
                ),
            )
        if isinstance(parent, dict) and parent is not root and self.rng.random() < 0.2:
            del parent[key]
        else:
            parent[key] = self.random_json()
        return root["root"]

    def forged_header(self, data: bytes) -> bytes:
        header = json.dumps(self.mutate_json(header_of(data))).encode()
        digest = hashlib.blake2b(header, digest_size=32).digest()
        return (
            b"SKIPGRAM"
            + len(header).to_bytes(8, "little")
            + digest
            + header
            + data[PREAMBLE + header_length(data) :]
        )

    def rewritten_container(self, kind: str, path: Path) -> None:
        arrays, metadata = self.containers[kind]
        arrays, metadata = dict(arrays), json.loads(json.dumps(metadata))
        if self.rng.random() < 0.5:
            metadata = self.mutate_json(metadata)
            metadata = metadata if isinstance(metadata, dict) else {"params": metadata}
        else:
            name = self.rng.choice(list(arrays))
            array = arrays[name]
            operation = self.rng.randrange(4)
            if operation == 0:
                arrays[name] = array.astype(self.rng.choice(["<f4", "<f8", "<i4", "<i8", "|u1"]))
            elif operation == 1:
                arrays[name] = array.reshape(-1)[: self.rng.randrange(array.size + 1)]
            elif operation == 2:
                del arrays[name]
            else:
                arrays[name] = array.reshape(-1)[::-1].reshape(array.shape)
        file_kind = "skipgram_model" if kind == "model" else "keyed_vectors"
        save_arrays(path, file_kind, arrays, metadata)


def answers_a_query(loaded: object) -> None:
    vectors = loaded.wv if isinstance(loaded, SkipGram) else loaded
    if len(vectors.index_to_key):
        with warnings.catch_warnings():  # a mutated epoch count may mark the model untrained
            warnings.simplefilter("ignore", UserWarning)
            vectors.most_similar(vectors.index_to_key[0], topn=3)


FUZZ_FILES = 2000  # a fixed count, not a time budget: every run checks the same files


@pytest.mark.slow
def test_fuzzing_thousands_of_mutated_files_never_crashes_a_loader(files, tmp_path, capsys):
    fuzzer = Fuzzer(files, tmp_path, seed=2024)
    counts: Counter[str] = Counter()
    failures: dict[tuple[str, str, str], str] = {}
    start = time.perf_counter()
    while counts["files"] < FUZZ_FILES:
        kind = fuzzer.rng.choice(["model", "vectors"])
        path = tmp_path / f"fuzzed-{kind}.sg"
        strategy = fuzzer.rng.choices(["bytes", "header", "container"], weights=[6, 2, 2])[0]
        if strategy == "bytes":
            path.write_bytes(fuzzer.byte_mutation(files[kind]))
        elif strategy == "header":
            path.write_bytes(fuzzer.forged_header(files[kind]))
        else:
            try:
                fuzzer.rewritten_container(kind, path)
            except (TypeError, ValueError):  # e.g. a number the writer refuses
                continue
        counts["files"] += 1
        counts[f"files: {strategy}"] += 1
        for loader_name, load in LOADERS[kind].items():
            counts["loads"] += 1
            try:
                answers_a_query(load(path))
            except ModelFormatError as error:
                counts["rejected"] += 1
                if str(path) not in str(error):
                    failures.setdefault((strategy, loader_name, "unnamed"), str(error))
                continue
            except Exception as error:
                failures.setdefault(
                    (strategy, loader_name, type(error).__name__), f"{error!r}"[:300]
                )
                continue
            counts["loaded"] += 1
            if strategy == "bytes":
                failures.setdefault((strategy, loader_name, "loaded"), "a damaged file loaded")
    seconds = time.perf_counter() - start
    with capsys.disabled():
        print(
            f"\nfuzz: {counts['files']} mutated files ({counts['files: bytes']} byte-level, "
            f"{counts['files: header']} forged headers, {counts['files: container']} rewritten "
            f"containers), {counts['loads']} loads: {counts['rejected']} rejected, "
            f"{counts['loaded']} loaded, in {seconds:.1f} s"
        )
    assert failures == {}
    assert counts["files: bytes"] > 0 and counts["files: header"] > 0
    assert counts["files: container"] > 0


# --- atomic saves under SIGKILL ---------------------------------------------------------------

KILLED_MODEL_SAVER = textwrap.dedent(
    """
    import sys, time
    from skipgram import SkipGram

    path = sys.argv[1]
    words = [f"w{i}" for i in range(40_000)]
    # 2 matrices of 40,000 x 200 float32: a 64 MB file, so a save takes a while.
    model = SkipGram([words], vector_size=200, min_count=1, workers=1)
    for generation in range(1, 1000):
        model.wv.vectors[:, 0] = generation
        model.output_vectors[:, 0] = generation
        print("saving", generation, flush=True)
        start = time.perf_counter()
        model.save(path)
        print("saved", generation, time.perf_counter() - start, flush=True)
    """
)


def _temporary_files(directory: Path, target: Path) -> list[Path]:
    return [p for p in directory.iterdir() if p.name.startswith(f".{target.name}.")]


def _kill_saver_mid_save(python_process, path: Path, moment: float | None) -> tuple[int, str]:
    """Start KILLED_MODEL_SAVER, let it save once, then SIGKILL it during a later save: at
    `moment` (a fraction of the first save's duration) into it, or with `moment=None` while its
    temporary file is partly written. Returns (the generation it was saving, how)."""
    with python_process(KILLED_MODEL_SAVER, path, cwd=path.parent) as child:
        if moment is None:
            child.read_until("saving", "2")
            how = _kill_while_partly_written(child, path, deadline=time.monotonic() + 20)
        else:
            child.kill_during_second_save(moment)
            how = f"{moment:.0%} of a save's time into it"
    # The last save begun: the kill may have come after the save we waited for.
    return int([line for line in child.lines if line[0] == "saving"][-1][1]), how


def _kill_while_partly_written(child, path: Path, deadline: float) -> str:
    """SIGKILL `child` at a moment when its temporary file is partly written: stopped first
    (SIGSTOP), so the file seen is still partial when the kill lands."""
    full_size = path.stat().st_size
    while time.monotonic() < deadline:
        if _partial_size(path, full_size) is not None:
            child.send(signal.SIGSTOP)
            size = _partial_size(path, full_size)  # the child can no longer move on
            if size is not None:
                child.kill()
                return f"temporary file {size / full_size:.0%} written"
            child.send(signal.SIGCONT)  # the save finished meanwhile: try the next one
        time.sleep(0.0005)
    pytest.fail("never saw a partly written temporary file")


def _partial_size(path: Path, full_size: int) -> int | None:
    for temporary in _temporary_files(path.parent, path):
        try:
            size = temporary.stat().st_size
        except FileNotFoundError:  # renamed meanwhile
            continue
        if 0 < size < full_size:
            return size
    return None


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGKILL and SIGSTOP")
@pytest.mark.parametrize("moment", [None, 0.3, 0.8], ids=["mid-write", "30%", "80%"])
def test_a_model_save_killed_midway_leaves_the_previous_model_loadable(
    tmp_path, python_process, moment
):
    path = tmp_path / "model.sg"
    being_saved, how = _kill_saver_mid_save(python_process, path, moment)
    model = SkipGram.load(path)  # verifies every digest
    generation = int(model.wv.vectors[0, 0])
    if moment is None:  # killed while the temporary file was incomplete: no trace of it
        assert generation == being_saved - 1, how
    else:  # a random moment may fall after the rename
        assert generation in (being_saved - 1, being_saved), how
    assert np.all(model.wv.vectors[:, 0] == generation)
    assert np.all(model.output_vectors[:, 0] == generation)
    # Only the killed save's hidden temporary file may be left, and the model's name never
    # points at it (rename is the last step). 64 MB each: removed here.
    leftovers = [p for p in tmp_path.iterdir() if p != path]
    assert all(p.name.startswith(".model.sg.") and p.suffix == ".tmp" for p in leftovers)
    for leftover in leftovers:
        leftover.unlink()


# --- corpora given to the model ----------------------------------------------------------------


@pytest.mark.parametrize(
    "corpus", ["a plain string", "corpus.txt", b"corpus.txt", Path("corpus.txt")]
)
def test_a_string_or_path_instead_of_a_corpus_suggests_line_sentence(corpus):
    with pytest.raises(TypeError, match=r"LineSentence\(path\)"):
        SkipGram(corpus)
    model = SkipGram([["a", "b"]], **SMALL)
    with pytest.raises(TypeError, match=r"LineSentence\(path\)"):
        model.build_vocab(corpus)
    with pytest.raises(TypeError, match=r"LineSentence\(path\)"):
        model.train(corpus)


def test_sentences_given_as_strings_are_a_type_error_saying_where():
    with pytest.raises(TypeError, match=r"got str at sentence 1 — split it"):
        SkipGram([["fine", "tokens"], "a sentence as one string"], **SMALL)


@pytest.mark.parametrize("corpus", [[], [[], []], ()], ids=["[]", "[[], []]", "()"])
def test_an_empty_corpus_is_a_value_error_saying_so(corpus):
    with pytest.raises(ValueError, match=r"corpus is empty \(\d+ sentences, 0 words\)"):
        SkipGram(corpus)


def test_an_empty_file_is_a_value_error_saying_so(tmp_path):
    (tmp_path / "empty.txt").write_text("\n  \n")
    with pytest.raises(ValueError, match="corpus is empty"):
        SkipGram(LineSentence(tmp_path / "empty.txt"))


@pytest.mark.parametrize("path", ["compiled", "python", "max_vocab_size"])
def test_no_word_reaching_min_count_names_the_most_frequent_word_and_its_count(tmp_path, path):
    text = "rare words only here\nwords appear twice\n"
    (tmp_path / "c.txt").write_text(text)
    corpus = LineSentence(tmp_path / "c.txt")
    extra = {"max_vocab_size": 1000} if path == "max_vocab_size" else {}
    if path == "python":
        corpus = [line.split() for line in text.splitlines()]
    with pytest.raises(
        ValueError,
        match=r"no word reaches min_count=5: the corpus has 6 distinct words and 7 tokens, "
        r"the most frequent word, 'words', occurs 2 times; lower min_count",
    ):
        SkipGram(corpus, min_count=5, **extra)


def test_a_count_table_pruned_empty_says_to_raise_max_vocab_size():
    with pytest.raises(ValueError, match=r"pruning dropped every word.*raise max_vocab_size"):
        SkipGram([["a", "b", "c", "d"]], max_vocab_size=1, **SMALL)


BAD_TOKENS = {"int": 7, "None": None, "bytes": b"raw", "float": 1.5, "list": ["nested"]}


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
@pytest.mark.parametrize("step", ["build_vocab", "build_vocab pruned", "train new corpus"])
def test_a_non_string_token_is_a_type_error_with_its_position_and_type(token, step):
    good = [["a", "b", "c"], ["b", "c", "a"]] * 5
    bad = [*good, ["a", "b", "c", token, "a"]]  # sentence 10, token 3
    message = rf"token must be a str, got {type(token).__name__} .* at sentence 10, token 3"
    with pytest.raises(TypeError, match=message):
        if step == "build_vocab":
            SkipGram(bad, **SMALL)
        elif step == "build_vocab pruned":
            SkipGram(bad, max_vocab_size=100, **SMALL)
        else:
            SkipGram(good, **SMALL).train(bad)


def test_a_bytes_token_suggests_decoding():
    with pytest.raises(TypeError, match="decode bytes tokens first"):
        SkipGram([["a", b"b"]], **SMALL)


def test_a_generator_is_refused_for_training_with_an_explanation():
    def sentences():
        yield from [["a", "b", "c"]] * 10

    model = SkipGram(sentences(), **SMALL)  # the vocabulary pass is the generator's only pass
    with pytest.raises(TypeError, match=r"one-shot iterator.*restartable"):
        model.train(epochs=3)
    model = SkipGram(**SMALL)
    generator = sentences()
    model.build_vocab(generator)
    with pytest.raises(TypeError, match="one-shot iterator"):
        model.train(generator, epochs=3)  # the gensim two-step habit


def test_a_restartable_corpus_trains_every_epoch_in_full():
    # Control for the generator test: the same sentences in a list train all 3 epochs.
    model = SkipGram([["a", "b", "c"]] * 10, **SMALL).train(epochs=3)
    assert model.epochs_trained == 3 and model.last_epoch.raw_words == 30


# --- a line of a million tokens -------------------------------------------------------------


class PythonReader:
    """Wraps a reader so that training reads it through Python, not the compiled reader."""

    def __init__(self, reader: object) -> None:
        self.reader = reader

    def __iter__(self):
        return iter(self.reader)


@pytest.fixture(scope="module")
def million_token_line(tmp_path_factory) -> tuple[Path, Counter[str]]:
    rng = np.random.default_rng(11)
    tokens = [f"w{i}" for i in rng.zipf(1.3, 1_000_000) % 5000]
    path = tmp_path_factory.mktemp("long") / "one-line.txt"
    path.write_text(" ".join(tokens) + "\n")
    return path, Counter(tokens)


@pytest.mark.parametrize("reader", ["LineSentence", "LineSentence via Python", "Text8Corpus"])
def test_a_line_of_a_million_tokens_trains_every_token(million_token_line, reader):
    path, counts = million_token_line
    corpus = {
        "LineSentence": lambda: LineSentence(path),
        "LineSentence via Python": lambda: PythonReader(LineSentence(path)),
        "Text8Corpus": lambda: Text8Corpus(path),
    }[reader]()
    # window=1 makes the pairs exact: 2 (n - 1) per sentence of n tokens.
    model = SkipGram(corpus, epochs=1, **{**SMALL, "window": 1, "workers": 2}).train()
    assert dict(zip(model.wv.index_to_key, model.vocab.counts.tolist(), strict=True)) == counts
    assert model.vocab.total_words == 1_000_000
    assert model.last_epoch.raw_words == model.last_epoch.kept_words == 1_000_000
    # 100 chunks of max_sentence_length=10,000 tokens: a window stops at a chunk border.
    assert model.vocab.total_sentences == 100
    assert model.last_epoch.pairs == 2 * (1_000_000 - 100)
