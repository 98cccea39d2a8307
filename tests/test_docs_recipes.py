"""The recipes the documentation shows, run as a user would copy them."""

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from skipgram import SkipGram

DOCS = Path(__file__).resolve().parent.parent / "docs"


def python_block_after(page: Path, heading: str) -> str:
    text = page.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


@pytest.mark.slow
def test_the_pca_recipe_plots_the_chosen_words(tmp_path):
    pytest.importorskip("matplotlib")
    code = python_block_after(DOCS / "guide" / "evaluation.md", "## Plotting words in two")
    # A corpus of two topics, using some of the recipe's words; the others are unknown to it.
    rng = np.random.default_rng(0)
    topics = [["king", "queen", "prince", "solomon"], ["water", "river", "sea", "wine"]]
    sentences = [list(rng.choice(topics[t], 8)) for t in rng.integers(0, 2, 2000)]
    model = SkipGram(sentences, vector_size=16, min_count=1, epochs=3, workers=1)
    model.train(progress=False).save(tmp_path / "corpus.model")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"the two axes keep \d+% of the variance of these 8 vectors\n", result.stdout
    )
    assert (tmp_path / "words.png").read_bytes()[:4] == b"\x89PNG"


def test_the_own_reader_recipe_trains_through_the_compiled_path(tmp_path, monkeypatch):
    from skipgram.corpus_ids import CorpusIds

    code = python_block_after(DOCS / "guide" / "corpora.md", "### Your own reader")
    (tmp_path / "part1.txt").write_text("the king rules\nthe queen rules\n" * 20)
    (tmp_path / "part2.txt").write_text("a king and a queen\n" * 20)
    monkeypatch.chdir(tmp_path)
    recipe: dict = {}
    exec(code, recipe)
    assert set(recipe["model"].wv.index_to_key) == {"the", "king", "rules", "queen", "a", "and"}

    class Counted(recipe["Shards"]):
        passes = 0

        def __iter__(self):
            Counted.passes += 1
            return super().__iter__()

    reader = Counted("part1.txt", "part2.txt")
    compiled = CorpusIds.scan(reader)
    assert Counted.passes == 0  # the files were read by the compiled tokenizer
    python = CorpusIds.scan(list(reader))
    assert compiled.keys == python.keys and np.array_equal(compiled.ids, python.ids)
    assert reader.identity() == Counted("part1.txt", "part2.txt").identity()
