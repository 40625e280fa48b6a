"""``workbench pull HOST[:PORT]/REPO/NAME:TAG --out DIR [--plain-http]``: a graph and its modules.

Pulling a graph definition also pulls every module it names from the same repository and
writes a bundle (``bundle.json``) that ``workbench run`` and ``workbench push`` accept; pulling a
module writes its ``.wasm``. Layers are checked against their digests.
"""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("pull", help="pull a graph (with its modules) or a module from an OCI registry")
    p.add_argument("reference", metavar="REF", help="HOST[:PORT]/REPO/NAME:TAG, e.g. myregistry.azurecr.io/wb/graph:1.0.0")
    p.add_argument("--out", required=True, metavar="DIR", help="the folder to write (new, empty, or an older bundle)")
    p.add_argument("--plain-http", action="store_true", help="talk HTTP, not HTTPS (local test registries)")
    p.add_argument("--json", action="store_true", help="print what was pulled as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..deploy import pull

    result = pull(args.reference, args.out, plain_http=args.plain_http)
    print(result.to_json() if args.json else result.summary())
    return 0
