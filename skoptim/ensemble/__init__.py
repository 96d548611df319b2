"""skoptim.ensemble."""

__all__: list[str] = []
