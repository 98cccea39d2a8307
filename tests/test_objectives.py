"""The objective descriptors (skipgram/objectives.py): one per objective the kernel trains, and
every fact the rest of the package asks them holds for the model it builds."""

import numpy as np
import pytest
from skipgram._inner import OBJECTIVES as KERNEL_OBJECTIVES

from skipgram import SkipGram, kernel_setup
from skipgram.objectives import DEFAULT_OBJECTIVE, OBJECTIVES, objective_of
from skipgram.params import DEFAULT_ALPHA, Parameters

TINY = {"vector_size": 8, "window": 2, "min_count": 1, "sample": 0, "epochs": 1, "workers": 1}


def test_there_is_one_descriptor_per_objective_of_the_kernel():
    assert list(OBJECTIVES) == list(KERNEL_OBJECTIVES)
    assert all(name == o.name for name, o in OBJECTIVES.items())
    assert Parameters().objective == DEFAULT_OBJECTIVE.name


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_a_model_has_the_descriptors_output_rows_and_default_alpha(planted, name):
    objective = OBJECTIVES[name]
    model = SkipGram(planted, objective=name, **TINY)
    assert objective_of(model.params) is objective
    assert model.params.alpha == objective.default_alpha == DEFAULT_ALPHA[name]
    assert model.output_vectors.shape == (objective.output_rows(len(model.wv)), 8)
    assert model.hs == int(objective.huffman_outputs)
    assert model.estimate_memory()[objective.gensim_output] == model.output_vectors.nbytes


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_the_descriptors_tables_build_a_kernel_that_trains(planted, name):
    model = SkipGram(planted, objective=name, **TINY)
    tables = kernel_setup.kernel_tables(model.vocab, model.params)
    assert set(OBJECTIVES[name].tables(model.vocab, model.params)) <= set(tables)
    kernel = kernel_setup.make_kernel(
        tables, model.params, model.wv.vectors, model.output_vectors, False
    )
    assert kernel.objective == name
    before = model.wv.vectors.copy()
    model.train()
    assert not np.array_equal(before, model.wv.vectors)


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_noise_settings_belong_to_the_objectives_that_draw_noise(name):
    objective = OBJECTIVES[name]
    if objective.draws_noise:
        Parameters(objective=name, shared_negatives=True)
        with pytest.raises(ValueError, match="needs negative >= 1"):
            Parameters(objective=name, negative=0)
    else:
        Parameters(objective=name, negative=0)
        with pytest.raises(ValueError, match="shared_negatives applies to objective="):
            Parameters(objective=name, shared_negatives=True)


def test_the_summary_names_the_objective_and_its_noise_settings():
    p = Parameters(negative=7, ns_exponent=0.5)
    assert objective_of(p).summary(p) == "ns (negative sampling, negative=7, ns_exponent=0.5)"
    p = Parameters(objective="hs", negative=0)
    assert objective_of(p).summary(p) == "hs (hierarchical softmax)"
