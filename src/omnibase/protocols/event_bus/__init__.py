"""event_bus."""
