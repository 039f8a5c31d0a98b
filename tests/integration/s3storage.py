"""A broker whose data outlives it: the embedded broker on S3 storage served by moto.

Test-only (moto is a dev dependency): `make run` and the other tests keep the memory-only
broker. Stopping an `S3Broker` (SIGKILL or SIGTERM) and starting it again brings back the
same broker, on the same port, with its topics, records and committed offsets.
"""

from __future__ import annotations

import sys
import urllib.request
import uuid

import boto3

from pipelines.dev.embedded import EmbeddedBroker, EmbeddedService

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class MotoServer(EmbeddedService):
    """moto's stand-alone S3 (and every other AWS API) on a loopback port."""

    name = "moto"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def probe(self) -> None:
        urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1).close()

    def create_bucket(self) -> str:
        """A new empty bucket; returns its name."""
        name = f"flowcast-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        s3.create_bucket(Bucket=name)
        return name


def s3_broker(moto: MotoServer) -> EmbeddedBroker:
    """An embedded broker (not started yet) keeping its data in a new bucket of `moto`."""
    env = {
        "AWS_ENDPOINT": moto.url,
        "AWS_ALLOW_HTTP": "true",
        "AWS_DEFAULT_REGION": REGION,
        **CREDENTIALS,
    }
    return EmbeddedBroker(storage=f"s3://{moto.create_bucket()}/", env=env)
