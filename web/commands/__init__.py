"""Sub-commands of ``otop-pos`` beyond the core ones: each module exports ``COMMANDS``."""
