"""Device adapters: each turns the world into events, each with a fake or simulator."""
