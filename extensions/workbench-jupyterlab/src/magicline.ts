/**
 * The first line of a `%%operator` or `%%graph` cell, styled as what it is: a magic with its
 * options, not Python (or YAML). The cell's language (cells.ts) colours the body; without this,
 * `%%operator --name x` would be coloured as Python operators and names.
 *
 * A CodeMirror view plugin, added to every editor through JupyterLab's editor extension
 * registry: a line decoration (`jp-workbench-magicLine`) on line 1 and mark decorations for the
 * magic's name (`jp-workbench-magicName`) and each option (`jp-workbench-magicOption`).
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { EditorExtensionRegistry, IEditorExtensionRegistry } from '@jupyterlab/codemirror';
import { RangeSetBuilder } from '@codemirror/state';
import { Decoration, DecorationSet, EditorView, ViewPlugin, ViewUpdate } from '@codemirror/view';

const MAGIC_LINE = /^(%%(?:operator|graph))(?=\s|$)(.*)$/;
const OPTION = /(?<=\s)--?[A-Za-z][\w-]*/g; // after a space: not the "-celsius" of "to-celsius"

const line = Decoration.line({ class: 'jp-workbench-magicLine' });
const name = Decoration.mark({ class: 'jp-workbench-magicName' });
const option = Decoration.mark({ class: 'jp-workbench-magicOption' });

/** The decorations of the magic line, if the document starts with one. */
function magicDecorations(view: EditorView): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  const first = view.state.doc.line(1);
  const match = MAGIC_LINE.exec(first.text);
  if (match) {
    builder.add(first.from, first.from, line);
    builder.add(first.from, first.from + match[1].length, name);
    const rest = first.from + match[1].length;
    for (const found of match[2].matchAll(OPTION)) {
      const start = rest + (found.index ?? 0);
      builder.add(start, start + found[0].length, option);
    }
  }
  return builder.finish();
}

const magicLine = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;

    constructor(view: EditorView) {
      this.decorations = magicDecorations(view);
    }

    update(update: ViewUpdate): void {
      if (update.docChanged) {
        this.decorations = magicDecorations(update.view);
      }
    }
  },
  { decorations: plugin => plugin.decorations }
);

export const magicLinePlugin: JupyterFrontEndPlugin<void> = {
  id: 'workbench-jupyterlab:magic-line',
  description: 'Styles the %%operator / %%graph line of a cell as a magic with options.',
  autoStart: true,
  requires: [IEditorExtensionRegistry],
  activate: (app: JupyterFrontEnd, registry: IEditorExtensionRegistry) => {
    registry.addExtension({
      name: 'workbench-jupyterlab:magic-line',
      factory: () => EditorExtensionRegistry.createImmutableExtension(magicLine)
    });
  }
};
