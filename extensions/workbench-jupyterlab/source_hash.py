"""The fingerprint of the extension's source, kept next to the prebuilt output.

``python3 source_hash.py --write`` (the last step of ``npm run build``) records it in
``workbench/labextension/build.json``; ``python3 source_hash.py --check`` (run by the test
suite) fails when the source changed since the prebuilt output was built.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE.parents[1] / "workbench" / "labextension" / "build.json"
SOURCES = ("package.json", "tsconfig.json", "install.json", "src/*.ts", "style/*.css", "style/*.js")


def source_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for pattern in SOURCES for p in HERE.glob(pattern)):
        digest.update(path.relative_to(HERE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def main(argv: list[str]) -> int:
    if argv == ["--write"]:
        OUTPUT.write_text(json.dumps({"source_sha256": source_hash()}, indent=2) + "\n")
        return 0
    if argv == ["--check"]:
        built = json.loads(OUTPUT.read_text())["source_sha256"] if OUTPUT.exists() else None
        if built != source_hash():
            print(f"{OUTPUT} is out of date: rebuild the extension (cd {HERE} && npm install && npm run build)")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
