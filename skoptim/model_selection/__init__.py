"""skoptim.model_selection."""

__all__: list[str] = []
