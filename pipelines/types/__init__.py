"""Component types and event kinds: the registry, tab forms, field specs, configs, endpoints."""
