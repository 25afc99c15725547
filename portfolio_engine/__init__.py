"""Commons Portfolio engine: the well-being portfolio, its dynamics, workshops, votes and community data."""

__version__ = "0.1.0"
