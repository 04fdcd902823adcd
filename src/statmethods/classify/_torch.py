"""One context manager for reproducible torch work: seed, threads, deterministic algorithms.

Every torch model of the package (:mod:`statmethods.classify`, :mod:`statmethods.autocode`,
:mod:`statmethods.applications`) trains and predicts inside :func:`torch_determinism`. On entry
it sets the number of CPU threads (a fixed count keeps CPU sums in a fixed order), turns on
``torch.use_deterministic_algorithms`` (warn-only on CUDA, where a few kernels have no
deterministic version), makes cuDNN deterministic and, given a ``seed``, forks the random
number generators and seeds them. On exit it puts every one of these global settings back as it
found them, so that a model never changes the state of the caller's session.

Examples
--------
>>> import torch
>>> before = torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()
>>> state = torch.random.get_rng_state()
>>> with torch_determinism(seed=3, n_threads=1):
...     a = torch.rand(2)
>>> with torch_determinism(seed=3, n_threads=1):
...     b = torch.rand(2)
>>> bool(torch.equal(a, b))
True
>>> (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled()) == before
True
>>> bool(torch.equal(state, torch.random.get_rng_state()))
True
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from ..validation import positive_int, torch_device

__all__ = ["torch_determinism"]

_CUBLAS = "CUBLAS_WORKSPACE_CONFIG"


@contextlib.contextmanager
def torch_determinism(seed: int | None = None, n_threads: int | None = 1,
                      device: str = "cpu") -> Iterator[None]:
    """Seeded, single-order torch computation; every global setting is restored on exit.

    Parameters
    ----------
    seed : int or None
        Fork torch's random number generators (the CPU one and, on CUDA, the device's) and seed
        them with ``torch.manual_seed(seed)``; their states are restored on exit. ``None`` leaves
        the generators alone (for code that draws only from its own ``torch.Generator``).
    n_threads : int or None
        CPU threads torch may use inside the block (``1``: reproducible bit for bit on any
        machine); ``None`` keeps the current count.
    device : str
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; on CUDA the cuBLAS workspace is fixed (if not set
        already) and deterministic algorithms only warn where a kernel has no deterministic version.

    Examples
    --------
    >>> import torch
    >>> with torch_determinism(seed=0):
    ...     torch.are_deterministic_algorithms_enabled()
    True
    """
    import torch

    device = torch_device(device)
    cuda = device.startswith("cuda")
    if n_threads is not None:
        n_threads = positive_int(n_threads, "n_threads")
    old_threads = torch.get_num_threads()
    old_det = (torch.are_deterministic_algorithms_enabled(),
               torch.is_deterministic_algorithms_warn_only_enabled())
    old_cudnn = torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark
    old_cublas = os.environ.get(_CUBLAS)
    if cuda and old_cublas is None:
        os.environ[_CUBLAS] = ":4096:8"
    devices = [torch.device(device).index or 0] if cuda else []
    with contextlib.ExitStack() as stack:
        if seed is not None:
            stack.enter_context(torch.random.fork_rng(devices=devices))
            if cuda:
                torch.manual_seed(int(seed))  # the CPU generator and every GPU's
            else:
                torch.default_generator.manual_seed(int(seed))  # as torch.manual_seed does on the CPU
        try:
            if n_threads is not None:
                torch.set_num_threads(n_threads)
            torch.use_deterministic_algorithms(True, warn_only=cuda)
            torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = True, False
            yield
        finally:
            torch.set_num_threads(old_threads)
            torch.use_deterministic_algorithms(old_det[0], warn_only=old_det[1])
            torch.backends.cudnn.deterministic, torch.backends.cudnn.benchmark = old_cudnn
            if cuda and old_cublas is None:
                os.environ.pop(_CUBLAS, None)
