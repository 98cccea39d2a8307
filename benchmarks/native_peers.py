"""word2vec.c and fastText as benchmark peers: run their command-line tools, time and score them.

Both tools are built by ``setup_peers.sh`` into ``benchmarks/.peers/bin``. Each run is one
process reading a plain-text corpus and writing its vectors as text. Its phases are timed from
the outside, without patching either tool, by watching for what each one leaves behind when a
phase ends:

* word2vec.c creates its ``-save-vocab`` file right after counting the vocabulary, starts
  its training threads after allocating the matrices and filling its 10^8-entry noise table
  (that setup is reported apart, as ``setup_s``: gensim and skipgram do it in ``build_vocab``)
  and creates its ``-output`` file right after the training threads are joined;
* fastText prints ``Number of labels`` to stderr (unbuffered) after reading the vocabulary and
  a final ``Progress: 100.0%`` line after its training threads are joined (it checks every
  100 ms, so its train time may include up to 0.1 s of that wait).

The process's CPU time is read from ``/proc`` at both moments, its peak RSS (VmHWM) from
``/proc`` while it runs.
The vectors are then scored by ``evaluate.py``, the same code that scores skipgram and gensim.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

import harness

PEERS_DIR = harness.BENCH_DIR / ".peers"
BIN_DIR = PEERS_DIR / "bin"
# Both tools write this pseudo-word for the line ends they train on; no other system has it.
END_OF_LINE = "</s>"
POLL_S = 0.005
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# A phase has ended when its marker, given the tool's pid, returns True.
Marker = Callable[[int], bool]
Phases = list[tuple[str, Marker]]


class PeerError(RuntimeError):
    """A peer tool is missing, failed, or did not report a phase."""


@dataclass(frozen=True)
class TrainParams:
    """What every system in a benchmark cell is asked to train, in harness.py's terms."""

    corpus: Path
    vector_size: int
    objective: str
    workers: int
    epochs: int
    window: int
    negative: int
    min_count: int
    sample: float
    alpha: float
    min_alpha: float
    seed: int

    def as_record(self) -> dict[str, Any]:
        """The ``params`` dict of a JSON record, with the keys harness.py writes."""
        params = asdict(self)
        params["corpus"] = str(self.corpus)
        params["hs"] = int(self.objective == "hs")
        return params


@dataclass(frozen=True)
class ToolRun:
    """Outcome of one tool process: seconds since start and CPU seconds at each phase end."""

    wall_s: float
    phase_s: dict[str, float]
    phase_cpu_s: dict[str, float]
    cpu_s: float
    peak_rss_mb: float

    def span(self, phase: str) -> tuple[float, float]:
        """Wall and CPU seconds from the end of the phase before ``phase`` to its end."""
        names = list(self.phase_s)
        i = names.index(phase)
        wall0 = self.phase_s[names[i - 1]] if i else 0.0
        cpu0 = self.phase_cpu_s[names[i - 1]] if i else 0.0
        return self.phase_s[phase] - wall0, self.phase_cpu_s[phase] - cpu0


def binary(tool: str) -> Path:
    """Path of a built peer tool; a clear error when ``setup_peers.sh`` has not built it."""
    path = BIN_DIR / tool
    if not os.access(path, os.X_OK):
        raise PeerError(f"{path} not found; build it with: benchmarks/setup_peers.sh")
    return path


def source_version(package: str) -> str:
    """Version of the sdist the tool was built from, from its unpacked folder's name."""
    found = sorted((PEERS_DIR / "src").glob(f"{package}-*/"))
    return found[-1].name.removeprefix(f"{package}-") if found else "unknown"


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process, all threads (fields 14-15 of stat)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fin:
        fields = fin.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def run_tool(cmd: Sequence[str], phases: Phases, log_dir: Path) -> ToolRun:
    """Run ``cmd`` with stdout/stderr in ``log_dir``, noting when each phase's marker holds.

    Markers are checked every 5 ms, in order, each only after the previous one held. A tool
    that exits non-zero, or before every marker held, raises PeerError with its stderr's tail.
    """
    stderr_path = log_dir / "stderr.txt"
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, str(log_dir / "stdout.txt"), flags, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(stderr_path), flags, 0o644),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(cmd[0], list(cmd), os.environ, file_actions=actions)
    phase_s: dict[str, float] = {}
    phase_cpu_s: dict[str, float] = {}
    peak_mb = 0.0
    try:
        while True:
            # The child's own high-water mark, read while it lives: its ru_maxrss from wait4
            # would include this process's size (Linux carries it across vfork and exec).
            with contextlib.suppress(OSError):  # it exited since the last poll
                peak_mb = max(peak_mb, harness.peak_rss_mb(pid))
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if len(phase_s) < len(phases):
                name, marker = phases[len(phase_s)]
                if marker(pid):
                    phase_cpu_s[name] = _cpu_seconds(pid)
                    phase_s[name] = time.perf_counter() - start
            time.sleep(POLL_S)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    wall_s = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or len(phase_s) < len(phases):
        tail = "\n".join(stderr_path.read_text(errors="replace").splitlines()[-20:])
        wanted = [name for name, _ in phases]
        problem = f"exit {code}" if code else f"ended phases {list(phase_s)} of {wanted}"
        raise PeerError(f"{problem}: {shlex.join(cmd)}\n{tail}")
    return ToolRun(
        wall_s=wall_s,
        phase_s=phase_s,
        phase_cpu_s=phase_cpu_s,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=peak_mb,
    )


def read_text_vectors(path: Path) -> tuple[list[str], np.ndarray]:
    """Words (in file order) and vectors of a word2vec text file, without ``</s>``.

    Both tools write words most frequent first, as the evaluator needs. Fields are split on
    single spaces only, because that is the only separator both tools never put in a word.
    """
    with open(path, encoding="utf-8", errors="replace") as fin:
        rows, dim = (int(x) for x in fin.readline().split())
        vectors = np.empty((rows, dim), dtype=np.float32)
        words: list[str] = []
        for line in fin:
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if len(parts) != dim + 1:
                raise PeerError(f"{path}: line {len(words) + 2} has {len(parts) - 1} of {dim}")
            vectors[len(words)] = parts[1:]
            words.append(parts[0])
    if len(words) != rows:
        raise PeerError(f"{path}: header says {rows} vectors, file holds {len(words)}")
    keep = [i for i, word in enumerate(words) if word != END_OF_LINE]
    return [words[i] for i in keep], vectors[keep]


def _exists(path: Path) -> Marker:
    return lambda pid: path.exists()


def _threads_started(pid: int) -> bool:
    """True once the process runs more than its main thread."""
    return len(os.listdir(f"/proc/{pid}/task")) > 1


def _stderr_says(log_dir: Path, text: bytes) -> Marker:
    path = log_dir / "stderr.txt"
    return lambda pid: path.is_file() and text in path.read_bytes()


def word2vec_command(p: TrainParams, out: Path) -> tuple[list[str], Phases, Path]:
    """word2vec.c's skip-gram (``-cbow 0``) command, its phase markers and its vector file."""
    vectors, vocab = out / "vectors.txt", out / "vocab.txt"
    hs = p.objective == "hs"
    cmd = [str(binary("word2vec")), "-train", str(p.corpus), "-output", str(vectors)]
    cmd += ["-save-vocab", str(vocab), "-cbow", "0", "-binary", "0", "-debug", "1"]
    cmd += ["-size", str(p.vector_size), "-window", str(p.window), "-sample", f"{p.sample:g}"]
    cmd += ["-hs", str(int(hs)), "-negative", str(0 if hs else p.negative)]
    cmd += ["-threads", str(p.workers), "-iter", str(p.epochs), "-min-count", str(p.min_count)]
    cmd += ["-alpha", f"{p.alpha:g}"]
    # Its main thread only creates and joins the training threads, with 1 worker too.
    phases = [("vocab", _exists(vocab)), ("setup", _threads_started), ("train", _exists(vectors))]
    return cmd, phases, vectors


def fasttext_command(p: TrainParams, out: Path) -> tuple[list[str], Phases, Path]:
    """fastText's ``skipgram`` with no character n-grams (plain word2vec), markers, vectors."""
    cmd = [str(binary("fasttext")), "skipgram", "-input", str(p.corpus)]
    cmd += ["-output", str(out / "model"), "-minn", "0", "-maxn", "0", "-verbose", "1"]
    cmd += ["-dim", str(p.vector_size), "-ws", str(p.window), "-t", f"{p.sample:g}"]
    cmd += ["-loss", p.objective, "-neg", str(p.negative), "-thread", str(p.workers)]
    cmd += ["-epoch", str(p.epochs), "-minCount", str(p.min_count), "-lr", f"{p.alpha:g}"]
    cmd += ["-seed", str(p.seed)]
    # No setup phase: with one thread fastText trains in its main thread, so no thread marks
    # the start, and its setup (a 10^7-entry noise table) is small.
    phases = [
        ("vocab", _stderr_says(out, b"Number of labels")),
        ("train", _stderr_says(out, b"Progress: 100.0%")),
    ]
    return cmd, phases, out / "model.vec"


# name in the JSON record -> (binary and sdist name, command builder, what it ignores)
TOOLS = {
    "word2vec-c": (
        "word2vec",
        word2vec_command,
        "no seed option; alpha floors at alpha x 1e-4 instead of min_alpha",
    ),
    "fasttext": ("fasttext", fasttext_command, "no min_alpha: lr decays to 0"),
}


def run_peer(
    name: str, p: TrainParams, corpus_words: int, prep_s: float, evaluation: dict[str, Path]
) -> dict[str, Any]:
    """Train with one tool and return a record shaped like harness.run_benchmark's.

    ``p.corpus`` must be plain text; ``corpus_words`` is its whitespace-token count (the tools
    count line ends as words, so their own totals are not comparable with the other systems').
    ``evaluation`` maps ``analogies``, ``pairs`` and ``simlex`` to their files.
    """
    tool, build, caveat = TOOLS[name]
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        cmd, phases, vector_file = build(p, Path(tmp))
        run = run_tool(cmd, phases, Path(tmp))
        words, vectors = read_text_vectors(vector_file)
    train_s, train_cpu_s = run.span("train")
    record: dict[str, Any] = {
        "system": {
            "name": name,
            "package": tool,
            "version": source_version(tool),
            "mode": "file",
            "workers": p.workers,
            "prep_s": prep_s,
            "excluded": "decompression to a cached plain-text file; writing the vectors",
            "caveat": caveat,
        },
        "params": p.as_record(),
        "command": shlex.join(cmd),
        "corpus_words": corpus_words,
        "vocab_size": len(words),
        "vocab_s": run.phase_s["vocab"],
        "train_s": train_s,
        "train_cpu_s": train_cpu_s,
        "train_cores_busy": train_cpu_s / train_s if train_s > 0 else 0.0,
        "words_per_s": corpus_words * p.epochs / train_s,
        "peak_rss_mb": run.peak_rss_mb,
        "process_wall_s": run.wall_s,
        "process_cpu_s": run.cpu_s,
    }
    if "setup" in run.phase_s:
        record["setup_s"] = run.span("setup")[0]
    from evaluate import evaluate  # scipy only when scoring

    start = time.perf_counter()
    record.update(evaluate(words, vectors, **evaluation))
    record["eval_s"] = time.perf_counter() - start
    return record


def count_tokens(plain_corpus: Path) -> int:
    """Whitespace-separated tokens in a plain-text file: the raw words one epoch reads."""
    with open(plain_corpus, "rb") as fin:
        return sum(len(line.split()) for line in fin)
