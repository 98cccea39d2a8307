"""Train one skip-gram model on a Dask cluster: `train(paths, client, **params)`.

Data-parallel training with periodic combination of replicas; docs/distributed.md describes the
algorithm and its costs.

1. Each worker reads its share of the files once with the compiled reader and keeps them as
   int32 word ids. The per-file word counts merge pairwise on the cluster, in file order, so the
   vocabulary is exactly the one `SkipGram` builds from the same lines on one machine.
2. Training runs in rounds. In a round every worker trains a copy of the shared model with the
   ordinary kernel on the same slice of each of its files, and returns the rows that changed.
   The changes merge pairwise on the cluster and then on the client, which combines them into
   the next shared model (`merge.apply_changes`) and sends the changed rows back, so every
   worker starts the next round from the same model. The learning rate follows the words
   trained by the whole cluster.
3. A round (or the counting) that loses a worker in any of its network steps is redone from
   the last shared model, with the lost worker's files reassigned to the others, at most
   `max_retries` times.

The modules, in the order a run uses them: `client` (`train()`, checking the arguments),
`coordinator` (the client's side of a run: assigning files, rounds), `recovery` (which
failures are retried, the bounded loop of attempts, waiting for tasks while watching the
workers), `rounds` (how epochs are cut into rounds), `tasks` (what runs on the workers; their
state lives in its `_RUNS` registry), `merge` (merging counts and changes, and the rule
combining the replicas) and `messages` (what moves between the client and the workers).
"""

try:
    import distributed as _dask  # noqa: F401 (imported here to say how to install it)
except ImportError as error:  # the core package works without dask; this subpackage cannot
    raise ImportError(
        'skipgram.distributed needs dask.distributed: pip install "skipgram[dask]"'
    ) from error

from skipgram.distributed.client import train
from skipgram.distributed.coordinator import DistributedTrainingError

__all__ = ["DistributedTrainingError", "train"]
