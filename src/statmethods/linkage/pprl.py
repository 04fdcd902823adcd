"""Privacy-preserving record linkage with Bloom-filter encodings (Schnell, Bachteler and Reiher 2009).

Each field value is split into padded q-grams; each q-gram sets ``k`` bits of an ``l``-bit
filter chosen by double hashing, ``(h1 + i h2) mod l`` for ``i = 0..k-1``. The two hashes come
from HMAC-SHA256 under a secret key (a *cryptographic long-term key*, CLK, when all fields go
into one filter), so a party without the key cannot rebuild the filters from a name list. Two
filters are compared by the Dice coefficient ``2|A & B| / (|A| + |B|)``; anonlink finds the
pairs above a threshold and solves them one-to-one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

ENV_KEY = "STATMETHODS_PPRL_KEY"
DEMO_KEY = b"DEMONSTRATION KEY - NOT SECRET - set STATMETHODS_PPRL_KEY"


def secret_key(mode: str = "demo", *, env: str = ENV_KEY, parameter: str = "pprl_mode") -> tuple[bytes, str]:
    """The secret key from the environment variable ``env``, or the marked demonstration key.

    Returns the key and where it came from (``"environment"`` or ``"demonstration key"``); the
    key itself is never printed. ``mode="production"`` refuses to run without the variable.
    ``env`` must start with ``STATMETHODS_`` (the linkage key by default; the pseudonymisation
    chapter's combination key is ``STATMETHODS_COMBINATION_KEY``).

    Examples
    --------
    >>> secret_key("demo")[1] in ("environment", "demonstration key")
    True
    """
    if not env.startswith("STATMETHODS_"):
        raise ValueError(f"key variable {env!r} must start with STATMETHODS_. Fix: rename it")
    value = os.environ.get(env, "")
    if value:
        return value.encode("utf-8"), "environment"
    if mode == "production":
        raise ValueError(f"{parameter} 'production' needs the secret key in ${env}. "
                         f"Fix: export {env}=<key shared by the parties>, "
                         f"or use {parameter} 'demo'")
    demo = DEMO_KEY if env == ENV_KEY else DEMO_KEY.replace(ENV_KEY.encode(), env.encode())
    return demo, "demonstration key"


def qgrams(value: str, q: int = 2) -> list[str]:
    """Padded q-grams of a lower-cased string (``_`` pads both ends).

    Examples
    --------
    >>> qgrams("ann")
    ['_a', 'an', 'nn', 'n_']
    """
    s = "_" * (q - 1) + str(value).lower() + "_" * (q - 1)
    return [s[i:i + q] for i in range(len(s) - q + 1)]


def _positions(key: bytes, field: str, gram: str, k: int, size: int) -> np.ndarray:
    d = hmac.new(key, f"{field}\x1f{gram}".encode(), hashlib.sha256).digest()
    h1, h2 = int.from_bytes(d[:16], "big"), int.from_bytes(d[16:], "big") | 1
    return np.array([(h1 + i * h2) % size for i in range(k)], dtype=np.int64)


def bloom_encode(df: pd.DataFrame, fields: Mapping[str, int], key: bytes, *, size: int = 1024,
                 q: int = 2, salt: str | None = None) -> np.ndarray:
    """Encode records as Bloom filters (one filter holding all ``fields``: a CLK).

    Parameters
    ----------
    df
        The records.
    fields
        ``{column: k}``: the number of hash positions per q-gram of that column (its weight).
    key
        Secret HMAC key (see :func:`secret_key`).
    size
        Filter length ``l`` in bits.
    q
        q-gram length.
    salt
        Optional column whose value is mixed into every hash of the record (hardening: the same
        name gets different bits for different values of the salt, e.g. the year of birth).

    Returns
    -------
    numpy.ndarray
        Boolean array ``(n_records, size)``.

    Examples
    --------
    >>> f = bloom_encode(pd.DataFrame({"name": ["anna", "anna", "bob"]}), {"name": 10}, b"k", size=64)
    >>> bool((f[0] == f[1]).all()), bool((f[0] == f[2]).all())
    (True, False)
    """
    out = np.zeros((len(df), size), dtype=bool)
    cache: dict[tuple[str, str], np.ndarray] = {}
    salts = df[salt].astype(str).to_numpy() if salt else np.full(len(df), "")
    for col, k in fields.items():
        vals = df[col].to_numpy(dtype=object)
        for r, (v, s) in enumerate(zip(vals, salts, strict=False)):
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                continue
            for g in qgrams(str(v), q):
                ck = (f"{col}\x1e{s}", g)
                pos = cache.get(ck)
                if pos is None:
                    pos = cache[ck] = _positions(key, ck[0], g, k, size)
                out[r, pos] = True
    return out


def dice(a: np.ndarray, b: np.ndarray) -> float:
    """Dice coefficient of two bit vectors.

    Examples
    --------
    >>> dice(np.array([1, 1, 0, 0], bool), np.array([1, 0, 1, 0], bool))
    0.5
    """
    n = int(a.sum() + b.sum())
    return 2 * int((a & b).sum()) / n if n else 0.0


def _bitarrays(filters: np.ndarray) -> list:
    from bitarray import bitarray

    packed = np.packbits(filters, axis=1)
    out = []
    for row in packed:
        ba = bitarray(endian="big")
        ba.frombytes(row.tobytes())
        out.append(ba)
    return out


@dataclass(frozen=True)
class EncodedLinks:
    """One-to-one links between two encoded files."""

    links: pd.DataFrame   # id_l, id_r, similarity
    threshold: float
    n_candidates: int


def link_filters(filters_a: np.ndarray, filters_b: np.ndarray, ids_a: Sequence, ids_b: Sequence, *,
                 threshold: float = 0.8) -> EncodedLinks:
    """Link two sets of Bloom filters: anonlink's candidate pairs above ``threshold``, greedy 1-1 solve.

    Examples
    --------
    >>> fa = bloom_encode(pd.DataFrame({"n": ["anna", "bob"]}), {"n": 20}, b"k", size=256)
    >>> fb = bloom_encode(pd.DataFrame({"n": ["bobb", "ana"]}), {"n": 20}, b"k", size=256)
    >>> res = link_filters(fa, fb, ["a1", "a2"], ["b1", "b2"], threshold=0.6)
    >>> res.links[["id_l", "id_r"]].values.tolist()
    [['a1', 'b2'], ['a2', 'b1']]
    """
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anonlink imports the deprecated pkg_resources
        import anonlink

    if filters_a.shape[1] % 8:
        raise ValueError("filter size must be a multiple of 8 bits. Fix: use e.g. size=1024")
    cands = anonlink.candidate_generation.find_candidate_pairs(
        [_bitarrays(filters_a), _bitarrays(filters_b)],
        anonlink.similarities.dice_coefficient, threshold)
    sims, _, (rec_a, rec_b) = cands
    groups = anonlink.solving.greedy_solve(cands)
    ia, ib = np.asarray(ids_a, dtype=object), np.asarray(ids_b, dtype=object)
    sim_of = {(int(x), int(y)): float(s) for s, x, y in zip(sims, rec_a, rec_b, strict=False)}
    rows = []
    for g in groups:
        (d1, r1), (d2, r2) = sorted(g)
        rows.append({"id_l": ia[r1], "id_r": ib[r2], "similarity": sim_of[(r1, r2)]})
    links = pd.DataFrame(rows, columns=["id_l", "id_r", "similarity"])
    links = links.sort_values(["id_l", "id_r"], kind="stable").reset_index(drop=True)
    return EncodedLinks(links, threshold, len(sims))


def frequency_attack(filters: np.ndarray, true_values: Sequence, public_values: Sequence, *,
                     top: int = 20) -> pd.Series:
    """Rank-align the most frequent encodings with the most frequent values of a public list.

    The attacker sees only the filters (``filters``) and a public frequency list
    (``public_values``); ``true_values`` (what the filters encode) is used only to score the
    attack. Returns the share of the ``top`` most frequent encodings guessed right and the share
    of all records whose value is then revealed.

    Examples
    --------
    >>> vals = ["ann"] * 5 + ["bob"] * 3 + ["cy"]
    >>> f = bloom_encode(pd.DataFrame({"n": vals}), {"n": 10}, b"k", size=64)
    >>> frequency_attack(f, vals, ["ann"] * 9 + ["bob"] * 4, top=2).tolist()
    [1.0, 0.8889]
    """
    nonempty = filters.any(axis=1)
    keys = [row.tobytes() for row in np.packbits(filters[nonempty], axis=1)]
    enc = pd.Series(keys).value_counts(sort=True)
    enc = enc.iloc[np.lexsort((enc.index.to_numpy(), -enc.to_numpy()))]
    pub = pd.Series(list(public_values)).dropna().value_counts()
    pub = pub.iloc[np.lexsort((pub.index.astype(str).to_numpy(), -pub.to_numpy()))]
    truth = pd.Series(list(true_values)).astype(object)[nonempty].reset_index(drop=True)
    key_series = pd.Series(keys)
    right, revealed = 0, 0
    n = min(top, len(enc), len(pub))
    for rank in range(n):
        members = key_series == enc.index[rank]
        actual = truth[members].mode().iloc[0]
        if actual == pub.index[rank]:
            right += 1
            revealed += int(members.sum())
    return pd.Series({"top_correct": round(right / n, 4) if n else np.nan,
                      "records_revealed": round(revealed / len(filters), 4)})
