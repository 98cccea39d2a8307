"""The command line: results on stdout, user mistakes as one line on stderr and exit status 2."""

import subprocess
import sys

import numpy as np
import pytest

from skipgram.cli import main


def write_corpus(path, make_planted):
    path.write_text("\n".join(" ".join(s) for s in make_planted(sentences=800)) + "\n")
    return path


def test_train_then_similar_prints_neighbours(tmp_path, make_planted, capsys):
    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    model = tmp_path / "m"
    args = ["train", str(corpus), "--output", str(model), "--vector-size", "16", "--epochs", "5"]
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


@pytest.mark.slow
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


def trained_model(tmp_path, make_planted):
    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    model = tmp_path / "m"
    args = ["train", str(corpus), "--output", str(model), "--vector-size", "16", "--epochs", "3"]
    assert main([*args, "--min-count", "1", "--workers", "2", "--quiet"]) == 0
    return model


def test_analogy_prints_b_minus_a_plus_c(tmp_path, make_planted, capsys):
    model = trained_model(tmp_path, make_planted)
    capsys.readouterr()
    assert main(["--quiet", "analogy", str(model), "g1w0", "g1w1", "g2w0", "--topn", "3"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    # g1w1 - g1w0 + g2w0 stays inside group 2, the only group of the positive terms left.
    assert lines[0].split("\t")[0].startswith("g2")


def test_evaluate_reports_analogies_with_skipped_questions_and_pair_correlations(
    tmp_path, make_planted, capsys
):
    model = trained_model(tmp_path, make_planted)
    questions = tmp_path / "questions.txt"
    questions.write_text(
        ": same-group\ng0w0 g0w1 g1w0 g1w1\ng2w0 g2w1 g3w0 g3w1\n: unknown\ng0w0 xx g1w0 g1w1\n"
    )
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "g0w0\tg0w1\t9.0\ng0w0\tg1w1\t1.0\ng2w2\tg2w3\t8.5\ng3w1\tg4w4\t0.5\nzz\tg0w0\t3\n"
    )
    capsys.readouterr()
    args = ["evaluate", str(model), "--analogies", str(questions), "--pairs", str(pairs)]
    assert main(["--quiet", *args]) == 0
    out = capsys.readouterr().out
    assert "analogy accuracy" in out and "1 skipped" in out
    assert "pairs spearman" in out and "1 of 5 pairs" in out


def test_evaluate_without_files_is_a_clear_error(tmp_path, make_planted, capsys):
    model = trained_model(tmp_path, make_planted)
    capsys.readouterr()
    assert main(["evaluate", str(model)]) == 2
    assert "give --analogies FILE and/or --pairs FILE" in capsys.readouterr().err


def test_export_writes_word2vec_files_that_load_back(tmp_path, make_planted, capsys):
    from skipgram import KeyedVectors, SkipGram

    model = trained_model(tmp_path, make_planted)
    wv = SkipGram.load(model).wv
    for fmt, binary in (("word2vec-binary", True), ("word2vec-text", False)):
        out = tmp_path / f"vectors.{fmt}.gz"
        assert main(["--quiet", "export", str(model), str(out), "--format", fmt]) == 0
        back = KeyedVectors.load_word2vec_format(out, binary=binary)
        assert back.index_to_key == wv.index_to_key
        np.testing.assert_array_equal(back.vectors, wv.vectors)


def test_commands_accept_a_saved_vectors_file(tmp_path, make_planted, capsys):
    from skipgram import SkipGram

    model = trained_model(tmp_path, make_planted)
    SkipGram.load(model).wv.save(tmp_path / "vectors")
    capsys.readouterr()
    assert main(["similar", str(tmp_path / "vectors"), "g0w0", "--topn", "2", "--quiet"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


@pytest.mark.slow
def test_issue_commands_via_python_dash_m(tmp_path, make_planted):
    """The acceptance commands of the command-line issue, as a user types them."""
    write_corpus(tmp_path / "small.txt", make_planted)
    run = [sys.executable, "-m", "skipgram"]
    options = dict(capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
    train = [*run, "train", "small.txt", "--output", "m", "--vector-size", "30", "--epochs", "1"]
    trained = subprocess.run([*train, "--min-count", "5", "--workers", "2"], **options)
    assert trained.returncode == 0, trained.stderr
    similar = subprocess.run([*run, "similar", "m", "g0w0", "--topn", "5"], **options)
    assert similar.returncode == 0, similar.stderr
    lines = similar.stdout.strip().splitlines()
    assert len(lines) == 5 and all(len(line.split("\t")) == 2 for line in lines)


# ---- small things a user expects ------------------------------------------------------------


def test_version_prints_the_package_version(capsys):
    import pytest

    import skipgram

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"skipgram {skipgram.__version__}\n"


def test_train_help_shows_defaults_and_choices(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "{ns,hs,softmax}" in text
    for shown in (
        "dimension of the word vectors (default: 100)",
        "(default: 0.75)",  # --ns-exponent
        "tokens per job handed to a worker thread (default: 10000)",
        "(default: 0.025 for ns, 0.025 for hs, 0.05 for softmax)",
        "--shuffle, --no-shuffle",
        "--compute-loss",
        "(default: one per CPU core)",
    ):
        assert shown in text


def test_train_flags_reach_the_model_parameters(tmp_path, make_planted):
    from skipgram import SkipGram

    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    out = tmp_path / "m"
    args = ["--quiet", "train", str(corpus), "--output", str(out), "--min-count", "1"]
    flags = ["--shuffle", "--ns-exponent", "0.5", "--batch-words", "777", "--compute-loss"]
    assert main([*args, "--epochs", "2", *flags]) == 0
    model = SkipGram.load(out)
    assert model.params.shuffle is True
    assert model.params.ns_exponent == 0.5 and model.params.batch_words == 777
    assert len(model.loss_history) == 2  # --compute-loss


def test_every_training_parameter_has_a_train_option():
    from dataclasses import fields

    from skipgram.cli import _parser
    from skipgram.params import Parameters

    train = _parser().parse_args(["train", "corpus.txt", "--output", "m"])
    assert {f.name for f in fields(Parameters)} <= set(vars(train))


def test_an_unknown_word_that_differs_in_case_suggests_the_known_one(
    tmp_path, make_planted, capsys
):
    model = trained_model(tmp_path, make_planted)
    capsys.readouterr()
    assert main(["--quiet", "similar", str(model), "G0W1"]) == 2
    err = capsys.readouterr().err
    assert err == "skipgram similar: error: word 'G0W1' is not in the vocabulary; " + (
        "did you mean 'g0w1'?\n"
    )
    assert main(["--quiet", "analogy", str(model), "g0w0", "g0w1", "G1w0"]) == 2
    assert "word 'G1w0' is not in the vocabulary; did you mean 'g1w0'?" in capsys.readouterr().err
    assert main(["--quiet", "similar", str(model), "zzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_query_commands_read_the_word2vec_files_export_writes(tmp_path, make_planted, capsys):
    model = trained_model(tmp_path, make_planted)
    capsys.readouterr()
    assert main(["--quiet", "similar", str(model), "g3w0", "--topn", "4"]) == 0
    expected = capsys.readouterr().out
    for fmt, name in (("word2vec-binary", "v.bin"), ("word2vec-text", "v.txt.gz")):
        exported = tmp_path / name
        assert main(["--quiet", "export", str(model), str(exported), "--format", fmt]) == 0
        capsys.readouterr()
        assert main(["--quiet", "similar", str(exported), "g3w0", "--topn", "4"]) == 0
        assert capsys.readouterr().out == expected  # the same vectors, told by their bytes
        assert main(["similar", str(exported), "g3w0", "--topn", "4", "--format", fmt]) == 0
        assert capsys.readouterr().out == expected
    args = ["analogy", str(tmp_path / "v.bin"), "g1w0", "g1w1", "g2w0", "--topn", "2"]
    assert main(["--quiet", *args]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_a_wrong_format_option_is_a_clear_error(tmp_path, make_planted, capsys):
    model = trained_model(tmp_path, make_planted)
    exported = tmp_path / "v.bin"
    main(["--quiet", "export", str(model), str(exported)])
    capsys.readouterr()
    assert main(["similar", str(exported), "g0w0", "--format", "skipgram"]) == 2
    assert "is not a skipgram file" in capsys.readouterr().err


def test_info_describes_a_model_file(tmp_path, make_planted, capsys):
    from skipgram import SkipGram

    model_path = trained_model(tmp_path, make_planted)
    model = SkipGram.load(model_path)
    capsys.readouterr()
    assert main(["info", str(model_path)]) == 0
    out = capsys.readouterr().out
    fields = {line[:14].strip(): line[16:] for line in out.splitlines()}
    size = model_path.stat().st_size
    assert 1_000 <= size < 1_000_000
    assert fields["file"] == f"{model_path} ({size / 1000:.1f} KB)"
    assert fields["format"] == "skipgram model (SkipGram.save)"
    assert fields["vocabulary"] == f"{len(model.vocab):,} words"
    assert fields["dimension"] == "16"
    assert fields["objective"].startswith("ns (negative sampling, negative=5")
    assert fields["epochs trained"] == "3"
    assert "window=5" in fields["parameters"] and "vector_size=16" in fields["parameters"]


def test_info_describes_vectors_and_word2vec_files(tmp_path, make_planted, capsys):
    from skipgram import SkipGram

    model_path = trained_model(tmp_path, make_planted)
    wv = SkipGram.load(model_path).wv
    wv.save(tmp_path / "vectors")
    wv.save_word2vec_format(tmp_path / "v.bin", binary=True)
    wv.save_word2vec_format(tmp_path / "v.txt", binary=False)
    capsys.readouterr()
    for name, kind in (
        ("vectors", "skipgram vectors (KeyedVectors.save)"),
        ("v.bin", "word2vec-binary (word2vec.c)"),
        ("v.txt", "word2vec-text (word2vec.c)"),
    ):
        assert main(["info", str(tmp_path / name)]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[1].split(None, 1) == ["format", kind]
        assert lines[2].split(None, 1) == ["vocabulary", f"{len(wv):,} words"]
        assert lines[3].split() == ["dimension", "16"]


def test_info_on_a_file_of_no_known_format_is_one_line(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello world\n")
    assert main(["info", str(tmp_path / "notes.txt")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "neither a skipgram file" in err


def test_repr_of_a_model_and_of_its_vectors(make_planted):
    from skipgram import SkipGram

    empty = SkipGram(vector_size=8, objective="hs")
    assert repr(empty) == "SkipGram<no vocabulary, vector_size=8, objective='hs', epochs_trained=0>"
    model = SkipGram(make_planted(sentences=200), vector_size=8, min_count=1, epochs=2).train(
        progress=False
    )
    assert repr(model) == "SkipGram<vocab=36, vector_size=8, objective='ns', epochs_trained=2>"
    assert repr(model.wv) == "KeyedVectors<vocab=36, vector_size=8>"


def test_a_diverging_run_is_one_line_and_status_2(tmp_path, make_planted, capsys):
    corpus = write_corpus(tmp_path / "small.txt", make_planted)
    args = ["--quiet", "train", str(corpus), "--output", str(tmp_path / "m"), "--min-count", "1"]
    assert main([*args, "--alpha", "1e30", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "training diverged in epoch 1" in err
