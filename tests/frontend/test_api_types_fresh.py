"""The front end's API types are those of the schema the server serves.

`frontend/src/api/schema.d.ts` is generated (`make api-types`). This test generates it again
from the schema, into a temporary folder, and compares the two: an API change that skips the
refresh fails here rather than as a wrong field in a browser.
"""

from __future__ import annotations

import difflib
import json
import shlex
import subprocess
from pathlib import Path

from django.core.management import call_command

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"
COMMITTED = "src/api/schema.d.ts"
REFRESH = "make api-types"


def generator(schema: Path, output: Path) -> list[str]:
    """package.json's `api-types` script, run on `schema` and writing `output` instead of the
    committed file, so the test and the refresh use the same options."""
    script = json.loads((FRONTEND / "package.json").read_text())["scripts"]["api-types"]
    program, *options = shlex.split(script)
    options[options.index(COMMITTED)] = str(output)
    executable = FRONTEND / "node_modules" / ".bin" / program
    assert executable.exists(), f"{executable} is missing: run `npm ci` in frontend/"
    return [str(executable), *options, str(schema)]


def test_api_types_are_generated_from_the_current_schema(tmp_path):
    schema = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(schema))
    fresh = tmp_path / "schema.d.ts"
    run = subprocess.run(
        generator(schema, fresh), cwd=FRONTEND, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr

    committed = (FRONTEND / COMMITTED).read_text().splitlines()
    changes = list(
        difflib.unified_diff(committed, fresh.read_text().splitlines(), n=1, lineterm="")
    )
    shown = "\n".join(changes[2:40])  # the first changes, without the ---/+++ header
    assert not changes, f"frontend/{COMMITTED} is stale: run `{REFRESH}` and commit it.\n{shown}"
