"""Build the compiled kernels. There is deliberately no pure-Python fallback: if Cython or a C
compiler is missing, or either extension fails to compile, `pip install .` fails here, loudly."""

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

# The C helpers both modules include (declared in skipgram/_c_helpers.pxd). Listed so that a
# change to one rebuilds the modules; include_dirs names their folder for the compiler.
HEADERS = [
    "skipgram/_simd.h",
    "skipgram/_prefetch.h",
    "skipgram/_float_mode.h",
    "skipgram/_rng.h",
    "skipgram/_c_helpers.pxd",
    # The training kernel's parts: what the objectives share, each objective, the test entry
    # points (all compiled into skipgram._inner).
    "skipgram/_kernel.pxd",
    "skipgram/_negative_sampling.pxi",
    "skipgram/_hierarchical_softmax.pxi",
    "skipgram/_exact_softmax.pxi",
    "skipgram/_inner_checks.pxi",
    # The tokenizer's parts (declarations, the lexer, the word table, UTF-8 rules, growable
    # buffers).
    "skipgram/_tokenize.pxd",
    "skipgram/_lexer.pxd",
    "skipgram/_word_table.pxd",
    "skipgram/_utf8.pxd",
    "skipgram/_buffers.pxd",
]

extensions = [
    # Training kernel: uses numpy's C API, hence its headers.
    Extension(
        "skipgram._inner",
        ["skipgram/_inner.pyx"],
        include_dirs=["skipgram", numpy.get_include()],
        depends=HEADERS,
        extra_compile_args=["-O3"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    ),
    # Text to word ids: typed memoryviews only, no numpy C API, so no numpy headers.
    Extension(
        "skipgram._tokenize",
        ["skipgram/_tokenize.pyx"],
        include_dirs=["skipgram"],
        depends=HEADERS,
        extra_compile_args=["-O3"],
    ),
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={"language_level": "3", "embedsignature": True},
    )
)
