"""Build time only (pyproject.toml's ``[tool.setuptools] cmdclass``): never imported at run time.

setuptools' editable wheels leave out ``data-files`` (pypa/setuptools#3399: the check for them
asks for ``has_data`` where the distribution has ``has_data_files``), so ``pip install -e .``
would not install the prebuilt JupyterLab extension into ``share/jupyter/labextensions``. This
command installs them as a regular wheel does: copied, so after rebuilding the extension run
``pip install -e .`` again.
"""

from __future__ import annotations

from setuptools.command.editable_wheel import editable_wheel


class EditableWheelWithData(editable_wheel):  # type: ignore[misc]
    def _run_install(self, category: str) -> None:
        if category == "data" and self.distribution.has_data_files():
            self.run_command("install_data")
            return
        super()._run_install(category)
