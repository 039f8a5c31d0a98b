"""Write the Kubernetes manifests of the whole system: web tier, workers, KEDA, settings."""

from __future__ import annotations

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pipelines import k8s
from pipelines.models import Pipeline
from pipelines.runtime import deployed_versions
from pipelines.runtime.supervisor import default_timing

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "testserver", "*"}


class Command(BaseCommand):
    help = (
        "Print (or write) Kubernetes manifests: ConfigMap, migrate Job, web Deployment, "
        "Service, Ingress, and the workers (with KEDA ScaledObjects) of deployed pipelines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "pipelines",
            nargs="*",
            metavar="pipeline",
            help="Pipeline ids or names (default: every active pipeline).",
        )
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--image",
            default=settings.FLOWCAST_IMAGE,
            help=f"Container image with Flowcast (default: {settings.FLOWCAST_IMAGE}).",
        )
        parser.add_argument(
            "--bootstrap-servers",
            default=settings.KAFKA_BOOTSTRAP_SERVERS,
            help="Kafka bootstrap servers as the cluster sees them (default: this process's).",
        )
        parser.add_argument(
            "--host",
            default=public_host(),
            help="Public host name of the Ingress (default: the first public ALLOWED_HOSTS).",
        )
        parser.add_argument("--web-replicas", type=int, default=2, help="Web processes (2).")
        parser.add_argument("--ingress-class", default="nginx", help="ingressClassName (nginx).")
        parser.add_argument(
            "--tls-secret", default="flowcast-tls", help="Secret with the Ingress' certificate."
        )
        parser.add_argument(
            "--secret",
            default="flowcast",
            help="Secret with SECRET_KEY, DATABASE_URL, REDIS_URL (and FLOWCAST_METRICS_TOKEN).",
        )

    def handle(self, *args, pipelines: list[str], output, **options):
        if not options["bootstrap_servers"]:
            raise CommandError(
                "No Kafka bootstrap servers: set KAFKA_BOOTSTRAP_SERVERS or --bootstrap-servers."
            )
        if not options["host"]:
            raise CommandError("No public host name: set ALLOWED_HOSTS or pass --host.")
        if options["web_replicas"] < 1:
            raise CommandError(f"--web-replicas must be at least 1, got {options['web_replicas']}")
        site = k8s.Site(
            image=options["image"],
            host=options["host"],
            bootstrap=options["bootstrap_servers"],
            web_replicas=options["web_replicas"],
            ingress_class=options["ingress_class"],
            tls_secret=options["tls_secret"],
            secret=options["secret"],
        )
        found = [find_pipeline(ref) for ref in pipelines] if pipelines else active_pipelines()
        deployed = []
        for pipeline in found:
            version = pipeline.current_version
            if version is None:
                raise CommandError(
                    f"Pipeline {pipeline.name!r} has never been updated (no version)."
                )
            components = deployed_versions.from_snapshot(
                version.snapshot, pipeline.pk, version.number
            )
            deployed.append((pipeline.name, components))
        documents = k8s.system(site, deployed, default_timing())
        text = yaml.dump_all(documents, Dumper=PlainDumper, sort_keys=False)
        if output:
            with open(output, "w") as out:
                out.write(text)
            names = ", ".join(f"{p.name} v{p.current_version.number}" for p in found) or "none"
            self.stderr.write(f"Wrote {len(documents)} manifests (pipelines: {names})")
        else:
            self.stdout.write(text, ending="")


class PlainDumper(yaml.SafeDumper):
    """No &anchors and *aliases where manifests share a dict (labels, selectors)."""

    def ignore_aliases(self, data) -> bool:
        return True


def public_host() -> str:
    hosts = [h for h in settings.ALLOWED_HOSTS if h not in LOCAL_HOSTS]
    return hosts[0].lstrip(".") if hosts else ""


def active_pipelines() -> list[Pipeline]:
    rows = Pipeline.objects.filter(status=Pipeline.Status.ACTIVE, current_version__isnull=False)
    return list(rows.select_related("current_version").order_by("pk"))


def find_pipeline(ref: str) -> Pipeline:
    matches = list(Pipeline.objects.filter(name=ref).select_related("current_version"))
    if not matches and ref.isdigit():
        matches = list(Pipeline.objects.filter(pk=int(ref)).select_related("current_version"))
    if not matches:
        raise CommandError(f"No pipeline with id or name {ref!r}.")
    if len(matches) > 1:
        raise CommandError(f"{len(matches)} pipelines are named {ref!r}; pass the id instead.")
    return matches[0]
