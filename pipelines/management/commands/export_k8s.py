"""Write Kubernetes manifests (Deployments, KEDA ScaledObjects) for a deployed pipeline."""

from __future__ import annotations

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pipelines import deployment, k8s
from pipelines.models import Pipeline
from pipelines.supervisor import default_timing


class Command(BaseCommand):
    help = "Print (or write) Kubernetes manifests for a pipeline's deployed version."

    def add_arguments(self, parser):
        parser.add_argument("pipeline", help="Pipeline id or name.")
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--image",
            default=f"flowcast:{settings.FLOWCAST_VERSION}",
            help="Container image with Flowcast (default: flowcast:<version>).",
        )
        parser.add_argument(
            "--bootstrap-servers",
            default=settings.KAFKA_BOOTSTRAP_SERVERS,
            help="Kafka bootstrap servers as the cluster sees them (default: this process's).",
        )

    def handle(self, *args, pipeline: str, output, image: str, bootstrap_servers: str, **options):
        found = find_pipeline(pipeline)
        version = found.current_version
        if version is None:
            raise CommandError(f"Pipeline {found.name!r} has never been updated (no version).")
        if not bootstrap_servers:
            raise CommandError(
                "No Kafka bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers."
            )
        components = deployment.from_snapshot(version.snapshot, found.pk, version.number)
        documents = k8s.manifests(
            components,
            pipeline_name=found.name,
            image=image,
            bootstrap=bootstrap_servers,
            timing=default_timing(),
        )
        text = yaml.safe_dump_all(documents, sort_keys=False)
        if output:
            with open(output, "w") as out:
                out.write(text)
            self.stderr.write(
                f"Wrote {len(documents)} manifests for {found.name} v{version.number}"
            )
        else:
            self.stdout.write(text, ending="")


def find_pipeline(ref: str) -> Pipeline:
    matches = list(Pipeline.objects.filter(name=ref).select_related("current_version"))
    if not matches and ref.isdigit():
        matches = list(Pipeline.objects.filter(pk=int(ref)).select_related("current_version"))
    if not matches:
        raise CommandError(f"No pipeline with id or name {ref!r}.")
    if len(matches) > 1:
        raise CommandError(f"{len(matches)} pipelines are named {ref!r}; pass the id instead.")
    return matches[0]
