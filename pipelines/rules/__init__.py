"""Business rules as pure functions over plain data: no Django, no I/O; table-tested."""
