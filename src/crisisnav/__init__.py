"""crisisnav: offline lookup of alternatives to calling the police in a mental-health crisis."""

__version__ = "0.1.0"
