"""skoptim.neural_network."""

__all__: list[str] = []
