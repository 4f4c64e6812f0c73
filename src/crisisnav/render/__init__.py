"""Renderers: one module per output format. None of them puts dataset text into Rich markup."""
