"""Read a dataset for the first time in a separate process with a memory limit.

An upload or a folder on the server is untrusted: a file that would exhaust memory, or crash a
library, must stop a disposable process and not the app that twenty people use. `check_files`
runs `python -m gnt_core.io.isolated` with RLIMIT_AS set (GNT_READER_MEMORY bytes, default
limits.READER_MEMORY_BYTES) and a time limit; the child loads the files with the ordinary
readers and prints one JSON line: the dataset's summary, or the GntInputError's message. A
child that dies for any reason becomes a GntInputError that says so.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from . import limits
from .dataset import GntInputError

ENV_MEMORY = "GNT_READER_MEMORY"
MARKER = "gnt-reader"  # in the child's command line, so that an administrator can find it


def reader_memory() -> int:
    return int(os.environ.get(ENV_MEMORY) or limits.READER_MEMORY_BYTES)


def check_files(request: dict, what: str) -> dict:
    """Load `request` (expression, network, tfs paths or a folder; options) in a limited child
    process; returns the dataset's summary, or raises GntInputError."""
    command = [sys.executable, "-m", "gnt_core.io.isolated", MARKER, json.dumps(request)]
    try:
        done = subprocess.run(command, capture_output=True, text=True,
                              timeout=limits.READER_TIMEOUT_S, stdin=subprocess.DEVNULL,
                              env=os.environ | {ENV_MEMORY: str(reader_memory())})
    except subprocess.TimeoutExpired:
        raise GntInputError(f"{what}: reading took more than {limits.READER_TIMEOUT_S} s and "
                            "was stopped. Check the files, or load a smaller subset.") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        answer = json.loads(lines[-1])
        if "error" in answer:
            raise GntInputError(answer["error"])
        return answer
    raise GntInputError(f"{what}: the reader stopped before it finished ({_why(done)}). The "
                        "files may be larger than this server allows "
                        f"({reader_memory() / 2**30:.1f} GiB of memory for reading) or damaged; "
                        "nothing was changed. Try a smaller file, or ask the administrator.")


def _why(done: subprocess.CompletedProcess) -> str:
    if done.returncode < 0:
        return f"it was killed by signal {signal.Signals(-done.returncode).name}"
    if "MemoryError" in done.stderr:
        return "it ran out of memory"
    return f"exit status {done.returncode}"


def _limit_memory() -> None:
    import resource

    wanted = int(os.environ.get(ENV_MEMORY) or limits.READER_MEMORY_BYTES)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, wanted))


def _load(request: dict) -> dict:
    from .assemble import load_dataset
    from .beeline import load_beeline_folder
    from .singlecell import SingleCellOptions, inspect

    if request.get("inspect"):
        return inspect(request["inspect"])
    options = {"orientation": request.get("orientation", "auto"),
               "ignore_case": request.get("ignore_case", False)}
    if request.get("folder"):
        dataset = load_beeline_folder(Path(request["folder"]), **options)
    else:
        dataset = load_dataset(request["expression"], request["network"],
                               tfs=request.get("tfs"), name=request.get("name"),
                               single_cell=SingleCellOptions.from_dict(
                                   request.get("single_cell")), **options)
    return dataset.summary()


if __name__ == "__main__":
    _limit_memory()
    try:
        print(json.dumps(_load(json.loads(sys.argv[2]))))
    except GntInputError as err:
        print(json.dumps({"error": str(err)}))
