"""String similarities as the record-linkage literature (and jellyfish) define them.

Both functions are plain Python on purpose: they are the reference that the chapter's
independent check relies on, and they are short enough to read.

Examples
--------
>>> round(jaro_winkler("martha", "marhta"), 4)
0.9611
>>> round(levenshtein_similarity("kitten", "sitting"), 4)
0.5714
"""

from __future__ import annotations


def jaro(s1: str, s2: str) -> float:
    """Jaro similarity (Jaro 1989).

    Characters match when equal and no further apart than ``max(len) // 2 - 1``; with ``m``
    matches and ``t`` half the number of matched characters out of order,
    ``jaro = (m/|s1| + m/|s2| + (m - t)/m) / 3`` (0 when ``m = 0`` or a string is empty).

    Examples
    --------
    >>> round(jaro("dwayne", "duane"), 4)
    0.8222
    """
    n1, n2 = len(s1), len(s2)
    if n1 == 0 or n2 == 0:
        return 0.0
    window = max(max(n1, n2) // 2 - 1, 0)
    used2 = [False] * n2
    matched1 = [False] * n1
    m = 0
    for i, ch in enumerate(s1):
        for j in range(max(0, i - window), min(i + window, n2 - 1) + 1):
            if not used2[j] and s2[j] == ch:
                used2[j] = matched1[i] = True
                m += 1
                break
    if m == 0:
        return 0.0
    seq1 = [c for c, f in zip(s1, matched1, strict=False) if f]
    seq2 = [c for c, f in zip(s2, used2, strict=False) if f]
    t = sum(a != b for a, b in zip(seq1, seq2, strict=False)) // 2
    return (m / n1 + m / n2 + (m - t) / m) / 3.0


def jaro_winkler(s1: str, s2: str, *, prefix_weight: float = 0.1, boost_threshold: float = 0.7) -> float:
    """Jaro-Winkler similarity (Winkler 1990), as in jellyfish and recordlinkage.

    When the Jaro similarity exceeds ``boost_threshold``, it is raised by
    ``l * prefix_weight * (1 - jaro)``, where ``l`` is the length of the common prefix (at most 4).

    Examples
    --------
    >>> round(jaro_winkler("dixon", "dicksonx"), 4)
    0.8133
    >>> jaro_winkler("", "abc")
    0.0
    """
    sim = jaro(s1, s2)
    if sim > boost_threshold:
        ell = 0
        for a, b in zip(s1[:4], s2[:4], strict=False):
            if a != b:
                break
            ell += 1
        sim += ell * prefix_weight * (1.0 - sim)
    return sim


def levenshtein(s1: str, s2: str) -> int:
    """Levenshtein edit distance (insertions, deletions, substitutions, each of cost 1).

    Examples
    --------
    >>> levenshtein("kitten", "sitting")
    3
    """
    if len(s1) < len(s2):
        s1, s2 = s2, s1
    prev = list(range(len(s2) + 1))
    for i, a in enumerate(s1, start=1):
        cur = [i]
        for j, b in enumerate(s2, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1]


def levenshtein_similarity(s1: str, s2: str) -> float:
    """Normalised Levenshtein similarity ``1 - d / max(len(s1), len(s2))`` (recordlinkage's).

    Two empty strings have similarity 1.

    Examples
    --------
    >>> levenshtein_similarity("abc", "abc")
    1.0
    """
    n = max(len(s1), len(s2))
    return 1.0 if n == 0 else 1.0 - levenshtein(s1, s2) / n
