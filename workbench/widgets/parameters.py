"""``ParameterRows``: a step's module configuration as editable ``key = value`` rows."""

from __future__ import annotations

import ipywidgets as widgets

from ..errors import GraphError
from .common import button


class ParameterRow(widgets.HBox):
    """One ``key = value`` row with a button that removes it."""

    def __init__(self, key: str = "", value: str = ""):
        self.key_text = widgets.Text(value=key, placeholder="key", layout=widgets.Layout(width="160px"))
        self.value_text = widgets.Text(value=value, placeholder="value", layout=widgets.Layout(width="200px"))
        self.remove_button = button("", icon="times", tooltip="remove this parameter")
        super().__init__([self.key_text, widgets.Label("="), self.value_text, self.remove_button])


class ParameterRows(widgets.VBox):
    """Rows of configuration parameters and a button that adds one; ``values()`` reads them."""

    def __init__(self) -> None:
        self.rows: list[ParameterRow] = []
        self.add_button = button("parameter", icon="plus", tooltip="add a key = value configuration parameter")
        self.add_button.on_click(lambda _: self.add_row())
        super().__init__([self.add_button])

    def add_row(self, key: str = "", value: str = "") -> ParameterRow:
        row = ParameterRow(key, value)
        row.remove_button.on_click(lambda _: self.remove_row(row))
        self.rows.append(row)
        self._show()
        return row

    def remove_row(self, row: ParameterRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            self._show()

    def clear(self) -> None:
        self.rows = []
        self._show()

    def values(self) -> dict[str, str]:
        """Key → value of the filled rows (blank rows are skipped); ``GraphError`` on a bad row."""
        values: dict[str, str] = {}
        for number, row in enumerate(self.rows, 1):
            key, value = row.key_text.value.strip(), row.value_text.value
            if not key and value:
                raise GraphError(f"parameter row {number} has the value {value!r} but no key")
            if key in values:
                raise GraphError(f"parameter {key!r} is given twice (rows {self._row_of(key)} and {number})")
            if key:
                values[key] = value
        return values

    def _row_of(self, key: str) -> int:
        return next(i for i, row in enumerate(self.rows, 1) if row.key_text.value.strip() == key)

    def _show(self) -> None:
        self.children = (*self.rows, self.add_button)
