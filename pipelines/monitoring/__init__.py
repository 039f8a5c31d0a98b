"""What the pages, /metrics and the probes say about running components and processes."""
