#!/usr/bin/env bash
# Create the isolated virtual environment that holds the peer (gensim) used by the
# benchmarks. gensim must never be importable from the main environment, so it gets a
# venv of its own next to this script. Safe to re-run: an existing, working venv is kept.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-gensim"
python="${PYTHON:-python3}"
spec='gensim==4.4.*'

if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import gensim, scipy' 2>/dev/null; then
    echo "gensim venv already present: $venv ($("$venv/bin/python" -c 'import gensim; print(gensim.__version__)'))"
    exit 0
fi

echo "creating $venv with $("$python" --version)"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# scipy is listed explicitly because evaluate.py needs it even if gensim ever stops pulling it in.
"$venv/bin/python" -m pip install --quiet "$spec" numpy scipy
echo "installed: gensim $("$venv/bin/python" -c 'import gensim; print(gensim.__version__)')"
