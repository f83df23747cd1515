__version__ = "0.1.0"

import os as _os

# Batched full-resolution activations are tensors of tens to hundreds of MB, which glibc serves from fresh mmap'd pages;
# the kernel's page-by-page zero-fill then took 60% of the CPU time of a batch-256 encode (sys 0.43 s, user 0.29 s;
# 1.48 s wall on a busy machine). With transparent huge pages the encode takes 0.68 s: compare
# `THP_MEM_ALLOC_ENABLE=0 neural-enduro bench train --json` with `neural-enduro bench train --json`.
# PyTorch reads this once, at its first large allocation, so it is set on import.
_os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")
