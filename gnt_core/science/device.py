"""Which torch device does the work: CUDA when present (or asked for), else the CPU."""

from __future__ import annotations

import torch


def resolve_device(device: str = "auto") -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but no CUDA GPU is available; use 'auto' "
                         "or 'cpu'")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be 'auto', 'cpu' or 'cuda', not {device!r}")
    return device


def device_info() -> dict[str, str]:
    """What 'auto' would use, and the GPU's name and memory when there is one."""
    if not torch.cuda.is_available():
        return {"auto": "cpu", "gpu": ""}
    props = torch.cuda.get_device_properties(0)
    return {"auto": "cuda", "gpu": f"{props.name}, {props.total_memory / 2**30:.0f} GiB"}
