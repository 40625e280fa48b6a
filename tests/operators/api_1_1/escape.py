"""A map that tries to get out of the sandbox, as the payload's ``action`` says.

Complements ``probe.py`` (reading and writing absolute paths, listing directories, the environment,
a TCP connection, subprocess, os.system) with the attempts it does not make. Each attempt is
caught here, in the guest, and reported back in the output payload as {"ok": bool, "value" or
"error"}; ``exit`` and ``sleep`` are not caught: they show what the host does with them.
"""

import json
import os
import signal
import socket
import sys
import threading
import time

from map_impl import exports
from map_impl.imports import types


def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except BaseException as exc:  # noqa: B036 - report every kind of failure to the host
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def write_relative(request):
    with open(request["name"], "w") as handle:
        handle.write("escaped")
    return os.path.abspath(request["name"])


def remove(request):
    os.remove(request["path"])
    return request["path"]


def make_directory(request):
    os.mkdir(request["path"])
    return request["path"]


def rename(request):
    os.rename(request["path"], request["path"] + ".moved")
    return request["path"]


def symlink(request):
    os.symlink("/etc/passwd", request["path"])
    return request["path"]


def change_directory(request):
    os.chdir(request.get("path", "/"))
    return os.getcwd()


def send_udp(request):
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.sendto(b"hello from the guest", ("127.0.0.1", request["port"]))
    return "sent"


def listen(request):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", request.get("port", 0)))
    server.listen(1)
    return server.getsockname()


def resolve(request):
    return socket.getaddrinfo(request.get("host", "localhost"), 80)


def kill(request):
    os.kill(request["pid"], signal.SIGTERM)
    return "killed"


def fork(request):
    return os.fork()


def execute(request):
    os.execv("/bin/sh", ["/bin/sh", "-c", "echo escaped"])


def start_thread(request):
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    return "started"


def set_clock(request):
    time.clock_settime(time.CLOCK_REALTIME, 0.0)
    return time.time()


def load_native(request):
    import ctypes

    return str(ctypes.CDLL(None))


def clock(request):
    return {"time": time.time(), "monotonic": time.monotonic(), "process": time.process_time()}


def set_environment(request):
    os.environ[request["name"]] = "from the guest"
    os.putenv(request["name"], "from the guest")
    return dict(os.environ)


def shut_down(request):
    if request.get("how") == "_exit":
        os._exit(request.get("code", 3))
    sys.exit(request.get("code", 3))


ATTEMPTS = {
    "write_relative": write_relative, "remove": remove, "mkdir": make_directory, "rename": rename,
    "symlink": symlink, "chdir": change_directory, "cwd": lambda r: os.getcwd(), "send_udp": send_udp,
    "listen": listen, "resolve": resolve, "kill": kill, "fork": fork, "exec": execute, "thread": start_thread,
    "set_clock": set_clock, "ctypes": load_native, "clock": clock, "setenv": set_environment,
    "pid": lambda r: os.getpid(), "environ": lambda r: dict(os.environ),
}


class Map(exports.Map):
    def init(self, configuration) -> bool:
        return True

    def process(self, message):
        request = json.loads(message.value.payload.value.read())
        action = request["action"]
        if action == "exit":
            result = shut_down(request)
        elif action == "sleep":
            time.sleep(request["seconds"])
            result = "slept"
        else:
            result = attempt(lambda: ATTEMPTS[action](request))
        message.value.payload = types.BufferOrBytes_Bytes(json.dumps({"action": action, "result": result}).encode())
        return message
