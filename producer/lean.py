"""Extras a web process would load and never use, left out before daphne is imported.

Measured on an idle web process (Django, the URLconf, daphne) after one request, 2026-12-04:
115 → 108 MB resident (`producer.web` started with and without these).
- Twisted's TCP module imports pyOpenSSL (and its `cryptography` bindings) for startTLS;
  Flowcast's web processes serve plain TCP behind the proxy that terminates TLS. Twisted
  runs without it (TLS = False); a process started with an `ssl:` endpoint keeps it.
- autobahn validates client frames' UTF-8 with a cffi extension (NVX) that parses C
  declarations at import. Clients send this server almost nothing: plain Python will do.
"""

from __future__ import annotations

import os
import sys


def leave_out_unused_extras(argv: list[str]) -> None:
    os.environ.setdefault("AUTOBAHN_USE_NVX", "0")
    if not any("ssl:" in arg for arg in argv):
        # `import OpenSSL` then raises ImportError: Twisted takes its no-TLS path.
        sys.modules.setdefault("OpenSSL", None)
