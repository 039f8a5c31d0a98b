"""The embedded default of `make run`: embedded broker and Redis, demo pipeline and traffic."""
