"""skoptim.regularizers."""

__all__: list[str] = []
