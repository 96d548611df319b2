"""Small shared helpers (validation, random state)."""
