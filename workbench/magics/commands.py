"""``%%operator``, ``%%graph`` and ``%workbench``: parse the line, call the session, show the result.

Operator names: without ``--name`` an operator cell is named after the operator kinds it
defines, joined by "-" in the order of the cell (``map``, ``map-filter``), so re-running an
edited cell replaces its module. Line numbers in errors count the cell body: line 1 is the
first line after the ``%%operator`` or ``%%graph`` line.
"""

from __future__ import annotations

import linecache
from collections.abc import Iterable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import display
from IPython.utils.process import arg_split

from ..session import session
from .display import BuildProgress, Notice
from .errors import Magic, reported

COMMANDS = ("run", "operators", "graphs", "runs", "datasets", "report", "export", "push")


def cell_usage(magic: Magic) -> Magic:
    """Make ``magic_arguments``' usage line say ``%%name`` (it writes ``%name`` for every magic)."""
    name = magic.__name__
    magic.parser.prog = f"%%{name}"  # type: ignore[attr-defined]
    magic.__doc__ = (magic.__doc__ or "").replace(f"%{name}", f"%%{name}", 1)
    return magic


@magics_class
class WorkbenchMagics(Magics):
    """The workbench's magics; ``full_tracebacks`` is what ``%workbench --traceback`` switches."""

    full_tracebacks = False

    @property
    def ipython(self) -> Any:
        """The shell the magics are registered with (``Magics.shell`` is typed as optional)."""
        return self.shell

    @cell_magic
    @reported(hint="line numbers count the cell from the line after %%operator")
    @cell_usage
    @magic_arguments()
    @argument("--kind", help="the operator run by default: map, filter, branch, accumulate or delay "
                             "(default: the first the cell defines; all are exported)")
    @argument("--name", help="module name (default: the kinds the cell defines, e.g. map or map-filter)")
    @argument("--version", help="module version (default: 1.0.0)")
    @argument("--api", help="AIO operator API version: 1.0.0 or 1.1.0 (default: 1.1.0)")
    @argument("--config", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
              help="configuration init() receives when a graph does not set the key")
    @argument("--native", action="store_true",
              help="do not compile: check the code and run it in this Python process (fast, pdb works)")
    def operator(self, line: str, cell: str) -> None:
        """Compile the cell's Python operator code and register it as NAME:VERSION.

        Shows a build card (kinds, size, build time, cache hit, imports check); an unchanged
        cell is a cache hit. Errors name the cell's own lines, counted from the line after
        ``%%operator``.
        """
        args = parse_line(self.operator, line)
        name = args.name or default_name(cell)
        options = {"kind": args.kind, "name": name, "version": args.version, "api": args.api,
                   "config": assignments(args.config), "native": args.native, "filename": self._remember(cell)}
        if args.native:
            display(session().compile(cell, **options))
            return
        with BuildProgress(f"building {name} (componentize-py)") as progress:
            progress.show(session().compile(cell, **options))

    @cell_magic
    @reported(hint="line numbers count the YAML from the line after %%graph")
    @cell_usage
    @magic_arguments()
    @argument("name", nargs="?", help="register the graph under this name (default: its metadata name)")
    def graph(self, line: str, cell: str) -> Any:
        """Validate and register the AIO graph definition (YAML) in the cell; shows its DAG.

        Line numbers in errors count the YAML, from the line after ``%%graph``.
        """
        args = parse_line(self.graph, line)
        text = cell if cell.endswith("\n") else cell + "\n"  # a newline marks YAML text, not a path
        return session().add_graph(text, name=args.name, filename=self._remember(cell))

    @line_magic
    @reported()
    @magic_arguments()
    @argument("command", nargs="?", choices=COMMANDS, help="what to do (see above)")
    @argument("target", nargs="?", help="the GRAPH to run or export (registered name or YAML file), "
                                        "the report PATH or the bundle DIR to push")
    @argument("--dataset", help="built-in dataset of the inputs (default: temperature; see %%workbench datasets)")
    @argument("--n", type=int, default=100, help="number of input messages (default: 100)")
    @argument("--seed", type=int, default=0, help="dataset seed (default: 0)")
    @argument("--mode", choices=("wasm", "native"), help="run compiled components or native Python "
                                                          "(default: wasm unless an operator is native only)")
    @argument("--config", nargs="+", action="extend", default=[], metavar="OP.KEY=VALUE",
              help="configuration of one operation for this run")
    @argument("-o", dest="variable", metavar="VAR", help="also keep the result in the variable VAR")
    @argument("--out", metavar="DIR", help="export: the folder to write the bundle to")
    @argument("--registry", metavar="HOST[:PORT]/REPO", help="push: the OCI registry and repository")
    @argument("--tag", help="push: tag of the graph artifact (default: the graph's version)")
    @argument("--plain-http", action="store_true", help="push: the registry speaks HTTP, not HTTPS")
    @argument("--traceback", nargs="?", const="toggle", choices=("on", "off", "toggle"),
              help="show full Python tracebacks for workbench errors (no value: toggle)")
    def workbench(self, line: str) -> Any:
        """Run graphs and look at what the session holds.

        %workbench run GRAPH [--dataset NAME] [--n N] [--seed S] [--mode wasm|native]
                             [--config OP.KEY=VALUE ...] [-o VAR]   run a graph; shows the Run
        %workbench operators | graphs | runs | datasets            listings (pandas frames)
        %workbench report PATH      write the last run's HTML report
        %workbench export GRAPH --out DIR [--config OP.KEY=VALUE ...] [-o VAR]
                                    graph definition, .wasm modules, DataflowGraph resource
        %workbench push DIR --registry HOST[:PORT]/REPO [--tag T] [--plain-http] [-o VAR]
                                    push an exported bundle to an OCI registry
        %workbench --traceback [on|off]   short errors with a hint (default) or full tracebacks
        """
        args = parse_line(self.workbench, line)
        if args.traceback is not None:
            return self._switch_tracebacks(args.traceback)
        if args.command is None:
            raise UsageError(f"%workbench needs a command: one of {', '.join(COMMANDS)} (see %workbench?)")
        return getattr(self, f"_{args.command}")(args)

    # -- %workbench commands ---------------------------------------------------------------
    def _run(self, args: Any) -> Any:
        if args.target is None:
            raise UsageError("%workbench run needs a GRAPH: a name from %workbench graphs or a YAML file")
        self._check_variable(args)
        run = session().run(args.target, dataset=args.dataset, n=args.n, seed=args.seed, mode=args.mode,
                            config=args.config)
        return self._keep(args, run)

    def _export(self, args: Any) -> Any:
        if args.target is None or args.out is None:
            raise UsageError("%workbench export needs a GRAPH and --out DIR: "
                             "%workbench export GRAPH --out DIR [--config OP.KEY=VALUE ...]")
        self._check_variable(args)
        return self._keep(args, session().export(args.target, args.out, config=args.config))

    def _push(self, args: Any) -> Any:
        from ..deploy import push

        if args.target is None or args.registry is None:
            raise UsageError("%workbench push needs the DIR of an exported bundle and --registry HOST[:PORT]/REPO")
        self._check_variable(args)
        return self._keep(args, push(args.target, args.registry, tag=args.tag, plain_http=args.plain_http))

    @staticmethod
    def _check_variable(args: Any) -> None:
        if args.variable is not None and not args.variable.isidentifier():
            raise UsageError(f"-o needs a Python variable name, not {args.variable!r}")

    def _keep(self, args: Any, result: Any) -> Any:
        if args.variable is not None:
            self.ipython.user_ns[args.variable] = result
        return result

    def _operators(self, args: Any) -> Any:
        return session().operators_frame()

    def _graphs(self, args: Any) -> Any:
        return session().graphs_frame()

    def _runs(self, args: Any) -> Any:
        return session().runs_frame()

    def _datasets(self, args: Any) -> Any:
        from ..datasets import list_datasets

        return list_datasets()

    def _report(self, args: Any) -> Notice:
        if args.target is None:
            raise UsageError("%workbench report needs a PATH for the HTML file")
        run = session().last_run
        path = run.report(args.target)
        return Notice(f"report of the run of {run.graph} written to {path}", link=str(path))

    def _switch_tracebacks(self, value: str) -> Notice:
        self.full_tracebacks = not self.full_tracebacks if value == "toggle" else value == "on"
        if self.full_tracebacks:
            return Notice("full tracebacks on: workbench errors show the whole Python traceback")
        return Notice("full tracebacks off: workbench errors show a short message with a hint")

    def _remember(self, cell: str) -> str:
        """The cell's name in messages; its text goes to ``linecache`` for tracebacks and pdb."""
        # The running cell's own number (``execution_count`` may already count the next one).
        running = getattr(self.ipython.displayhook, "exec_result", None)
        number = getattr(running, "execution_count", None) or self.ipython.execution_count
        name = f"<cell {number}>"
        linecache.cache[name] = (len(cell), None, cell.splitlines(keepends=True), name)
        return name


def parse_line(magic: Any, line: str) -> Any:
    """The magic's arguments; quotes group words (``%%graph "my graph"``) and are removed.

    IPython's own ``parse_argstring`` keeps the quotes; a POSIX split would eat the
    backslashes of Windows paths, so only the quotes around a whole word go.
    """
    words = [word[1:-1] if len(word) > 1 and word[0] == word[-1] and word[0] in "\"'" else word
             for word in arg_split(line)]
    return magic.parser.parse_args(words)


def default_name(cell: str) -> str:
    """The operator kinds ``cell`` defines, joined by "-"; "operator" when that cannot be told.

    A cell the checks reject keeps the fallback name: compiling it reports the problem.
    """
    from ..compiler.checks import check_source
    from ..errors import CompileError

    try:
        return "-".join(check_source(cell).kinds) or "operator"
    except CompileError:
        return "operator"


def assignments(items: Iterable[str]) -> dict[str, str]:
    """``["KEY=VALUE", ...]`` → ``{KEY: VALUE}``; a bad item is a usage error."""
    result = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--config takes KEY=VALUE, not {item!r}")
        result[key.strip()] = value
    return result
