"""The AIO test files here are fixtures for ``tests/testing`` and ``tests/cli``, which run them
explicitly, in native and wasm mode; some fail on purpose. Keep the pytest plugin from
collecting them as tests of their own."""

collect_ignore_glob = ["*.test.yaml", "*/*.test.yaml"]
