"""Train skipgram's SkipGram once and print a JSON benchmark record.

Run it with the main environment's interpreter (where skipgram is installed):

    python benchmarks/run_skipgram.py --workers 2

It takes the same flags as ``run_gensim.py`` and prints the same record, so the two can be
compared line for line. skipgram only reads corpora through ``LineSentence``, so
``linesentence`` is the only ``--mode``. Import time is excluded from the timings.
"""

from __future__ import annotations

from typing import Any

import harness

MODES = ("linesentence",)


def main() -> None:
    parser = harness.build_parser(__doc__.splitlines()[0], MODES)
    parser.add_argument(
        "--shuffle",
        choices=("default", "on", "off"),
        default="default",
        help="per-epoch shuffle of the sentence order (default: skipgram's default)",
    )
    parser.add_argument(
        "--shared-negatives",
        choices=("default", "on", "off"),
        default="default",
        help="one set of noise words per window, or per pair (default: skipgram's default)",
    )
    parser.add_argument(
        "--private-rows",
        type=int,
        default=None,
        help="output rows each worker trains in private copies (default: "
        "skipgram.kernel_setup.private_output_rows); an experiment knob, not an option of "
        "SkipGram",
    )
    parser.add_argument(
        "--merge-every",
        type=int,
        default=None,
        help="centres between a worker's merges of its private rows (default: the kernel's "
        "MERGE_EVERY_CENTRES); an experiment knob, like --private-rows",
    )
    args = harness.parse_args(parser)
    overrides = {} if args.shuffle == "default" else {"shuffle": args.shuffle == "on"}
    if args.shared_negatives != "default":
        overrides["shared_negatives"] = args.shared_negatives == "on"

    import skipgram
    from skipgram import LineSentence, SkipGram

    knobs = {
        name: value
        for name, value in (("private_rows", args.private_rows), ("merge_every", args.merge_every))
        if value is not None
    }
    if knobs:  # the workers every epoch builds, with the experiment's settings
        import functools

        import skipgram.kernel_setup
        import skipgram.local_epochs

        skipgram.local_epochs.kernel_workers = functools.partial(
            skipgram.kernel_setup.kernel_workers, **knobs
        )

    def train(times: dict[str, float]) -> tuple[int, list[str], Any]:
        model = SkipGram(
            vector_size=args.vector_size,
            window=args.window,
            min_count=args.min_count,
            sample=args.sample,
            negative=args.negative,
            ns_exponent=0.75,
            alpha=args.alpha,
            min_alpha=args.min_alpha,
            epochs=args.epochs,
            workers=args.workers,
            seed=args.seed,
            objective=args.objective,
            **overrides,
        )
        with harness.stopwatch(times, "vocab_s"):
            model.build_vocab(LineSentence(str(args.corpus)))
        with harness.stopwatch(times, "train_s"):
            model.train(LineSentence(str(args.corpus)))
        return int(model.vocab.total_words), list(model.wv.index_to_key), model.wv.vectors

    system = {
        "name": "skipgram",
        "package": "skipgram",
        "version": getattr(skipgram, "__version__", "unknown"),
        "mode": args.mode,
        "workers": args.workers,
        "prep_s": 0.0,
        "excluded": "imports",
    }
    harness.run_benchmark(args, system, train)


if __name__ == "__main__":
    main()
