"""How training is cut into rounds: each round trains the same slice of every file's sentence
order on every worker, then the replicas are combined (docs/distributed.md, "Choosing
sync_words")."""

from __future__ import annotations

from dataclasses import dataclass

from skipgram.distributed.messages import Share
from skipgram.training import LearningRate

# Without `sync_words`, the replicas are combined this many times per epoch, with each worker
# training between MIN_ and MAX_DEFAULT_SYNC_WORDS words per round. On GCIDE (4.8 M tokens,
# 2 workers) 16 rounds per epoch scored as single-machine training and 4 lost 0.02 analogy
# accuracy; fewer words per round than the minimum mostly buy communication
# (docs/distributed.md, "Choosing sync_words").
DEFAULT_ROUNDS_PER_EPOCH = 16
MIN_DEFAULT_SYNC_WORDS = 100_000
MAX_DEFAULT_SYNC_WORDS = 10_000_000


@dataclass(frozen=True)
class RoundPlan:
    """A round: the slice [start, end) of the epoch's sentence order that it trains in every
    file, and its learning rates, from the cluster's words at its start and end."""

    version: int  # rounds before this one: the shared model it starts from
    epoch: int
    start: float
    end: float
    alpha_start: float
    alpha_end: float
    words: int  # raw words the whole cluster trains in it, about

    def share(self, files: list[tuple[int, str]], threads: int, progress_key: str) -> Share:
        return Share(
            tuple(files),
            self.epoch,
            self.start,
            self.end,
            self.version,
            self.alpha_start,
            self.alpha_end,
            threads,
            progress_key,
        )


def plan_rounds(
    epochs: int, epoch_words: int, rounds_per_epoch: int, schedule: LearningRate
) -> list[RoundPlan]:
    """Every round of the run, in order: `rounds_per_epoch` equal slices of each epoch."""
    plans = []
    for epoch in range(epochs):
        for r in range(rounds_per_epoch):
            start, end = r / rounds_per_epoch, (r + 1) / rounds_per_epoch
            plans.append(
                RoundPlan(
                    len(plans),
                    epoch,
                    start,
                    end,
                    schedule.at(int(epoch_words * (epoch + start))),
                    schedule.at(int(epoch_words * (epoch + end))),
                    int(epoch_words * (end - start)),
                )
            )
    return plans
