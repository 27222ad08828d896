"""The documented limits of the readers (README, docs/bad-inputs.md), in one place.

Beyond them a load stops with a message that names the limit. Readers look the values up at call
time (`limits.MAX_GENES`), so that a test or an administrator can lower them. The size limits
bound what a file may hold; the stream limits bound what reading it may cost (a few MB of
gzip can inflate to gigabytes: such a file is refused while it streams, within seconds).
"""

MiB = 1 << 20

MIN_CELLS = 2
MIN_GENES = 2
MAX_GENES = 60_000
MAX_CELLS = 250_000
MAX_VALUES = 600_000_000  # genes × cells: 2.4 GB as float32
MAX_STORED_VALUES = 600_000_000  # entries of a sparse matrix (.h5ad, 10x), read or not
MAX_EDGES = 5_000_000
MAX_NAME_LENGTH = 200

# streams: every file is read through a counter that stops at these
MAX_LINE_BYTES = 32 * MiB  # one line of text (a header of 250,000 cell names is ~5 MB)
MAX_DECOMPRESSED_BYTES = 8 * 1024 * MiB  # a whole file, after decompression
MAX_COMPRESSION_RATIO = 250  # decompressed / compressed bytes, once past RATIO_GRACE_BYTES
RATIO_GRACE_BYTES = 64 * MiB
# the memory of the process that first reads an upload or a server folder (GNT_READER_MEMORY)
READER_MEMORY_BYTES = 4 * 1024 * MiB
READER_TIMEOUT_S = 1800


def peak_memory_bytes() -> int:
    """This process's peak resident memory (VmHWM). Not `ru_maxrss`: after a vfork + exec, as
    Python's subprocess does, that reports the *parent's* peak when the parent's was larger."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/self/status has no VmHWM line")
