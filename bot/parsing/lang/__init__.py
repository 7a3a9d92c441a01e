"""Per-language word tables for the one grammar."""
