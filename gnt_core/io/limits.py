"""The documented limits of the readers (README, docs/bad-inputs.md), in one place.

Beyond them a load stops with a message that names the limit. Readers look the values up at call
time (`limits.MAX_GENES`), so that a test or an administrator can lower them.
"""

MIN_CELLS = 2
MIN_GENES = 2
MAX_GENES = 60_000
MAX_CELLS = 250_000
MAX_VALUES = 600_000_000  # genes × cells: 2.4 GB as float32
MAX_EDGES = 5_000_000
MAX_NAME_LENGTH = 200
