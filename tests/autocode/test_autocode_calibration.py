"""Temperature scaling, reliability tables and ECE (statmethods.autocode.calibration)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import softmax

from statmethods.autocode.calibration import TemperatureScaler, expected_calibration_error, reliability_table


def _simulate(t_true: float, n: int = 6000, k: int = 8, seed: int = 0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 2.5, size=(n, k))
    p = softmax(logits / t_true, axis=1)
    y = (p.cumsum(1) > rng.random((n, 1))).argmax(1)
    return logits, y


@pytest.mark.parametrize("t_true", [0.5, 1.0, 2.5])
def test_temperature_is_recovered_from_data_simulated_at_a_known_temperature(t_true):
    logits, y = _simulate(t_true)
    s = TemperatureScaler().fit(logits, y)
    assert s.temperature_ == pytest.approx(t_true, rel=0.08)
    assert s.nll_after_ <= s.nll_before_ + 1e-12


def test_scaling_fixes_miscalibration_and_keeps_the_predicted_class():
    logits, y = _simulate(3.0, seed=1)
    raw = softmax(logits, axis=1)
    cal = TemperatureScaler().fit(logits[:3000], y[:3000]).transform(logits[3000:])
    assert (cal.argmax(1) == raw[3000:].argmax(1)).all()
    ok = cal.argmax(1) == y[3000:]
    ece_raw = expected_calibration_error(raw[3000:].max(1), ok)
    ece_cal = expected_calibration_error(cal.max(1), ok)
    assert ece_raw > 0.15 and ece_cal < 0.04


def test_ece_matches_a_hand_computation():
    conf = np.array([0.95, 0.95, 0.95, 0.95, 0.35, 0.35])
    ok = np.array([1, 1, 1, 0, 0, 1])
    # bin (0.9,1]: acc 0.75 vs conf 0.95 -> 0.2 * 4/6 ; bin (0.3,0.4]: acc 0.5 vs 0.35 -> 0.15 * 2/6
    assert expected_calibration_error(conf, ok) == pytest.approx(0.2 * 4 / 6 + 0.15 * 2 / 6)
    t = reliability_table(conf, ok)
    assert t["n"].sum() == 6 and len(t) == 2


def test_bad_inputs_are_rejected():
    with pytest.raises(ValueError, match="probabilities"):
        expected_calibration_error(np.array([1.2]), np.array([1]))
    with pytest.raises(RuntimeError, match="fit"):
        TemperatureScaler().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="two calibration records"):
        TemperatureScaler().fit(np.zeros((2, 2)), np.array([-1, -1]))
