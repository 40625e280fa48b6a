/**
 * `%%operator` and `%%graph` cells: the editor language and a kind badge, per cell.
 *
 * JupyterLab gives every code cell the notebook's language (IPython: Python highlighting),
 * so a `%%graph` cell's YAML would be coloured as Python. Here each code cell's editor
 * MIME type follows its first line: Python for `%%operator`, YAML for `%%graph`, the
 * notebook's own otherwise. The notebook resets cells' MIME types when it learns the kernel's
 * language, so the choice is made again whenever a cell's MIME type or source changes.
 * A badge under the cell's prompt names what the cell defines ("map", "map + filter",
 * "graph"), in the colours of the graph drawings.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Cell } from '@jupyterlab/cells';
import { INotebookTracker, Notebook, NotebookPanel } from '@jupyterlab/notebook';

import { cellMagic, ICellMagic, KIND_COLOURS } from './magics';

const BADGE_CLASS = 'jp-workbench-CellKind';
const MAGIC_CELL_CLASS = 'jp-workbench-magicCell';

/** Follows one notebook's code cells. */
class NotebookMagics {
  private readonly watched = new WeakSet<Cell>();

  constructor(private readonly notebook: Notebook) {
    notebook.modelChanged.connect(this.watchModel, this);
    this.watchModel();
  }

  private watchModel(): void {
    this.notebook.model?.cells.changed.connect(() => this.scan());
    this.scan();
  }

  /** Watch cells not seen before and update every cell. */
  scan(): void {
    for (const cell of this.notebook.widgets) {
      if (!this.watched.has(cell)) {
        this.watched.add(cell);
        cell.model.contentChanged.connect(() => this.update(cell));
        cell.model.mimeTypeChanged.connect(() => this.update(cell));
        void cell.ready.then(() => this.update(cell));
      }
      this.update(cell);
    }
  }

  private update(cell: Cell): void {
    if (cell.isDisposed || cell.model.type !== 'code' || !this.isPython()) {
      return;
    }
    const magic = cellMagic(cell.model.sharedModel.getSource());
    const wanted = magic?.mimeType ?? this.notebook.codeMimetype;
    if (cell.model.mimeType !== wanted) {
      cell.model.mimeType = wanted;
    }
    showBadge(cell, magic);
  }

  /** Only IPython notebooks have these magics. */
  private isPython(): boolean {
    return /python/.test(this.notebook.codeMimetype);
  }
}

function showBadge(cell: Cell, magic: ICellMagic | null): void {
  const area = cell.inputArea;
  if (!area) {
    return; // not rendered yet: `cell.ready` calls again
  }
  let badge = area.node.querySelector<HTMLElement>(`:scope > .${BADGE_CLASS}`);
  cell.toggleClass(MAGIC_CELL_CLASS, magic !== null);
  if (!magic) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement('div');
    badge.className = BADGE_CLASS;
    area.node.append(badge);
  }
  const kinds = magic.magic === 'graph' ? ['graph'] : magic.kinds.length ? magic.kinds : ['operator'];
  badge.replaceChildren(...kinds.map(kind => {
    const line = document.createElement('span');
    line.className = `${BADGE_CLASS}-kind`;
    line.textContent = kind;
    line.style.setProperty('--jp-workbench-kind-colour', KIND_COLOURS[kind] ?? KIND_COLOURS.operator);
    return line;
  }));
  badge.title = magic.magic === 'graph' ? '%%graph: an AIO graph definition (YAML)'
    : `%%operator: ${magic.kinds.length ? magic.kinds.join(', ') : 'no operator class found yet'}`;
  badge.dataset.magic = magic.magic;
  badge.dataset.kinds = kinds.join(' ');
}

export const cellsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'workbench-jupyterlab:cells',
  description: 'Python highlighting and a kind badge for %%operator cells, YAML for %%graph cells.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const follow = (panel: NotebookPanel) => {
      const magics = new NotebookMagics(panel.content);
      void panel.context.ready.then(() => magics.scan());
      panel.sessionContext.kernelChanged.connect(() => magics.scan());
    };
    tracker.forEach(follow);
    tracker.widgetAdded.connect((_, panel) => follow(panel));
  }
};
