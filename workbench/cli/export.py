"""``workbench export GRAPH.yaml --module REF=PATH ... --out DIR``: a bundle to deploy to AIO.

Checks the graph and its modules against what the AIO runtime provides, then writes the graph
definition, one ``.wasm`` per module, the Kubernetes ``DataflowGraph`` manifest and NEXT.md (the
commands to run next) to DIR. See ``workbench.deploy.export``.
"""

from __future__ import annotations

import argparse
import json

from ..deploy import manifest


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("export", help="write a bundle (graph, modules, DataflowGraph manifest) to deploy to AIO")
    p.add_argument("graph", help="the graph definition (.yaml)")
    p.add_argument("--module", action="append", default=[], metavar="REF=PATH",
                   help="a module the graph references: a .py source (built with the cache) or a .wasm")
    p.add_argument("--out", required=True, metavar="DIR", help="the bundle folder (new, empty, or an older bundle)")
    p.add_argument("--config", action="append", default=[], metavar="OPERATION.KEY=VALUE",
                   help="a configuration parameter value, written into the graph definition as its default")
    p.add_argument("--graph-artifact", metavar="NAME:TAG",
                   help="the graph's registry name and tag (default: the graph's name and version)")
    p.add_argument("--registry-endpoint", default=manifest.DEFAULT_REGISTRY_ENDPOINT,
                   help="the AIO registry endpoint AIO pulls the graph from (default: %(default)s)")
    p.add_argument("--source-endpoint", default=manifest.DEFAULT_ENDPOINT,
                   help="the data flow endpoint messages come from (default: %(default)s, AIO's MQTT broker)")
    p.add_argument("--source-topic", action="append", default=[], metavar="TOPIC",
                   help="a topic to read (repeatable; default: workbench/NAME/input)")
    p.add_argument("--destination-endpoint", default=manifest.DEFAULT_ENDPOINT,
                   help="the data flow endpoint results go to (default: %(default)s)")
    p.add_argument("--destination-topic", default="", metavar="TOPIC",
                   help="the topic to write (default: workbench/NAME/output)")
    p.add_argument("--namespace", default=manifest.DEFAULT_NAMESPACE, help="Kubernetes namespace (default: %(default)s)")
    p.add_argument("--profile", default=manifest.DEFAULT_PROFILE, help="data flow profile (default: %(default)s)")
    p.add_argument("--name", help="the DataflowGraph resource name (default: the graph artifact's name)")
    p.add_argument("--json", action="store_true", help="print the bundle's index as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..deploy import export
    from .run import modules_from

    bundle = export(args.graph, modules_from(args.module), args.out, config=args.config,
                    graph_artifact=args.graph_artifact, registry_endpoint=args.registry_endpoint,
                    source_endpoint=args.source_endpoint, source_topics=args.source_topic,
                    destination_endpoint=args.destination_endpoint, destination_topic=args.destination_topic,
                    namespace=args.namespace, profile=args.profile, resource_name=args.name)
    if args.json:
        print(json.dumps(bundle.to_dict(), indent=2))
    else:
        print(bundle.summary())
        print(f"next: see {bundle.directory / (bundle.instructions_file or '')} "
              f"(workbench push {bundle.directory} --registry HOST/REPO)")
    return 0
