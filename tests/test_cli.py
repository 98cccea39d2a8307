"""The command line: results on stdout, user mistakes as one line on stderr and exit status 2."""

import subprocess
import sys

from skipgram.cli import main


def write_corpus(path, make_planted):
    path.write_text("\n".join(" ".join(s) for s in make_planted(sentences=800)) + "\n")
    return path


def test_train_then_similar_prints_neighbours(tmp_path, make_planted, capsys):
    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    model = tmp_path / "m"
    args = ["train", str(corpus), "--output", str(model), "--vector-size", "16", "--epochs", "2"]
    assert main(["--quiet", *args, "--min-count", "1", "--workers", "2"]) == 0
    assert main(["--quiet", "similar", str(model), "g0w0", "--topn", "5"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()[-5:]
    assert len(lines) == 5
    assert all(line.split("\t")[0].startswith("g0") for line in lines)
    assert all(-1.0 <= float(line.split("\t")[1]) <= 1.0 for line in lines)


def test_a_directory_corpus_trains(tmp_path, make_planted, capsys):
    (tmp_path / "parts").mkdir()
    write_corpus(tmp_path / "parts" / "a.txt", make_planted)
    write_corpus(tmp_path / "parts" / "b.txt", make_planted)
    out = tmp_path / "m"
    assert (
        main(
            [
                "--quiet",
                "train",
                str(tmp_path / "parts"),
                "--output",
                str(out),
                "--min-count",
                "1",
                "--epochs",
                "1",
            ]
        )
        == 0
    )
    assert out.exists()


def test_a_missing_corpus_is_one_line_and_status_2(tmp_path, capsys):
    status = main(["--quiet", "train", str(tmp_path / "nope.txt"), "--output", "m"])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert len(err.splitlines()) == 1 and "nope.txt" in err


def test_an_unknown_word_is_one_line_and_status_2(tmp_path, make_planted, capsys):
    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    model = tmp_path / "m"
    main(
        [
            "--quiet",
            "train",
            str(corpus),
            "--output",
            str(model),
            "--min-count",
            "1",
            "--epochs",
            "1",
        ]
    )
    capsys.readouterr()
    assert main(["--quiet", "similar", str(model), "nosuchword"]) == 2
    assert "nosuchword" in capsys.readouterr().err


def test_python_dash_m_demo_trains_on_the_bundled_corpus(tmp_path):
    # Run outside the repository, whose uncompiled source tree would shadow the installed package.
    result = subprocess.run(
        [sys.executable, "-m", "skipgram", "--quiet", "demo", "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "trained on" in result.stdout and "king:" in result.stdout
