"""Create the admin user and the demo pipeline (idempotent)."""

from django.core.management.base import BaseCommand

from pipelines.dev.demo import ensure_admin, ensure_demo_pipeline


class Command(BaseCommand):
    help = "Create the admin user and the demo 'Transactions' pipeline if they are missing."

    def handle(self, *args, **options):
        user, password = ensure_admin()
        if password:
            self.stdout.write(f"Created admin user 'admin' with password: {password}  (shown once)")
        pipeline = ensure_demo_pipeline(user)
        self.stdout.write(f"Demo pipeline {pipeline.name!r} is {pipeline.status}.")
