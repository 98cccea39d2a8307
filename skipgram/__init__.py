"""skipgram: fast, safe skip-gram (word2vec) training with compiled kernels.

from skipgram import SkipGram, LineSentence
model = SkipGram(LineSentence("corpus.txt.gz"), vector_size=100).train()
model.most_similar("king")
"""

from importlib.util import find_spec
from pathlib import Path

# The kernels exist only compiled: say so plainly instead of failing deep inside an import.
if find_spec("skipgram._inner") is None or find_spec("skipgram._tokenize") is None:
    raise ImportError(
        f"skipgram's compiled extensions are not in {Path(__file__).parent}: this is an "
        "uncompiled source tree (e.g. the repository, which Python searches first when you run "
        "from it). Install with `pip install .` and run from another directory, or use the "
        "`skipgram` command"
    )

from skipgram.callbacks import Callback
from skipgram.corpus import LineSentence, PathLineSentences, Text8Corpus
from skipgram.evaluation import AnalogyResult, PairsResult, SectionResult
from skipgram.io import ModelFormatError
from skipgram.keyedvectors import KeyedVectors
from skipgram.model import DivergenceError, SkipGram

__version__ = "0.1.0"

__all__ = [
    "AnalogyResult",
    "Callback",
    "DivergenceError",
    "KeyedVectors",
    "LineSentence",
    "ModelFormatError",
    "PairsResult",
    "PathLineSentences",
    "SectionResult",
    "SkipGram",
    "Text8Corpus",
    "__version__",
]
