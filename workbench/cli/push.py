"""``workbench push DIR --registry HOST[:PORT]/REPO [--tag T] [--plain-http]``: a bundle to a registry.

Pushes each module to ``REPO/NAME:VERSION`` and the graph definition to ``REPO/GRAPH:TAG`` with
the media types AIO expects, and prints each manifest digest. Credentials come from
``WORKBENCH_REGISTRY_USERNAME``/``WORKBENCH_REGISTRY_PASSWORD`` or the Docker config; they are
never printed.
"""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("push", help="push an export bundle's graph and modules to an OCI registry")
    p.add_argument("bundle", metavar="DIR", help="a folder written by `workbench export` (or `workbench pull`)")
    p.add_argument("--registry", required=True, metavar="HOST[:PORT]/REPO",
                   help="where to push, e.g. myregistry.azurecr.io/workbench")
    p.add_argument("--tag", help="the graph artifact's tag (default: the bundle's, from the graph's version)")
    p.add_argument("--plain-http", action="store_true", help="talk HTTP, not HTTPS (local test registries)")
    p.add_argument("--json", action="store_true", help="print what was pushed as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..deploy import push

    result = push(args.bundle, args.registry, tag=args.tag, plain_http=args.plain_http)
    print(result.to_json() if args.json else result.summary())
    return 0
