"""Where the progress bar is drawn, and that log lines do not run into it."""

import io
import logging

from skipgram import progress
from skipgram.progress import ProgressBar


def test_off_a_terminal_the_default_is_no_bar(monkeypatch):
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    bar = ProgressBar(100, 1, enabled=None, show_loss=False)
    bar.close()
    assert not bar.shown
    assert progress.sys.stderr.getvalue() == ""


def test_in_a_notebook_the_default_is_a_bar(monkeypatch):
    monkeypatch.setattr(progress.sys, "stderr", io.StringIO())
    monkeypatch.setattr(progress, "in_notebook", lambda: True)
    bar = ProgressBar(100, 1, enabled=None, show_loss=False)
    bar.close()
    assert bar.shown


def test_a_plain_interpreter_is_no_notebook():
    assert not progress.in_notebook()


def test_log_lines_go_above_a_shown_bar_and_the_handlers_come_back(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(progress.sys, "stderr", stream)
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [handler])
    bar = ProgressBar(100, 1, enabled=True, show_loss=False)
    try:
        assert handler not in root.handlers  # replaced by tqdm's, which clears the bar first
        logging.getLogger("skipgram.model").warning("a log line")
    finally:
        bar.close()
    assert root.handlers == [handler]
    assert "\ra log line\n" in stream.getvalue().replace("\r\x1b[A", "")  # its own line
