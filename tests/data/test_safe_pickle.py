"""The restricted unpickler loads numpy folds and refuses everything else before calling it."""

from __future__ import annotations

import collections
import os
import pickle

import numpy as np
import pytest

from statmethods import data
from statmethods.data.safe_pickle import UnsafePickleError, safe_load, safe_loads


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo should-never-run",))


def test_loads_the_papers_folds_as_dicts_of_integer_arrays():
    folds = safe_load(data.path("africa-poverty-lsms/lsms_incountry_folds.pkl"))
    assert sorted(folds) == list("ABCDE")
    test = np.concatenate([folds[k]["test"] for k in folds])
    assert np.array_equal(np.sort(test), np.arange(3020))  # a partition of the villages
    assert all(folds[k][s].dtype.kind == "i" for k in folds for s in ("train", "val", "test"))


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_round_trips_numpy_and_plain_containers(protocol):
    obj = {"a": [1, 2.5, None, True], "b": (np.arange(4), np.float64(3.5)), "c": np.zeros((2, 2), "f4")}
    out = safe_loads(pickle.dumps(obj, protocol=protocol))
    assert out["a"] == [1, 2.5, None, True]
    assert np.array_equal(out["b"][0], np.arange(4)) and out["b"][1] == 3.5
    assert out["c"].dtype == np.float32


def test_refuses_a_callable_before_calling_it(tmp_path, capfd):
    p = tmp_path / "folds.pkl"
    p.write_bytes(pickle.dumps({"A": _Boom()}))
    with pytest.raises(UnsafePickleError, match=r"folds\.pkl.*(posix|nt)\.system"):
        safe_load(p)
    assert "should-never-run" not in capfd.readouterr().out


def test_refuses_unknown_classes_and_object_arrays():
    with pytest.raises(UnsafePickleError, match="collections.OrderedDict"):
        safe_loads(pickle.dumps(collections.OrderedDict(a=1)), where="f.pkl")
    with pytest.raises(UnsafePickleError, match="object"):
        safe_loads(pickle.dumps(np.array([1, "x"], dtype=object)), where="f.pkl")


def test_not_a_pickle_names_the_file():
    with pytest.raises(UnsafePickleError, match="x.pkl: cannot be read as a pickle"):
        safe_loads(b"id,fold\n1,A\n", where="x.pkl")
