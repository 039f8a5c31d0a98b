"""Domain errors of the pipelines app; each message names the bad value."""

from __future__ import annotations

from collections.abc import Mapping


class PipelineError(Exception):
    """Base of the errors the API turns into a 4xx answer."""


class UnknownComponentType(PipelineError):
    pass


class InvalidChange(PipelineError):
    """A change refused by a rule; `errors` maps field names to messages."""

    def __init__(self, errors: Mapping[str, object] | str):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        self.errors = dict(errors)
        super().__init__(str(self.errors))


class StaleRevision(PipelineError):
    """A write named a pipeline revision that is no longer current."""

    def __init__(self, given: int, current: int):
        self.given, self.current = given, current
        super().__init__(
            f"This pipeline was changed elsewhere (revision {given} is stale; "
            f"current is {current}). Reload and apply your change again."
        )


class PipelineInvalid(PipelineError):
    """Update Pipeline refused: the graph breaks rules (all of them listed)."""

    def __init__(self, errors: Mapping[str, object]):
        self.errors = errors
        super().__init__("The pipeline has errors; fix them and update again.")


class NotDeployed(PipelineError):
    pass


class KafkaUnavailable(PipelineError):
    """Kafka did not answer a change that needs it (e.g. creating topics)."""


class NotVisible(PipelineError):
    """The caller may not see this object; answered as if it did not exist (404)."""


class Forbidden(PipelineError):
    """The caller may see this object but not make this change (403)."""


class TopicChangeRefused(PipelineError):
    """The broker refused a topic change Update Pipeline needs (409: nothing was applied)."""
