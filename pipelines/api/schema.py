"""The OpenAPI schema tells every answer an operation can give (DESIGN §7).

Refusals come from DRF and pipelines.api.errors the same way for every view, so they are
added here, from what an operation is (authenticated, a write, one object, a list, throttled),
instead of being declared on each view. A view declares only what is its own: a body the
generic rules cannot guess, or a status only it answers (e.g. 503 from Update Pipeline);
a refusal it declares is merged with the generic one of the same status.
"""

from __future__ import annotations

import uritemplate
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import OpenApiParameter
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny

from pipelines.api import responses

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
STANDARD_ACTIONS = {"list", "create", "retrieve", "update", "partial_update", "destroy"}
PAGINATION_PARAMETERS = {"page", "page_size"}

FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages by field (`non_field_errors`: the request as a whole); a nested field "
        "(a config tab) has an object of its own fields' messages."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"$ref": "#/components/schemas/FieldErrors"},
        ]
    },
}

WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "schema": {"type": "string"},
        "required": True,
        "description": "How to authenticate: `Token`.",
    }
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "required": True,
        "description": "Seconds to wait before trying again.",
    }
}

# status: (description, bodies, headers); a body is a serializer or "FieldErrors"
ERRORS: dict[str, tuple[str, tuple, dict]] = {
    "400": ("Refused: the messages say what to change.", ("FieldErrors", responses.Detail), {}),
    "401": ("No credentials, or unknown ones.", (responses.Detail,), WWW_AUTHENTICATE),
    "403": ("Not allowed to do this (or a missing CSRF token).", (responses.Detail,), {}),
    "404": ("No such object visible to you (or no such page).", (responses.Detail,), {}),
    "409": ("A stale `rev`: the pipeline changed since it was read.", (responses.Conflict,), {}),
    "413": ("The body is larger than this operation accepts.", (responses.Detail,), {}),
    "415": ("The body's Content-Type is not one this operation reads.", (responses.Detail,), {}),
    "429": ("Too many requests: wait Retry-After seconds.", (responses.Detail,), RETRY_AFTER),
    "503": ("A service the operation needs (Kafka) did not answer.", (responses.Detail,), {}),
}

REV_PARAMETER = OpenApiParameter(
    "rev", int, description="The pipeline revision the deletion is based on (409 if stale)."
)


class ErrorsAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the refusals every operation can answer."""

    def get_request_serializer(self):
        # An extra action reads no body unless it says so with @extend_schema(request=…).
        if self._is_extra_action():
            return None
        return super().get_request_serializer()

    def get_operation(self, *args, **kwargs):
        # Viewsets scope get_queryset() to the caller, which fails for the anonymous schema
        # request: the model comes from the serializer instead, the same for every reader.
        view = self.view
        if isinstance(view, GenericAPIView) and view.queryset is None:
            meta = getattr(view.serializer_class, "Meta", None)
            if getattr(meta, "model", None) is not None:
                view.queryset = meta.model._default_manager.none()
        return super().get_operation(*args, **kwargs)

    def get_filter_backends(self):
        # An extra action (versions, scaling) pages its own queryset: the filters of the
        # viewset's list do not apply to it.
        return [] if self._is_extra_action() else super().get_filter_backends()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "DELETE" and "rev" in _fields(self._get_serializer()):
            parameters.append(REV_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        answers = super()._get_response_bodies(direction)
        if direction != "response":
            return answers
        # A refusal a view declares (e.g. 429 from a limit inside it) gets the generic
        # bodies and headers of its status too.
        declared = [status for status in answers if status in ERRORS]
        for status in {*self.error_statuses(), *declared}:
            generic = self.error_response(status)
            answers[status] = _merged(answers[status], generic) if status in answers else generic
        return dict(sorted(answers.items()))

    def error_statuses(self) -> list[str]:
        """The refusals this operation can answer, from what kind of operation it is."""
        query = self._query_parameters()
        statuses = []
        if self._needs_credentials():
            statuses += ["401", "403"]
        if self.method in WRITES or query - PAGINATION_PARAMETERS:
            statuses.append("400")
        if uritemplate.variables(self.path) or query & PAGINATION_PARAMETERS:
            statuses.append("404")  # an unknown or invisible object, or a page past the end
        if self.method in WRITES and ("rev" in query or "rev" in self._request_fields()):
            statuses.append("409")
        if self._get_request_body():
            statuses += ["413", "415"]  # over DATA_UPLOAD_MAX_MEMORY_SIZE; not a parser's type
        if self.view.get_throttles():
            statuses.append("429")
        return statuses

    def error_response(self, status: str) -> dict:
        description, bodies, headers = ERRORS[status]
        refs = [self._body_ref(body) for body in bodies]
        schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
        answer = {"description": description, "content": {"application/json": {"schema": schema}}}
        return {**answer, "headers": headers} if headers else answer

    def _body_ref(self, body) -> dict:
        if body != "FieldErrors":
            return self.resolve_serializer(body, "response").ref
        component = ResolvedComponent(
            name="FieldErrors", type=ResolvedComponent.SCHEMA, schema=FIELD_ERRORS, object=body
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _is_extra_action(self) -> bool:
        action = getattr(self.view, "action", None)
        return action is not None and action not in STANDARD_ACTIONS

    def _needs_credentials(self) -> bool:
        return not all(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _query_parameters(self) -> set[str]:
        return {p["name"] for p in self._get_parameters() if p["in"] == "query"}

    def _request_fields(self) -> set[str]:
        return _fields(self.get_request_serializer())


def _fields(serializer) -> set[str]:
    fields = getattr(force_instance(serializer), "fields", None)
    return set(fields) if fields is not None else set()


def _merged(declared: dict, generic: dict) -> dict:
    """A status a view declares and the generic rules also give: either body may come."""
    schemas = []
    for answer in (declared, generic):
        schema = answer.get("content", {}).get("application/json", {}).get("schema")
        for one in schema.get("anyOf", [schema]) if schema else []:
            if one not in schemas:
                schemas.append(one)
    merged = {**generic, **declared, "headers": {**generic.get("headers", {})}}
    merged["headers"].update(declared.get("headers", {}))
    if not merged["headers"]:
        del merged["headers"]
    merged["description"] = declared.get("description") or generic["description"]
    if schemas:
        schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        merged["content"] = {"application/json": {"schema": schema}}
    return merged
