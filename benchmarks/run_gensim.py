"""Train gensim's skip-gram Word2Vec once and print a JSON benchmark record.

Run it with the peer venv's interpreter (see ``setup_peers.sh``), never the main one:

    benchmarks/.venv-gensim/bin/python benchmarks/run_gensim.py --mode corpus_file

``--mode linesentence`` streams the (possibly gzipped) corpus through ``LineSentence`` on every
pass, exactly as a user would. ``--mode corpus_file`` uses gensim's faster file-based trainer,
which needs uncompressed text: a .gz corpus is decompressed once into
``benchmarks/results/cache/`` and that one-off decompression is excluded from the timings
(reported separately as ``prep_s``). Import time is excluded in both modes.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import harness

MODES = ("linesentence", "corpus_file")


def plain_text_copy(corpus: Path) -> tuple[Path, float]:
    """Return an uncompressed version of ``corpus`` and the seconds spent making it now.

    The copy is reused while the source's size and mtime are unchanged, so repeated
    benchmark runs pay for the decompression only once.
    """
    if corpus.suffix != ".gz":
        return corpus, 0.0
    cache_dir = harness.RESULTS_DIR / "cache"
    target = cache_dir / corpus.with_suffix("").name
    meta_path = target.with_name(target.name + ".source.json")
    st = corpus.stat()
    source = {"path": str(corpus.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if target.is_file() and meta_path.is_file() and json.loads(meta_path.read_text()) == source:
        return target, 0.0
    start = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Write under a private name and rename, so a concurrent or interrupted run never sees a
    # half-written corpus.
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    with gzip.open(corpus, "rb") as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst, length=1 << 20)
    tmp.replace(target)
    meta_path.write_text(json.dumps(source))
    return target, time.perf_counter() - start


def main() -> None:
    parser = harness.build_parser(__doc__.splitlines()[0], MODES)
    parser.add_argument("--verbose", action="store_true", help="show gensim's progress log")
    args = harness.parse_args(parser)
    if args.objective == "softmax":
        parser.error("gensim has no full-softmax objective; use ns or hs")
    if args.verbose:
        logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)

    import gensim
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence
    from gensim.models.word2vec_inner import FAST_VERSION

    if FAST_VERSION < 0:
        sys.exit("gensim is running without its compiled routines; timings would be meaningless")

    corpus_file: Path | None = None
    prep_s = 0.0
    if args.mode == "corpus_file":
        corpus_file, prep_s = plain_text_copy(args.corpus)

    def train(times: dict[str, float]) -> tuple[int, list[str], Any]:
        model = Word2Vec(
            sg=1,
            vector_size=args.vector_size,
            window=args.window,
            min_count=args.min_count,
            sample=args.sample,
            hs=args.hs,
            negative=args.negative,
            alpha=args.alpha,
            min_alpha=args.min_alpha,
            epochs=args.epochs,
            workers=args.workers,
            seed=args.seed,
        )
        if corpus_file is None:
            with harness.stopwatch(times, "vocab_s"):
                model.build_vocab(LineSentence(str(args.corpus)))
            with harness.stopwatch(times, "train_s"):
                model.train(
                    LineSentence(str(args.corpus)),
                    total_examples=model.corpus_count,
                    epochs=model.epochs,
                )
        else:
            with harness.stopwatch(times, "vocab_s"):
                model.build_vocab(corpus_file=str(corpus_file))
            # corpus_file training needs the word total to split work and decay alpha.
            with harness.stopwatch(times, "train_s"):
                model.train(
                    corpus_file=str(corpus_file),
                    total_examples=model.corpus_count,
                    total_words=model.corpus_total_words,
                    epochs=model.epochs,
                )
        return model.corpus_total_words, list(model.wv.index_to_key), model.wv.vectors

    system = {
        "name": f"gensim-{args.mode}",
        "package": "gensim",
        "version": gensim.__version__,
        "mode": args.mode,
        "workers": args.workers,
        "prep_s": prep_s,
        "excluded": "imports"
        + (
            ", gzip decompression to a cached plain-text file" if args.mode == "corpus_file" else ""
        ),
    }
    harness.run_benchmark(args, system, train)


if __name__ == "__main__":
    main()
