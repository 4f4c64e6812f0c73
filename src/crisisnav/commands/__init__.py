"""One module per command. Each keeps its heavy imports inside its functions (start-up time)."""
