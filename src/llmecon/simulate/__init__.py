"""Driver-based cash-flow projection and Monte Carlo stress tests."""
