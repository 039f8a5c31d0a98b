"""Record Intelligent Scaling decisions (the supervisor is the only writer)."""

from __future__ import annotations

from django.utils import timezone

from pipelines.models import Component, ScalingDecision
from pipelines.rules.scaling import Decision
from pipelines.runtime.deployed_versions import DeployedComponent


def record_scaling_decision(deployed: DeployedComponent, decision: Decision) -> ScalingDecision:
    """Store one decision, stamped now, for the monitoring timeline."""
    return ScalingDecision.objects.create(
        pipeline_id=deployed.pipeline_id,
        component=Component.objects.filter(pk=deployed.component_id).first(),
        component_guid=deployed.guid,
        component_name=deployed.name,
        version=deployed.version,
        decided_at=timezone.now(),
        action=decision.action,
        lag=decision.lag,
        lag_threshold=decision.threshold,
        ratio=round(decision.ratio, 4),
        old_count=decision.old,
        new_count=decision.new,
        reason=decision.reason[:300],
    )
