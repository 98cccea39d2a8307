"""`skipgram train` as a user runs it: the real command in a child process, in a terminal (a
pseudo-terminal), through a pipe, interrupted with Ctrl-C (SIGINT)."""

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios

import numpy as np
import pytest

from skipgram import LineSentence, SkipGram
from skipgram.cli import main

COMMAND = [sys.executable, "-m", "skipgram"]


def write_corpus(path, make_planted, sentences=800):
    path.write_text("\n".join(" ".join(s) for s in make_planted(sentences=sentences)) + "\n")
    return path


def start(args, cwd, **options):
    """The command started as a shell would start it in the foreground. A shell running in the
    background starts its children with SIGINT ignored, and the child would inherit that; the
    default disposition is what a user's terminal gives, so it is restored in the child."""
    return subprocess.Popen(
        [*COMMAND, *args],
        cwd=cwd,  # never the repository root: its source tree has no compiled kernel
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        text=True,
        **options,
    )


def run(args, cwd, input=None):
    """The command's result, its output decoded but with "\r" kept (text=True would turn every
    carriage return into a newline)."""
    result = subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        capture_output=True,
        timeout=120,
        input=None if input is None else input.encode(),
    )
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result


def small_args(corpus, output, *more):
    return ["train", str(corpus), "--output", str(output), "--vector-size", "16", *more]


# ---- Ctrl-C -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ctrl_c_saves_what_was_trained_says_so_in_one_line_and_exits_130(tmp_path, make_planted):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    args = small_args(corpus, "m.model", "--epochs", "100000", "--min-count", "1")
    child = start([*args, "--checkpoint", "m.ckpt"], tmp_path, stderr=subprocess.PIPE)
    for line in child.stderr:  # the log's line per epoch: training has begun
        if "epoch 2/100000:" in line:
            break
    child.send_signal(signal.SIGINT)  # how fast it stops: benchmarks/interrupt_latency.py
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "Traceback" not in err
    summary = err.strip().splitlines()[-1]
    assert summary.startswith("skipgram train: interrupted in epoch ")
    assert "saved the model" in summary and "to m.model" in summary
    assert "m.ckpt holds epoch" in summary
    assert summary.endswith(
        f"To finish the run: skipgram train {corpus} --resume m.model --output m.model"
    )
    saved = SkipGram.load(tmp_path / "m.model")
    assert 2 <= saved.epochs_trained < 100000
    assert f"{saved.epochs_trained} full epochs and part of epoch" in summary
    assert SkipGram.load(tmp_path / "m.ckpt").epochs_trained == saved.epochs_trained


@pytest.mark.slow
def test_ctrl_c_before_training_saves_nothing_and_exits_130(tmp_path):
    # The corpus comes from a pipe that stays open: the command is still reading it.
    child = start(
        ["train", "-", "--output", "m.model"],
        tmp_path,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # Far more than a pipe buffers (64 KiB): the write returns once the child has read most of
    # it, so it is past its imports and inside the corpus pass, waiting for more.
    child.stdin.write("a b c\n" * 200_000)
    child.stdin.flush()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert err.strip().splitlines()[-1] == (
        "skipgram train: interrupted while reading the corpus; nothing was trained or saved"
    )
    assert not (tmp_path / "m.model").exists()


# ---- targets checked before the corpus is read ----------------------------------------------


def refused_at_once(tmp_path, *options):
    """Runs `train -` with a standard input that never ends: an error that comes back at all
    came before the corpus was read."""
    child = start(
        ["train", "-", *options],
        tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 2
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.slow
def test_a_missing_output_folder_is_reported_before_the_corpus_is_read(tmp_path):
    err = refused_at_once(tmp_path, "--output", "no/such/folder/m.model")
    assert err.startswith("skipgram train: error: --output no/such/folder/m.model: the folder ")
    assert "does not exist" in err and "mkdir -p" in err and ".tmp" not in err


@pytest.mark.slow
def test_an_output_that_is_a_directory_is_reported_before_the_corpus_is_read(tmp_path):
    (tmp_path / "models").mkdir()
    err = refused_at_once(tmp_path, "--output", "models")
    assert "--output models is a directory; give a file name" in err


@pytest.mark.slow
def test_a_missing_checkpoint_or_plot_folder_is_reported_before_the_corpus_is_read(tmp_path):
    err = refused_at_once(tmp_path, "--output", "m", "--checkpoint", "gone/c.model")
    assert "--checkpoint gone/c.model: the folder" in err and "does not exist" in err
    err = refused_at_once(tmp_path, "--output", "m", "--plot", "gone/loss.png")
    assert "--plot gone/loss.png: the folder" in err


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_a_read_only_output_folder_is_reported_before_the_corpus_is_read(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        err = refused_at_once(tmp_path, "--output", "read-only/m.model")
    finally:
        folder.chmod(0o700)
    assert "cannot write in the folder" in err


@pytest.mark.slow
def test_plot_without_matplotlib_is_reported_before_the_corpus_is_read(tmp_path):
    # A matplotlib that cannot be imported, first on the path: as if it were not installed.
    (tmp_path / "stub" / "matplotlib").mkdir(parents=True)
    (tmp_path / "stub" / "matplotlib" / "__init__.py").write_text("raise ImportError('stub')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "stub")}
    child = start(
        ["train", "-", "--output", "m", "--plot", "loss.png"],
        tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, err = child.communicate(timeout=60)
    assert child.returncode == 2
    assert "plotting needs matplotlib" in err and "pip install 'skipgram[plot]'" in err


# ---- what the terminal shows ------------------------------------------------------------------


def rendered_lines(raw: str) -> list[str]:
    """What a terminal shows for `raw`: a carriage return moves back to the start of the line,
    and later text overwrites earlier text."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        shown = ""
        for part in line.split("\r"):
            shown = part + shown[len(part) :]
        lines.append(shown.rstrip())
    return lines


def run_in_terminal(args, cwd, columns=100):
    """Run the command with its stderr on a pseudo-terminal; (stdout, what stderr wrote)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(leader, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    child = start(args, cwd, stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    written = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            child.kill()
            raise TimeoutError("no output for a minute")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    stdout = child.stdout.read()
    child.wait(timeout=60)
    return child.returncode, stdout, written.decode("utf-8", "replace")


@pytest.mark.slow
def test_in_a_terminal_log_lines_are_written_above_the_bar_not_into_it(tmp_path, make_planted):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted, sentences=3000)
    status, _, terminal = run_in_terminal(
        small_args(corpus, "m", "--epochs", "3", "--min-count", "1"), tmp_path
    )
    assert status == 0
    assert "\r" in terminal and "epoch 3/3: 100%" in terminal  # the bar was drawn in place
    lines = rendered_lines(terminal)
    log_lines = [line for line in lines if " INFO " in line]
    assert sum(" INFO epoch " in line for line in log_lines) == 3
    # Each log line is a line of its own, starting with its timestamp.
    assert all(line[:4].isdigit() and line[4] == "-" for line in log_lines), log_lines


@pytest.mark.slow
def test_off_a_terminal_there_is_no_bar_but_one_plain_line_per_epoch(tmp_path, make_planted):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    result = run(small_args(corpus, "m", "--epochs", "4", "--min-count", "1"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    epoch_lines = [line for line in result.stderr.splitlines() if " INFO epoch " in line]
    assert [line.split(" INFO epoch ")[1].split(":")[0] for line in epoch_lines] == [
        "1/4",
        "2/4",
        "3/4",
        "4/4",
    ]


# ---- the report at the end --------------------------------------------------------------------


def test_train_prints_a_table_of_epochs_with_loss_speed_and_learning_rate(
    tmp_path, make_planted, capsys
):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    args = small_args(corpus, tmp_path / "m", "--epochs", "2", "--min-count", "1")
    assert main([*args, "--compute-loss", "--alpha", "0.02", "--min-alpha", "0.0001"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["epoch", "words", "seconds", "words/s", "loss", "learning", "rate"]
    first, second, total = (line.split() for line in out[1:4])
    assert first[0] == "1" and second[0] == "2" and total[0] == "all"
    assert first[1] == f"{sum(len(s) for s in make_planted(sentences=800)):,}"
    model = SkipGram.load(tmp_path / "m")
    assert [float(first[4]), float(second[4])] == pytest.approx(model.loss_history, abs=1e-4)
    assert first[5:] == ["0.02000", "→", "0.01005"] and second[5:] == ["0.01005", "→", "0.00010"]
    assert out[-1] == f"saved {len(model.vocab):,} word vectors to {tmp_path / 'm'}"


def test_without_compute_loss_the_table_says_how_to_get_it(tmp_path, make_planted, capsys):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    assert main(small_args(corpus, tmp_path / "m", "--epochs", "1", "--min-count", "1")) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[4] == "-"
    assert "--compute-loss" in out[2]


def test_plot_draws_an_image_and_computes_the_loss(tmp_path, make_planted, capsys):
    pytest.importorskip("matplotlib")
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    image = tmp_path / "loss.png"
    args = small_args(corpus, tmp_path / "m", "--epochs", "2", "--min-count", "1")
    assert main(["--quiet", *args, "--plot", str(image)]) == 0
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"plotted loss and words/s per epoch to {image}" in capsys.readouterr().out
    assert len(SkipGram.load(tmp_path / "m").loss_history) == 2  # --plot turned the loss on
    assert main(["--quiet", *args, "--plot", str(image), "--no-compute-loss"]) == 0
    assert SkipGram.load(tmp_path / "m").loss_history == []  # a words/s plot only


# ---- the corpus from standard input -----------------------------------------------------------


@pytest.mark.slow
def test_train_dash_reads_the_corpus_from_standard_input(tmp_path, make_planted):
    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    common = ["--epochs", "1", "--min-count", "1", "--workers", "1", "--quiet"]
    piped = run(small_args("-", "piped", *common), tmp_path, input=corpus.read_text())
    assert piped.returncode == 0, piped.stderr
    assert run(small_args(corpus, "from-file", *common), tmp_path).returncode == 0
    from_stdin, from_file = (SkipGram.load(tmp_path / name) for name in ("piped", "from-file"))
    assert from_stdin.wv.index_to_key == from_file.wv.index_to_key
    assert from_stdin.vocab.total_words == from_file.vocab.total_words
    assert (from_stdin.wv.vectors == from_file.wv.vectors).all()  # one worker: same training


def test_train_dash_with_max_vocab_size_explains_why_not(tmp_path, capsys):
    assert main(["train", "-", "--output", str(tmp_path / "m"), "--max-vocab-size", "9"]) == 2
    assert "standard input can be read only once" in capsys.readouterr().err


def test_resume_finishes_an_interrupted_run_with_its_schedule(tmp_path, make_planted, capsys):
    from skipgram.callbacks import Callback

    class StopAfterTwo(Callback):
        def on_epoch_end(self, model):
            if model.epochs_trained == 2:
                raise KeyboardInterrupt

    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    params = {"vector_size": 16, "min_count": 1, "workers": 1, "epochs": 4}
    whole = SkipGram(LineSentence(str(corpus)), **params).train()
    stopped = SkipGram(LineSentence(str(corpus)), **params)
    with pytest.raises(KeyboardInterrupt):
        stopped.train(callbacks=[StopAfterTwo()])
    stopped.save(tmp_path / "m.model")
    args = ["train", str(corpus), "--resume", str(tmp_path / "m.model"), "--output"]
    assert main([*args, str(tmp_path / "done.model")]) == 0
    table = capsys.readouterr().out
    rows = [line.split() for line in table.splitlines()[1:]]
    assert [row[0] for row in rows if row and row[0].isdigit()] == ["3", "4"]
    assert "0.01255 → 0.00633" in table  # epoch 3 of 4 goes on from the stopped schedule
    done = SkipGram.load(tmp_path / "done.model")
    assert done.epochs_trained == 4 and done.unfinished_run is None
    np.testing.assert_array_equal(done.wv.vectors, whole.wv.vectors)
    assert main([*args, str(tmp_path / "again.model")]) == 0  # m.model is still unfinished
    assert main(["train", str(corpus), "--resume", str(tmp_path / "done.model"),
                 "--output", str(tmp_path / "x")]) == 2  # fmt: skip
    assert "last run finished" in capsys.readouterr().err


@pytest.mark.slow
def test_the_real_command_resumes_an_interrupted_run(tmp_path, make_planted):
    from skipgram.callbacks import Callback

    class StopAfterOne(Callback):
        def on_epoch_end(self, model):
            raise KeyboardInterrupt

    corpus = write_corpus(tmp_path / "corpus.txt", make_planted)
    stopped = SkipGram(LineSentence(str(corpus)), vector_size=16, min_count=1, epochs=3)
    with pytest.raises(KeyboardInterrupt):
        stopped.train(callbacks=[StopAfterOne()])
    stopped.save(tmp_path / "m.model")
    result = run(["train", str(corpus), "--resume", "m.model", "--output", "m.model"], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [row[0] for row in rows if row and row[0].isdigit()] == ["2", "3"]
    finished = SkipGram.load(tmp_path / "m.model")
    assert finished.epochs_trained == 3 and finished.unfinished_run is None
