"""gensim 4.4's own tests, ported to skipgram by swapping only the construction of objects.

Run it with an interpreter that has both gensim 4.4 (with its test extras: pytest,
testfixtures, POT) and skipgram installed, e.g. a venv made with `--system-site-packages`:

    python benchmarks/gensim_suite.py            # the summary and every failure's reason
    python benchmarks/gensim_suite.py --keep /tmp/port -k most_similar

The measure of issue 14 ("the drop-in claim made true"): how many of gensim's own tests of the
API skipgram replaces pass against skipgram, with their bodies unchanged.

What is ported. Four files of the installed gensim's test package: test_keyedvectors.py,
test_word2vec.py, test_datatype.py and test_glove2word2vec.py. Each is copied into a temporary
folder and changed in its imports only, plus a header (`HEADER` below) that defines what
the imports named:

- `Word2Vec(corpus, ...)` becomes `SkipGram(corpus, ...).train()` (gensim's constructor trains
  when it is given a corpus; skipgram's idiom is the explicit `.train()`), and
  `Word2Vec(...)` without a corpus is `SkipGram(...)`; `Word2Vec.load` is `SkipGram.load`.
- `KeyedVectors` (under any of its gensim paths) is `skipgram.KeyedVectors`.
- `word2vec.LineSentence`/`PathLineSentences` are skipgram's.
- gensim's module-level `_load_word2vec_format(cls, fname, ..., binary_chunk_size)`, the
  loader behind `KeyedVectors.load_word2vec_format`, is `KeyedVectors.load_word2vec_format`
  with the same arguments (`binary_chunk_size` is the size of gensim's read buffer, which
  skipgram's reader does not have).

gensim's helpers that construct no model object (`gensim.utils`, `gensim.test.utils`'s
corpora and temporary files, `REAL`, `pseudorandom_weak_vector`, gensim's own command-line
scripts) stay gensim's. The test data is a copy of the files the tests name, in the temporary
folder (`gensim.test.utils.module_path` points there), so a test that writes next to its data
(test_type_conversion does) leaves the installed gensim untouched. Test bodies are verbatim.

Which tests are in scope: every test collected from those files except (`OUT_OF_SCOPE`):
- CBOW: the test passes `sg=0` (skipgram trains skip-gram only; gensim's default `sg=0`
  turns into skip-gram by the swap above, so tests that leave `sg` unset are in scope);
- pickle: the test loads a model file that an older gensim pickled (skipgram never unpickles);
- gensim's internals and tools: its Cython corpus reader and its `word2vec_standalone` script;
- not run by default: gensim's bulk-calibration test, skipped unless BULK_TEST_REPS is set.
The script checks that the two lists cover exactly what pytest collects, so a gensim release
that adds or renames a test stops it instead of shifting the count.

Failures that are deliberate differences, documented in docs/migration.md, are listed in
`DELIBERATE` with the row that says so; they are reported as such, and count as failures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

SUITE_FILES = (
    "test_keyedvectors.py",
    "test_word2vec.py",
    "test_datatype.py",
    "test_glove2word2vec.py",
)

_W2V = "test_word2vec.py::TestWord2VecModel::"
_KV = "test_keyedvectors.py::"
OUT_OF_SCOPE: dict[str, str] = {
    **{
        _W2V + name: "CBOW (sg=0)"
        for name in (
            "test_cbow_fixedwindowsize",
            "test_cbow_fixedwindowsize_fromfile",
            "test_cbow_hs",
            "test_cbow_hs_fromfile",
            "test_cbow_hs_online",
            "test_cbow_neg",
            "test_cbow_neg_fromfile",
            "test_cbow_neg_online",
            "test_training_cbow",
            "test_training_cbow_negative",
            "test_similarities",  # "The model is trained using CBOW": sg=0
            "test_locking",  # `for sg in range(2)`: CBOW first, then skip-gram
        )
    },
    **{
        _W2V + name: "pickle (a model file an older gensim pickled)"
        for name in (
            "test_persistence_backwards_compatible",
            "test_load_old_model",
            "test_load_old_model_separates",
            "test_load_old_models_1_x",
            "test_load_old_models_2_x",
            "test_load_old_models_3_x",
        )
    },
    _KV + "Gensim320Test::test": "pickle (a model file an older gensim pickled)",
    "test_word2vec.py::TestWord2VecSentenceIterators::"
    "test_cython_line_sentence_works_with_filename": (
        "gensim internals (gensim.models.word2vec_corpusfile.CythonLineSentence)"
    ),
    "test_word2vec.py::TestWord2VecScripts::test_word2vec_stand_alone_script": (
        "gensim's own tool (python -m gensim.scripts.word2vec_standalone)"
    ),
    _W2V + "test_method_in_bulk": "not run by default (needs BULK_TEST_REPS)",
}

# In-scope tests that fail because skipgram deliberately differs, with the docs/migration.md
# row that documents the difference. They count as failures.
DELIBERATE: dict[str, str] = {
    _W2V + "test_build_vocab_warning": (
        "a sentence that is a str is a TypeError; gensim logs a warning and trains on its "
        "characters (Behaviours that differ: Errors)"
    ),
    _W2V + "test_compute_training_loss": (
        "hs=1 with negative>0 (both objectives at once) is refused (Constructor: hs=1, negative>0)"
    ),
    _W2V + "test_train_hs_and_neg": (
        "hs=1 with negative>0 (both objectives at once) is refused (Constructor: hs=1, negative>0)"
    ),
    _W2V + "test_evaluate_word_analogies": (
        "similarity_function='most_similar_cosmul' answers with 3CosMul, where gensim ignores the "
        "parameter: the test's two scores are equal in gensim by construction, here only when "
        "both rankings agree on every question, which depends on the training run "
        "(Methods: evaluate_word_analogies)"
    ),
    _W2V + "test_train_with_explicit_param": (
        "train() needs neither epochs nor total_examples/total_words: skipgram knows the corpus "
        "size (train: total_examples, epochs)"
    ),
    _W2V + "test_no_training_c_format": (
        "the same train() without counts; on a model with vectors but no vocabulary it raises "
        "RuntimeError 'build the vocabulary first' instead (train: total_examples, epochs)"
    ),
    _W2V + "test_persistence_word2vec_format_combination_with_standard_persistence": (
        "SkipGram.load of a saved KeyedVectors is a ModelFormatError naming KeyedVectors.load, "
        "where gensim's unpickling ends in an AttributeError (Methods: save, load)"
    ),
}

# (old, new) replacements of whole import lines, per file: each must match exactly once, so a
# different gensim release fails here instead of being ported half.
IMPORTS: dict[str, list[tuple[str, str]]] = {
    "test_keyedvectors.py": [
        (
            "from gensim.models.keyedvectors import KeyedVectors, REAL, pseudorandom_weak_vector\n",
            "from gensim.models.keyedvectors import REAL, pseudorandom_weak_vector\n",
        ),
    ],
    "test_word2vec.py": [("from gensim.models import word2vec, keyedvectors\n", "")],
    "test_datatype.py": [("from gensim.models.keyedvectors import KeyedVectors\n", "")],
    "test_glove2word2vec.py": [],
}
# Attribute paths to gensim's KeyedVectors and its loader, used inside test bodies.
PATHS = [
    (
        re.compile(r"\bgensim\.models\.keyedvectors\._load_word2vec_format\b"),
        "_load_word2vec_format",
    ),
    (re.compile(r"\bgensim\.models\.(?:keyedvectors\.)?KeyedVectors\b"), "KeyedVectors"),
]

HEADER = '''\
# Ported by benchmarks/gensim_suite.py from gensim's {name}: construction swapped to skipgram,
# test bodies verbatim.
import types as _types

import skipgram as _skipgram
from skipgram import KeyedVectors, SkipGram as _SkipGram


def _Word2Vec(sentences=None, corpus_file=None, **kwargs):
    """gensim's Word2Vec(corpus, ...) builds the vocabulary and trains; skipgram's idiom for
    that is SkipGram(corpus, ...).train()."""
    model = _SkipGram(sentences, corpus_file=corpus_file, **kwargs)
    if sentences is not None or corpus_file is not None:
        model.train()
    return model


_Word2Vec.load = _SkipGram.load
word2vec = _types.SimpleNamespace(
    Word2Vec=_Word2Vec,
    LineSentence=_skipgram.LineSentence,
    PathLineSentences=_skipgram.PathLineSentences,
)
keyedvectors = _types.SimpleNamespace(KeyedVectors=KeyedVectors)


def _load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                          unicode_errors="strict", limit=None, datatype=None, no_header=False,
                          binary_chunk_size=100 * 1024):
    """gensim's loader behind KeyedVectors.load_word2vec_format; binary_chunk_size is the size
    of its read buffer, which skipgram's reader does not have."""
    import numpy
    return cls.load_word2vec_format(fname, fvocab, binary, encoding, unicode_errors, limit,
                                    numpy.float32 if datatype is None else datatype, no_header)
# end of the ported header
'''

CONFTEST = """\
# The tests' data is the copy beside this file, not the installed gensim's folder.
import os

import gensim.test.utils

gensim.test.utils.module_path = os.path.dirname(os.path.abspath(__file__))
"""


def gensim_test_dir() -> Path:
    import gensim.test

    return Path(gensim.test.__file__).parent


def port(source: str, name: str) -> str:
    """The test file `name` with its imports swapped to skipgram and the header prepended."""
    for old, new in IMPORTS[name]:
        if source.count(old) != 1:
            raise SystemExit(f"{name}: expected the import line {old!r} once; gensim changed?")
        source = source.replace(old, new)
    for pattern, new in PATHS:
        source = pattern.sub(new, source)
    # The header goes after the module docstring and the __future__-free imports' start, i.e.
    # before the first line that imports anything, so the file's own imports still come first.
    first_import = re.search(r"^(import|from) ", source, flags=re.MULTILINE)
    assert first_import is not None
    at = first_import.start()
    return source[:at] + HEADER.format(name=name) + "\n" + source[at:]


def copy_data(sources: dict[str, str], gensim_tests: Path, target: Path) -> None:
    """Copy the test_data entries the tests name (`datapath('...')`), and the Lee corpus that
    gensim.test.utils reads, into target/test_data."""
    names = {"lee_background.cor"}
    for text in sources.values():
        names.update(re.findall(r"datapath\(\s*['\"]([^'\"]+)['\"]", text))
    data = target / "test_data"
    data.mkdir()
    for name in sorted(names):
        origin = gensim_tests / "test_data" / name.split("/")[0]
        if origin.is_dir():
            shutil.copytree(origin, data / origin.name, dirs_exist_ok=True)
        elif origin.exists():
            shutil.copy2(origin, data / origin.name)


def collected(folder: Path) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    ids = [line for line in run.stdout.splitlines() if "::" in line]
    if run.returncode != 0 or not ids:
        raise SystemExit(f"collecting the ported tests failed:\n{run.stdout}\n{run.stderr}")
    return ids


def one_line(element: ET.Element) -> str:
    message = element.get("message") or (element.text or "").strip()
    line = next((part for part in message.splitlines() if part.strip()), "")
    return line[:200]


def run_tests(folder: Path, ids: list[str], extra: list[str]) -> dict[str, tuple[str, str]]:
    """Outcome ("passed", "failed", "skipped") and one-line reason of each test id."""
    report = folder / "report.xml"
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rN", "--tb=no",
         f"--junitxml={report}", *extra, *ids],
        cwd=folder,
    )  # fmt: skip
    outcomes: dict[str, tuple[str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        module, _, cls = case.get("classname", "").rpartition(".")
        test_id = f"{module or cls}.py::{cls}::{case.get('name')}"
        if not module:  # classname is the module alone for a test function
            test_id = f"{cls}.py::{case.get('name')}"
        outcome, reason = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, reason = "failed", one_line(child)
            elif child.tag == "skipped":
                outcome, reason = "skipped", one_line(child)
        outcomes[test_id] = (outcome, reason)
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="port into this folder and keep it")
    parser.add_argument("-k", help="run only the in-scope tests pytest's -k selects")
    args = parser.parse_args()

    import gensim
    import skipgram

    gensim_tests = gensim_test_dir()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gensim-suite-"))
    folder.mkdir(parents=True, exist_ok=True)
    sources = {name: (gensim_tests / name).read_text(encoding="utf-8") for name in SUITE_FILES}
    for name, text in sources.items():
        (folder / name).write_text(port(text, name), encoding="utf-8")
    (folder / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    if not (folder / "test_data").exists():
        copy_data(sources, gensim_tests, folder)

    all_ids = collected(folder)
    unknown = set(OUT_OF_SCOPE) - set(all_ids)
    if unknown:
        raise SystemExit(f"out-of-scope tests that gensim no longer has: {sorted(unknown)}")
    in_scope = [test_id for test_id in all_ids if test_id not in OUT_OF_SCOPE]
    where = Path(skipgram.__file__).parent
    print(
        f"gensim {gensim.__version__} ({gensim_tests}), skipgram {skipgram.__version__} ({where})"
    )
    kinds = Counter(reason.split(" (")[0] for reason in OUT_OF_SCOPE.values())
    print(
        f"collected {len(all_ids)} tests: {len(in_scope)} in scope, "
        f"{len(OUT_OF_SCOPE)} out of scope ({', '.join(f'{k}: {n}' for k, n in kinds.items())})"
    )

    outcomes = run_tests(folder, in_scope, ["-k", args.k] if args.k else [])
    ran = [test_id for test_id in in_scope if test_id in outcomes]
    missing = [t for t in ran if t not in outcomes]
    assert not missing, missing

    print()
    print(f"{'file':26} {'in scope':>8} {'passed':>7} {'failed':>7} {'skipped':>8}")
    for name in SUITE_FILES:
        mine = [outcomes[t][0] for t in ran if t.startswith(name + "::")]
        tally = Counter(mine)
        print(f"{name:26} {len(mine):8} {tally['passed']:7} {tally['failed']:7} "
              f"{tally['skipped']:8}")  # fmt: skip
    tally = Counter(outcomes[t][0] for t in ran)
    print(f"{'total':26} {len(ran):8} {tally['passed']:7} {tally['failed']:7} "
          f"{tally['skipped']:8}")  # fmt: skip

    failed = [t for t in ran if outcomes[t][0] != "passed"]
    if failed:
        print("\nnot passing:")
    for test_id in failed:
        outcome, reason = outcomes[test_id]
        note = f"  [documented deliberate difference: {DELIBERATE[test_id]}]" if (
            test_id in DELIBERATE) else ""  # fmt: skip
        print(f"  {outcome:7} {test_id}: {reason}{note}")
    print(f"\n{tally['passed']} of {len(ran)} in-scope tests pass verbatim "
          f"({sum(t in DELIBERATE for t in failed)} of the {len(failed)} others are documented "
          "deliberate differences)")  # fmt: skip
    if args.keep is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
