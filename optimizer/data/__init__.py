"""The data layer: the canonical tables decontrol reads, their schemas, loading and validation."""
