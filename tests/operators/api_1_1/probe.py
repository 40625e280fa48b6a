"""A map whose behaviour is chosen by the payload: {"action": "...", ...}.

Used to probe the host: errors, deadlines, memory limits, the sandbox, guest output,
the state store and metrics, all with one build. Escape attempts are caught here, in
the guest, and reported back in the output payload as {"ok": bool, "error": str}.
"""

import json
import os
import socket
import subprocess
import sys

from map_impl import exports, imports
from map_impl.imports import state_store, state_store_types, types
from map_impl.types import Err

CONFIG = {}
HOARD = []  # module level: survives between calls like any operator state


def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except BaseException as exc:  # noqa: B036 - report every kind of failure to the host
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def read_file(request):
    with open(request.get("path", "/etc/passwd")) as handle:
        return handle.read()


def write_file(request):
    with open(request["path"], "w") as handle:
        handle.write("escaped")
    return request["path"]


def connect(request):
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.settimeout(2)
    conn.connect(("127.0.0.1", request["port"]))
    conn.sendall(b"hello from the guest")
    return "connected"


def run_subprocess(request):
    return subprocess.run(["/bin/echo", "escaped"], capture_output=True).returncode


def run_system(request):
    return os.system("echo escaped")


def listdir(request):
    return os.listdir(request.get("path", "/"))


def divide(request):
    return 100 / request["divisor"]  # LINE: divide


def state(request):
    key = request.get("key", "calls").encode()
    current = state_store.get(key, None).response
    count = int(current or b"0") + 1
    options = state_store_types.SetOptions(state_store_types.SetConditions.UNCONDITIONAL, None)
    state_store.set(key, str(count).encode(), None, None, options)
    return count


def spin(request):
    while True:  # LINE: spin
        pass


def hoard(request):
    while True:
        HOARD.append(bytes(request.get("chunk", 4 << 20)))  # LINE: hoard


def shout(request):
    print("to stdout", request.get("text", ""))
    print("to stderr", request.get("text", ""), file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    return "printed"


ACTIONS = {
    "read_file": lambda r: attempt(lambda: read_file(r)),
    "write_file": lambda r: attempt(lambda: write_file(r)),
    "environ": lambda r: {"environ": dict(os.environ), "home": os.getenv("HOME")},
    "connect": lambda r: attempt(lambda: connect(r)),
    "subprocess": lambda r: attempt(lambda: run_subprocess(r)),
    "system": lambda r: attempt(lambda: run_system(r)),
    "listdir": lambda r: attempt(lambda: listdir(r)),
    "divide": divide,
    "state": state,
    "spin": spin,
    "hoard": hoard,
    "hoard_size": lambda r: len(HOARD),
    "print": shout,
    "config": lambda r: CONFIG,
    "echo": lambda r: r,
}


class Map(exports.Map):
    def init(self, configuration) -> bool:
        CONFIG.clear()
        CONFIG.update(configuration.properties)
        imports.logger.log(imports.logger.Level.INFO, "probe", f"init with {sorted(CONFIG)}")
        return CONFIG.get("reject") != "yes"

    def process(self, message):
        request = json.loads(message.value.payload.value.read())
        action = request.get("action", "echo")
        if action == "err":
            raise Err(types.Error(message=f"refused: {request.get('why', 'no reason')}"))
        if action == "wrong_type":
            return "not a data model"
        if action == "big":
            message.value.payload = types.BufferOrBytes_Bytes(b"x" * request.get("size", 8 << 20))
            return message
        if action == "metric":
            imports.metrics.add_to_counter(request["name"], imports.metrics.CounterValue_U64(request["n"]), None)
            imports.logger.log(imports.logger.Level.WARN, "probe", f"counted {request['n']}")
        result = ACTIONS[action](request) if action in ACTIONS else None
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps({"action": action, "result": result}).encode())
        return message
