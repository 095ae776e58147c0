"""The provider's version; the stage images it runs by default carry the same tag."""

__version__ = "0.1.0"
