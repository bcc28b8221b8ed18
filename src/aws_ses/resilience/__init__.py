"""Policies the call pipeline consults: retries, the circuit breaker, the rate limiter."""
