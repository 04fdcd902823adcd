"""TF-IDF and fastText-style coders, saved-model metadata (statmethods.autocode.models)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from statmethods.autocode.models import (
    FastTextCoder,
    LabelEncodingError,
    TfidfLinearCoder,
    load_coder,
    make_coder,
    training_checksum,
)
from statmethods.autocode.text import EmptyAnswerError


def _toy(seed: int = 0, n: int = 25):
    rng = np.random.default_rng(seed)
    vocab = {
        "111140": "wheat grain farming",
        "112120": "dairy cattle milk",
        "311812": "bread bakery loaves",
        "331110": "steel iron mills",
    }
    texts, codes = [], []
    for code, words in vocab.items():
        for _ in range(n):
            texts.append(
                " ".join(rng.choice(words.split(), 2)) + " " + rng.choice(["inc", "shop", "plant", "co"])
            )
            codes.append(code)
    return texts, codes


@pytest.mark.parametrize("model", ["baseline", "torch"])
def test_coder_learns_a_separable_toy_problem(model):
    texts, codes = _toy()
    c = make_coder(model, seed=0, epochs=5).fit(texts, codes)
    assert list(c.predict(["milk cattle", "bakery bread", "steel mill"])) == ["112120", "311812", "331110"]
    p = c.predict_proba(["wheat farming"])
    assert p.shape == (1, 4) and p.sum() == pytest.approx(1.0)


def test_torch_training_is_deterministic_on_cpu():
    texts, codes = _toy()
    before = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
    a = FastTextCoder(seed=3, epochs=3).fit(texts, codes)
    b = FastTextCoder(seed=3, epochs=3).fit(texts, codes)
    np.testing.assert_array_equal(a.decision_function(texts), b.decision_function(texts))
    # deterministic inside fit and predict only: the caller's torch settings are left as they were
    assert (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == before
    c = FastTextCoder(seed=4, epochs=3).fit(texts, codes)
    assert not np.array_equal(a.decision_function(texts), c.decision_function(texts))


@pytest.mark.parametrize("model", ["baseline", "torch"])
def test_saved_model_round_trips_and_records_version_and_checksum(tmp_path, model):
    texts, codes = _toy()
    c = make_coder(model, seed=1, epochs=3, classification="NAICS 2022").fit(texts, codes)
    path = c.save(tmp_path / "m.joblib")
    d = load_coder(path, labels=sorted(set(codes)), classification="NAICS 2022")
    np.testing.assert_allclose(d.decision_function(texts), c.decision_function(texts))
    assert d.metadata_.training_checksum == training_checksum([t.lower() for t in texts], codes)
    assert d.metadata_.classification == "NAICS 2022" and d.metadata_.n_train == len(texts)


def test_loading_with_a_mismatched_label_encoding_raises(tmp_path):
    texts, codes = _toy()
    path = TfidfLinearCoder(classification="NAICS 2022").fit(texts, codes).save(tmp_path / "m.joblib")
    labels = sorted(set(codes))
    with pytest.raises(LabelEncodingError, match="different order"):
        load_coder(path, labels=labels[::-1])
    with pytest.raises(LabelEncodingError, match="not in the model"):
        load_coder(path, labels=[*labels[:-1], "999999"])
    with pytest.raises(LabelEncodingError, match="classification"):
        load_coder(path, classification="NAICS 2017")


def test_checksum_changes_with_the_training_data():
    assert training_checksum(["a", "b"], ["1", "2"]) != training_checksum(["a", "b"], ["2", "1"])


def test_bad_inputs_raise_clear_errors():
    texts, codes = _toy(n=3)
    with pytest.raises(EmptyAnswerError, match="empty"):
        TfidfLinearCoder().fit([*texts, ""], [*codes, "111140"])
    with pytest.raises(ValueError, match="one code per text"):
        TfidfLinearCoder().fit(texts, codes[:-1])
    with pytest.raises(ValueError, match="model must be one of"):
        make_coder("bert")
    with pytest.raises(RuntimeError, match="not fitted"):
        FastTextCoder().predict(["x"])


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the error raised without a GPU")
def test_cuda_without_a_gpu_raises_a_value_error():
    with pytest.raises(ValueError, match="no CUDA GPU"):
        FastTextCoder(device="cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_and_cpu_models_agree():
    texts, codes = _toy()
    cpu = FastTextCoder(seed=0, epochs=3).fit(texts, codes)
    gpu = FastTextCoder(seed=0, epochs=3, device="cuda").fit(texts, codes)
    assert (cpu.predict(texts) == gpu.predict(texts)).mean() > 0.95
