"""Property checks that may crash the interpreter, run by test_properties.py in a child process.

`python hostile_child.py params N` draws N parameter combinations, `python hostile_child.py
files N DIR` N forged model files (hostile values under checksums recomputed as skipgram.io
computes them). Each case must end cleanly: a ValueError/TypeError naming a parameter (a
ModelFormatError naming the file, for a forged file), or one tiny epoch trained. A crash (a
segfault) kills only this process: the parent sees its exit status, and the last line printed
names the case that did it. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skipgram import DivergenceError, SkipGram
from skipgram.io import ModelFormatError, load_arrays
from skipgram.params import FLOAT_BOUNDS, INT_BOUNDS

CORPUS = [["a", "b", "c", "d", "a", "b"], ["c", "d", "a", "b"], ["e", "a"]]
PARAMETERS = (*INT_BOUNDS, *FLOAT_BOUNDS, "objective", "shuffle", "shared_negatives")
# Values that broke something once, or sit at a C int / int64 / float limit.
HOSTILE_INTS = [-1, 2**28, 2**30, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**30]
JUNK = [None, "5", 2.5, True, float("nan"), float("inf"), [1], {"a": 1}]
# Where training stays tiny: the corpus has 16 tokens, so even window=1000 pairs few words.
ARRAY_FORGERIES = ["none", "nan vectors", "inf output_vectors", "zero count", "huge counts"]
SMALL_INTS = {"vector_size": 24, "window": 6, "negative": 6, "workers": 3, "batch_words": 20}


def int_values(name: str) -> st.SearchStrategy[Any]:
    low, high = INT_BOUNDS[name]
    return st.one_of(
        st.integers(low, min(high, SMALL_INTS.get(name, 3))),
        st.sampled_from([low - 1, low, high, high + 1]),
        st.sampled_from(HOSTILE_INTS + JUNK),
    )


def float_values(name: str) -> st.SearchStrategy[Any]:
    low, high = FLOAT_BOUNDS[name]
    return st.one_of(
        st.floats(max(low, 1e-6), min(high, 1.0)),
        st.sampled_from([low, high, -1e-9, high * 2, 1e308, 10**400, 2**64, -math.inf]),
        st.sampled_from(JUNK),
    )


def valid_int_values(name: str) -> st.SearchStrategy[int]:
    low, high = INT_BOUNDS[name]
    return st.one_of(st.integers(low, min(high, SMALL_INTS.get(name, 3))), st.just(high))


def parameter_sets() -> st.SearchStrategy[dict[str, Any]]:
    """Any mixture of valid, boundary, hostile and junk values; half the time only valid ones
    (the bounds themselves included), so that many combinations do train."""
    optional: dict[str, st.SearchStrategy[Any]] = {name: int_values(name) for name in INT_BOUNDS}
    optional.update({name: float_values(name) for name in FLOAT_BOUNDS})
    optional["max_vocab_size"] = st.one_of(st.none(), int_values("max_vocab_size"))
    optional["objective"] = st.sampled_from(["ns", "hs", "softmax", "cbow", None, 1])
    for name in ("shuffle", "shared_negatives"):
        optional[name] = st.sampled_from([True, False, 0, 1, None, "yes"])
    valid: dict[str, st.SearchStrategy[Any]] = {
        name: valid_int_values(name) for name in INT_BOUNDS if name != "min_count"
    }
    valid.update({name: st.sampled_from([*FLOAT_BOUNDS[name], 0.5]) for name in FLOAT_BOUNDS})
    valid["alpha"] = st.sampled_from([0.025, 1.0, FLOAT_BOUNDS["alpha"][1]])
    valid["min_alpha"] = st.sampled_from([0.0, 1e-4])
    valid["objective"] = st.sampled_from(["ns", "hs", "softmax"])
    valid["shuffle"] = st.booleans()
    return st.one_of(
        st.fixed_dictionaries({}, optional=optional),
        st.fixed_dictionaries({}, optional=valid).map(_consistent),
    )


def _consistent(params: dict[str, Any]) -> dict[str, Any]:
    """Valid values that are also valid together (negative sampling needs negative >= 1)."""
    if params.get("objective", "ns") == "ns" and params.get("negative") == 0:
        params["negative"] = 1
    return params


def names_a_parameter(error: BaseException) -> bool:
    return any(name in str(error) for name in PARAMETERS)


def train_one_epoch(params: dict[str, Any]) -> str:
    try:
        model = SkipGram(CORPUS, **{"min_count": 1, **params})
    except (ValueError, TypeError) as error:
        assert names_a_parameter(error), f"the error names no parameter: {error!r}"
        return "refused"
    try:
        model.train(epochs=1)
    except DivergenceError as error:  # a learning rate near the float32 limit: named
        assert "alpha" in str(error), f"the divergence does not name alpha: {error!r}"
        return "diverged"
    assert model.epochs_trained == 1
    return "trained"


# ---- forged model files ------------------------------------------------------------------------


def forge(source: Path, target: Path, params: Any, arrays_forgery: str) -> None:
    """`source`'s model with its saved parameters replaced by `params` and one array perhaps
    damaged, written with the layout and BLAKE2b-256 digests skipgram.io.save_arrays writes, so
    that every checksum is right."""
    arrays, metadata = load_arrays(source, "skipgram_model")
    arrays = {name: np.array(a) for name, a in arrays.items()}
    if arrays_forgery == "nan vectors":
        arrays["vectors"][0, 0] = np.nan
    elif arrays_forgery == "inf output_vectors":
        arrays["output_vectors"][-1, -1] = np.inf
    elif arrays_forgery == "zero count":
        arrays["counts"][-1] = 0
    elif arrays_forgery == "huge counts":
        arrays["counts"][:] = 2**62
    metadata["params"] = params
    digest = lambda data: hashlib.blake2b(data, digest_size=32).hexdigest()  # noqa: E731
    entries = {
        name: {
            "dtype": a.dtype.str,
            "shape": list(a.shape),
            "nbytes": a.nbytes,
            "blake2b": digest(a.reshape(-1).view(np.uint8)),
        }
        for name, a in arrays.items()
    }
    header = b""
    while True:  # the offsets depend on the header's length, which depends on the offsets
        offset = 48 + len(header)
        for entry in entries.values():
            entry["offset"] = offset = -(-offset // 64) * 64
            offset += entry["nbytes"]
        document = {
            "format_version": 1,
            "kind": "skipgram_model",
            "metadata": metadata,
            "arrays": entries,
        }
        new_header = json.dumps(document).encode()  # NaN/Infinity literals allowed: hostile
        if new_header == header:
            break
        header = new_header
    with open(target, "wb") as out:
        out.write(b"SKIPGRAM" + len(header).to_bytes(8, "little"))
        out.write(bytes.fromhex(digest(header)) + header)
        for name, entry in entries.items():
            out.write(b"\0" * (entry["offset"] - out.tell()))
            out.write(arrays[name].tobytes())


def load_and_train(path: Path, mmap: bool) -> str:
    try:
        model = SkipGram.load(path, mmap=mmap)
    except ModelFormatError as error:
        assert str(path) in str(error), f"the error does not name the file: {error!r}"
        return "refused"
    try:
        model.train(CORPUS, epochs=1)
    except DivergenceError as error:
        assert "alpha" in str(error), f"the divergence does not name alpha: {error!r}"
        return "diverged"
    except (ValueError, TypeError) as error:
        assert names_a_parameter(error), f"the error names no parameter: {error!r}"
        return "refused at train"
    return "trained"


def main() -> None:
    mode, examples = sys.argv[1], int(sys.argv[2])
    quick = settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    outcomes: dict[str, int] = {}

    def record(case: object, run: Any) -> None:
        print(f"case {case!r}", flush=True)  # the last line printed names a crashing case
        result = run()
        outcomes[result] = outcomes.get(result, 0) + 1

    if mode == "params":

        @quick
        @given(parameter_sets())
        def check(params: dict[str, Any]) -> None:
            record(params, lambda: train_one_epoch(params))

    else:
        directory = Path(sys.argv[3])
        source = directory / "source.sg"
        base = SkipGram(CORPUS, min_count=1, vector_size=8, workers=1, epochs=1).train()
        base.save(source)
        base_params = json.loads(json.dumps(vars(base.params)))

        @quick
        @given(
            st.one_of(
                parameter_sets().map(lambda changes: {**base_params, **changes}),
                st.sampled_from([[1, 2], "ns", None, {**base_params, "sentences": ["a"]}]),
            ),
            st.sampled_from(ARRAY_FORGERIES),
            st.booleans(),
        )
        def check(params: Any, arrays_forgery: str, mmap: bool) -> None:
            path = directory / "forged.sg"
            forge(source, path, params, arrays_forgery)
            record((params, arrays_forgery, mmap), lambda: load_and_train(path, mmap))

    check()
    print(f"outcomes {json.dumps(outcomes, sort_keys=True)}", flush=True)


if __name__ == "__main__":
    main()
