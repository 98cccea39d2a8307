"""skipgram: fast, safe skip-gram (word2vec) training with compiled kernels.

from skipgram import SkipGram, LineSentence
model = SkipGram(LineSentence("corpus.txt.gz"), vector_size=100).train()
model.most_similar("king")
"""

from skipgram.corpus import LineSentence, PathLineSentences, Text8Corpus
from skipgram.io import ModelFormatError
from skipgram.keyedvectors import KeyedVectors
from skipgram.model import SkipGram

__version__ = "0.1.0"

__all__ = [
    "KeyedVectors",
    "LineSentence",
    "ModelFormatError",
    "PathLineSentences",
    "SkipGram",
    "Text8Corpus",
    "__version__",
]
