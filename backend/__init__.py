"""MotCua backend: the Litestar app of the province's one-stop public services."""

__version__ = "0.1.0"
