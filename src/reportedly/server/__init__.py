"""The team server: a FastAPI app over the event store (``reportedly serve``)."""

from reportedly.server.app import create_app

__all__ = ["create_app"]
