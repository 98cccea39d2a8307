"""Shared fixtures. Tests import the *installed* package: the kernel exists only compiled."""

import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

# `python -m pytest` puts the repository root on sys.path, where `skipgram/` has no compiled
# kernel; drop it so the installed package is imported whichever way pytest is started.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT]

# gensim is the reference these modules compare with; it comes with the test extra, which also
# compiles skipgram again. The quick path (`pip install pytest hypothesis` next to an installed
# skipgram) runs everything else, and the header of the run names what it left out.
GENSIM_MODULES = sorted(
    path.name
    for path in Path(__file__).parent.glob("test_*.py")
    if "\nfrom gensim" in path.read_text(encoding="utf-8")
    or "\nimport gensim" in path.read_text(encoding="utf-8")
)
try:
    import gensim  # noqa: F401
except ImportError:
    collect_ignore = GENSIM_MODULES


def pytest_report_header(config):
    if "collect_ignore" in globals():
        return (
            f"gensim is not installed: {', '.join(GENSIM_MODULES)} not collected "
            '(pip install ".[test]" installs it)'
        )
    return None


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter, so that a crash fails the test instead of pytest.

    The child starts in an empty folder: `python -c` puts its working directory first on
    sys.path, and from the repository root that is the uncompiled source tree."""
    with tempfile.TemporaryDirectory() as folder:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=folder,
        )


def _default_sigint() -> None:
    # A background job of a non-interactive shell starts with SIGINT ignored, and a Python
    # started so never raises KeyboardInterrupt: give the child the default handler back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class PythonProcess:
    """A child interpreter running `code` that reports progress on stdout, one line at a time,
    for tests that interrupt or kill it (SIGINT, SIGKILL, SIGSTOP) at a chosen moment. It
    starts in `cwd` (never the repository) with SIGINT's default handler; leaving the `with`
    block kills it if it still runs."""

    def __init__(self, code: str, *args: str, cwd: str | Path) -> None:
        self.lines: list[list[str]] = []
        self.process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=_default_sigint,
        )  # fmt: skip

    def __enter__(self) -> "PythonProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def read_line(self) -> list[str]:
        """The next line of stdout, split (and kept in `lines`)."""
        line = self.process.stdout.readline()
        assert line, f"the child ended early: {self.process.stderr.read()}"
        self.lines.append(line.split())
        return self.lines[-1]

    def read_until(self, *words: str) -> list[str]:
        """Read lines until one starts with `words`; return it."""
        while self.read_line()[: len(words)] != list(words):
            pass
        return self.lines[-1]

    def send(self, signum: int) -> None:
        self.process.send_signal(signum)

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        """Wait for the end; keep the rest of stdout in `lines`; return (exit status, stderr)."""
        out, err = self.process.communicate(timeout=timeout)
        self.lines += [line.split() for line in out.splitlines()]
        return self.process.returncode, err

    def kill(self) -> None:
        """SIGKILL (no cleanup code can run in the child) and wait for it to die."""
        self.send(signal.SIGKILL)
        status, err = self.finish()
        assert status == -signal.SIGKILL, err

    def kill_during_second_save(self, fraction: float) -> None:
        """For a child that prints "saving N" before and "saved N <seconds>" after each save:
        SIGKILL it `fraction` of the first save's duration into the second one."""
        self.read_until("saving", "2")
        first_save = float(self.lines[-2][2])
        time.sleep(fraction * first_save)
        self.kill()


@pytest.fixture
def python_process():
    """`PythonProcess`: a child interpreter a test can interrupt or kill."""
    return PythonProcess


@pytest.fixture
def python_child():
    """`run_python`: code in a fresh interpreter started outside the repository."""
    return run_python


def planted_corpus(
    groups: int = 6, group_size: int = 6, sentences: int = 3000, length: int = 12, seed: int = 0
) -> list[list[str]]:
    """Sentences whose words all come from one group: same-group words share every context,
    so a working trainer must make them each other's nearest neighbours."""
    rng = np.random.default_rng(seed)
    vocab = [[f"g{g}w{i}" for i in range(group_size)] for g in range(groups)]
    return [
        [vocab[g][i] for i in rng.integers(0, group_size, length)]
        for g in rng.integers(0, groups, sentences)
    ]


@pytest.fixture
def planted() -> list[list[str]]:
    return planted_corpus()


@pytest.fixture
def make_planted():
    """The planted-corpus factory, for tests that need other sizes."""
    return planted_corpus


@pytest.fixture
def poison_after_first_epoch():
    """A callback that makes the vectors infinite once epoch 1 has ended, as a runaway update
    would: the divergence check after epoch 2 must catch it (local and distributed alike)."""
    from skipgram import Callback

    class Poison(Callback):
        def on_epoch_end(self, model):
            if model.epochs_trained == 1:
                model.output_vectors[0, 0] = np.inf

    return Poison()


@pytest.fixture
def finite_difference():
    """Central finite differences of a scalar function `loss` at `x`, one coordinate at a time:
    the independent check of every analytic gradient in the kernel tests."""

    def gradient(loss, x, eps=1e-6):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[i] = eps
            grad[i] = (loss(x + step) - loss(x - step)) / (2 * eps)
        return grad

    return gradient
