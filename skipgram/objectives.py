"""The training objectives, each described once: negative sampling, hierarchical softmax and the
exact softmax.

A descriptor holds what the rest of the package needs to know about an objective: its default
learning rate, the shape of its output matrix, the tables the kernel samples from, and the
gensim names it answers to. Modules ask the descriptor (`objective_of(params)`) instead of
testing the objective's name, so a new objective means a kernel (a file of its own beside
skipgram/_inner.pyx, named in its `OBJECTIVE_TABLES`), a descriptor here and its section of
docs/math.md. The kernel knows the objectives by the same names (`skipgram._inner.OBJECTIVES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skipgram.params import Parameters
    from skipgram.vocab import Vocabulary


@dataclass(frozen=True)
class Objective:
    """What one objective is, for everything outside its kernel.

    Attributes:
        name: how users, model files and the kernel name it (`objective=`).
        title: what it is, in words.
        default_alpha: the starting learning rate when `alpha` is not given.
        draws_noise: trains against noise words drawn from count ** `ns_exponent`: it needs
            `negative >= 1`, may share them per window (`shared_negatives`), and is what
            gensim's `negative > 0` (with `syn1neg` and `cum_table`) stands for.
        huffman_outputs: its output rows are the inner nodes of the Huffman tree, one fewer
            than the words, rather than one per word; gensim's `hs=1` (with `syn1`). The
            matrix still has a row per word, as gensim's `syn1`: the last one belongs to no
            node and stays zero (`kernel_rows` leaves it out).
        gensim_output: the name of the output matrix in gensim (`estimate_memory`'s key).
        tables: the kernel's sampling tables of this objective and its settings, from the
            vocabulary and the parameters (the objective's keyword arguments of `KernelModel`).
    """

    name: str
    title: str
    default_alpha: float
    draws_noise: bool
    huffman_outputs: bool
    gensim_output: str
    tables: Callable[[Vocabulary, Parameters], dict[str, Any]]

    def output_rows(self, words: int) -> int:
        """Rows of the output matrix for a vocabulary of `words` words: one per word, for
        every objective (gensim's shapes of `syn1neg` and `syn1`)."""
        return words

    def kernel_rows(self, words: int) -> int:
        """The leading rows of the output matrix the kernel trains: all of them, or for the
        Huffman tree's inner nodes, one fewer than the words (the last row stays zero)."""
        return max(words - 1, 0) if self.huffman_outputs else words

    @property
    def one_output_per_word(self) -> bool:
        """Whether row i of the output matrix belongs to word i (what `predict_output_word`
        reads)."""
        return not self.huffman_outputs

    def summary(self, params: Parameters) -> str:
        """The objective and its settings in one line (`skipgram info`)."""
        if self.draws_noise:
            return (
                f"{self.name} ({self.title}, negative={params.negative}, "
                f"ns_exponent={params.ns_exponent})"
            )
        return f"{self.name} ({self.title})"


def _noise_tables(vocab: Vocabulary, params: Parameters) -> dict[str, Any]:
    threshold, alias = vocab.noise_table(params.ns_exponent)
    tables: dict[str, Any] = {"noise_threshold": threshold, "noise_alias": alias}
    if params.shared_negatives:  # passed only when on: the default kernel call stays as it was
        tables["shared_negatives"] = True
    return tables


def _huffman_tables(vocab: Vocabulary, params: Parameters) -> dict[str, Any]:
    tree = vocab.huffman_tree()
    return {"code_offsets": tree.offsets, "codes": tree.codes, "points": tree.points}


def _no_tables(vocab: Vocabulary, params: Parameters) -> dict[str, Any]:
    return {}  # every output row takes part in every step: nothing to sample


NEGATIVE_SAMPLING = Objective(
    name="ns",
    title="negative sampling",
    default_alpha=0.025,  # word2vec's
    draws_noise=True,
    huffman_outputs=False,
    gensim_output="syn1neg",
    tables=_noise_tables,
)
HIERARCHICAL_SOFTMAX = Objective(
    name="hs",
    title="hierarchical softmax",
    default_alpha=0.025,  # word2vec's
    draws_noise=False,
    huffman_outputs=True,
    gensim_output="syn1",
    tables=_huffman_tables,
)
EXACT_SOFTMAX = Objective(
    name="softmax",
    title="exact softmax",
    # It gets further in few epochs at 0.05 (loss 0.82 instead of 0.85 x ln V after 3 epochs
    # on 300 k GCIDE tokens); 0.1 goes lower still, but then its loss stops falling on ordered
    # text (docs/benchmark-log.md, "Exact softmax").
    default_alpha=0.05,
    draws_noise=False,
    huffman_outputs=False,
    gensim_output="output_vectors",  # gensim has no exact softmax: skipgram's own name
    tables=_no_tables,
)

# By name, in the order the documentation lists them.
OBJECTIVES: dict[str, Objective] = {
    o.name: o for o in (NEGATIVE_SAMPLING, HIERARCHICAL_SOFTMAX, EXACT_SOFTMAX)
}
DEFAULT_OBJECTIVE = NEGATIVE_SAMPLING


def objective_of(params: Parameters) -> Objective:
    """The descriptor of the objective `params` train (validated by `Parameters`)."""
    return OBJECTIVES[params.objective]
