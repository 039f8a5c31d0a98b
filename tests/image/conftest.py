"""The container image tests run only where an image was built for them: `make test-image`
builds it and names it in FLOWCAST_TEST_IMAGE. `make test` leaves them out."""

from __future__ import annotations

import os

IMAGE_ENV = "FLOWCAST_TEST_IMAGE"

collect_ignore_glob = [] if os.environ.get(IMAGE_ENV) else ["test_*.py"]
