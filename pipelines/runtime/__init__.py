"""What runs deployed pipelines: the supervisor, component runners, Kafka clients, heartbeats."""
