"""skoptim.inspection."""

__all__: list[str] = []
