#!/usr/bin/env bash
# Install the peers the benchmarks compare skipgram with, all next to this script and git-ignored:
#
#   .venv-gensim/            gensim 4.4 in a virtual environment of its own (gensim must never be
#                            importable from the main environment)
#   .peers/bin/word2vec      Mikolov's word2vec.c, built from the PyPI `word2vec` sdist
#   .peers/bin/fasttext      fastText's command-line tool, built from the PyPI `fasttext` sdist
#
# Both C tools are compiled with the flags of their own upstream Makefiles (-O3 -march=native
# -funroll-loops); set PEER_CFLAGS to override. Only PyPI is contacted. Safe to re-run: whatever
# is already present and working is kept.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-gensim"
peers="$here/.peers"
python="${PYTHON:-python3}"
gensim_spec='gensim==4.4.*'
# Pinned so that every machine benchmarks the same peer code.
word2vec_spec='word2vec==0.11.1'
fasttext_spec='fasttext==0.9.3'
cflags="${PEER_CFLAGS:--O3 -march=native -funroll-loops}"

setup_gensim() {
    if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import gensim, scipy' 2>/dev/null; then
        echo "gensim venv already present: $venv ($("$venv/bin/python" -c 'import gensim; print(gensim.__version__)'))"
        return
    fi
    echo "creating $venv with $("$python" --version)"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    # scipy is listed explicitly because evaluate.py needs it even if gensim ever stops pulling it in.
    "$venv/bin/python" -m pip install --quiet "$gensim_spec" numpy scipy
    echo "installed: gensim $("$venv/bin/python" -c 'import gensim; print(gensim.__version__)')"
}

# Download one source distribution (never a wheel: the wheels hold no command-line tool) and
# unpack it under .peers/src; prints the unpacked folder.
fetch_sdist() {
    local spec="$1" name="${1%%==*}" version="${1##*==}"
    local dir="$peers/src/$name-$version"
    if [[ ! -d "$dir" ]]; then
        mkdir -p "$peers/src"
        "$venv/bin/python" -m pip download --quiet --no-deps --no-binary "$name" \
            --dest "$peers/src" "$spec" >&2
        tar --no-same-owner -xzf "$peers/src/$name-$version.tar.gz" -C "$peers/src"
    fi
    echo "$dir"
}

build_word2vec() {
    local bin="$peers/bin/word2vec"
    if [[ -x "$bin" ]]; then
        echo "word2vec.c already built: $bin"
        return
    fi
    local src
    src="$(fetch_sdist "$word2vec_spec")/word2vec/includes/word2vec.c"
    mkdir -p "$peers/bin"
    # shellcheck disable=SC2086  # cflags is a list of flags
    gcc $cflags -Wall -Wno-unused-result -pthread "$src" -o "$bin" -lm
    echo "built word2vec.c ($word2vec_spec): $bin"
}

build_fasttext() {
    local bin="$peers/bin/fasttext"
    if [[ -x "$bin" ]] && "$bin" skipgram 2>&1 | grep -q -- '-minn'; then
        echo "fastText already built: $bin"
        return
    fi
    local src
    src="$(fetch_sdist "$fasttext_spec")/src"
    mkdir -p "$peers/bin"
    # The sdist carries fastText's C++ sources but not its Makefile; this is that Makefile's
    # build in one command (main.cc holds the command line).
    # shellcheck disable=SC2086
    g++ $cflags -std=c++17 -pthread -DNDEBUG "$src"/*.cc -o "$bin"
    echo "built fastText ($fasttext_spec): $bin"
}

setup_gensim
build_word2vec
build_fasttext
