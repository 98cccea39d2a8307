"""Saves taken while training runs, stale cached corpora, and paths that are not plain files."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np
import pytest

from skipgram import KeyedVectors, LineSentence, PathLineSentences, SkipGram, Text8Corpus
from skipgram.io import ModelFormatError


def _corpus(sentences: int, seed: int = 0) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(60)]
    return [list(rng.choice(words, size=12)) for _ in range(sentences)]


def test_every_save_taken_while_training_runs_loads(tmp_path):
    model = SkipGram(_corpus(3000), min_count=1, vector_size=32, epochs=40, workers=2)
    done = threading.Event()
    errors: list[BaseException] = []

    def train() -> None:
        try:
            model.train()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            done.set()

    trainer = threading.Thread(target=train)
    trainer.start()
    written = []
    while not done.is_set() and len(written) < 60:
        target = tmp_path / f"m{len(written) % 4}"
        model.save(target)
        model.wv.save(tmp_path / f"v{len(written) % 4}")
        model.wv.save_word2vec_format(tmp_path / f"w{len(written) % 4}.bin", binary=True)
        written.append(target)
    trainer.join()
    assert not errors
    assert len(written) >= 3, "training ended before the saves overlapped it"
    for index in range(min(4, len(written))):
        SkipGram.load(tmp_path / f"m{index}")
        KeyedVectors.load(tmp_path / f"v{index}")
        KeyedVectors.load_word2vec_format(tmp_path / f"w{index}.bin", binary=True)


def test_save_snapshot_digest_matches_what_was_written(tmp_path):
    # The digest and the bytes come from one copy: changing the array afterwards changes
    # neither, and the file written loads with the values of the moment it was copied.
    model = SkipGram(_corpus(50), min_count=1, vector_size=8).train()
    before = model.wv.vectors.copy()
    model.save(tmp_path / "m")
    model.wv.vectors[:] += 1
    loaded = SkipGram.load(tmp_path / "m")
    np.testing.assert_array_equal(loaded.wv.vectors, before)


def _rereads(caplog) -> int:
    return sum("reading it again" in record.getMessage() for record in caplog.records)


def _raw_words_of_last_epoch(caplog) -> int:
    epochs = [r for r in caplog.records if r.getMessage().startswith("epoch ")]
    return int(epochs[-1].getMessage().split(": ")[1].split()[0])


def _write(path, sentences: int, seed: int = 0) -> None:
    path.write_text("\n".join(" ".join(s) for s in _corpus(sentences, seed)) + "\n")


@pytest.mark.parametrize(
    "change",
    ["grow", "shrink", "same size, new mtime", "replaced by another file"],
)
def test_a_changed_corpus_file_is_read_again(tmp_path, caplog, change):
    path = tmp_path / "corpus.txt"
    _write(path, 20)
    model = SkipGram(LineSentence(path), min_count=1, vector_size=8, epochs=1)
    stat = path.stat()
    if change == "grow":
        _write(path, 400)
    elif change == "shrink":
        _write(path, 5)
    elif change == "same size, new mtime":
        text = path.read_text()
        path.write_text(text.replace("w1 ", "w2 ", 1) if "w1 " in text else text)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    else:
        other = tmp_path / "other.txt"
        _write(other, 20, seed=1)
        os.replace(other, path)
    with caplog.at_level(logging.INFO, logger="skipgram.model"):
        model.train(LineSentence(path))
    assert _rereads(caplog) == 1
    expected = sum(len(line.split()) for line in path.read_text().splitlines())
    assert _raw_words_of_last_epoch(caplog) == expected


def test_the_same_reader_is_read_again_when_its_file_grew(tmp_path, caplog):
    path = tmp_path / "corpus.txt"
    _write(path, 20)
    reader = LineSentence(path)
    model = SkipGram(reader, min_count=1, vector_size=8, epochs=1)
    _write(path, 400)
    with caplog.at_level(logging.INFO, logger="skipgram.model"):
        model.train()
    assert _rereads(caplog) == 1
    assert _raw_words_of_last_epoch(caplog) == 400 * 12


def test_an_unchanged_corpus_file_reuses_the_first_pass(tmp_path, caplog):
    path = tmp_path / "corpus.txt"
    _write(path, 20)
    model = SkipGram(LineSentence(path), min_count=1, vector_size=8, epochs=1)
    with caplog.at_level(logging.INFO, logger="skipgram.model"):
        model.train(LineSentence(path))
    assert _rereads(caplog) == 0


def test_reader_identity_tracks_file_state(tmp_path):
    path = tmp_path / "c.txt"
    _write(path, 3)
    first = LineSentence(path).identity()
    assert first == LineSentence(path).identity()
    assert first != LineSentence(path, errors="replace").identity()
    _write(path, 30)
    assert first != LineSentence(path).identity()
    assert Text8Corpus(path).identity() != Text8Corpus(path, block_size=7).identity()
    with open(path) as handle:
        assert LineSentence(handle).identity() is None  # a file object cannot be checked


def test_a_directory_that_gains_a_file_is_a_new_corpus(tmp_path):
    (tmp_path / "a.txt").write_text("x y z\n")
    before = PathLineSentences(tmp_path).identity()
    (tmp_path / "b.txt").write_text("p q\n")
    assert PathLineSentences(tmp_path).identity() != before


@pytest.mark.slow
def test_loading_a_fifo_is_refused_without_hanging(tmp_path, python_child):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code = (
        "import sys\n"
        "from skipgram import SkipGram, KeyedVectors\n"
        "from skipgram.io import ModelFormatError\n"
        "for load in (SkipGram.load, KeyedVectors.load,\n"
        "             lambda p: KeyedVectors.load_word2vec_format(p)):\n"
        "    try:\n"
        "        load(sys.argv[1])\n"
        "    except ModelFormatError as error:\n"
        "        assert 'not a regular file' in str(error), error\n"
        "    else:\n"
        "        raise SystemExit('loaded a FIFO')\n"
        "print('refused')\n"
    )
    result = python_child(code, str(fifo), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "refused"


def test_loading_a_directory_names_the_problem(tmp_path):
    with pytest.raises(ModelFormatError, match="not a regular file"):
        SkipGram.load(tmp_path)


def test_saving_onto_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    model = SkipGram(_corpus(30), min_count=1, vector_size=8).train()
    target = tmp_path / "real.model"
    link = tmp_path / "link.model"
    model.save(target)
    link.symlink_to(target)
    model.wv.vectors[:] = 0.5
    model.save(link)
    assert link.is_symlink()
    np.testing.assert_array_equal(SkipGram.load(target).wv.vectors, model.wv.vectors)
    np.testing.assert_array_equal(SkipGram.load(link).wv.vectors, model.wv.vectors)
