/**
 * What a cell's first line says: `%%operator` (Python operator code) or `%%graph` (AIO graph
 * YAML), and for operators the kinds the cell defines. Pure functions, no JupyterLab.
 */

export type MagicName = 'operator' | 'graph';

export interface ICellMagic {
  magic: MagicName;
  /** Operator kinds, in lower case: --kind first, then the classes the cell defines. */
  kinds: string[];
  /** What the badge says: "map", "map + filter", "operator" (no kind found) or "graph". */
  label: string;
  /** The editor language for the cell. */
  mimeType: string;
}

const KINDS = ['Map', 'Filter', 'Branch', 'Accumulate', 'Delay'];
const CLASS_LINE = new RegExp(`^class\\s+(${KINDS.join('|')})\\s*[(:]`, 'gm');
const KIND_OPTION = /--kind[=\s]+([A-Za-z]+)/;

export const PYTHON_MIME = 'text/x-python';
export const YAML_MIME = 'text/x-yaml';

/** The magic of a cell's source, or null for any other cell. */
export function cellMagic(source: string): ICellMagic | null {
  const text = source.replace(/^(\s*\n)+/, ''); // IPython drops leading blank lines too
  const firstLine = text.split('\n', 1)[0];
  const match = /^%%(operator|graph)(\s|$)/.exec(firstLine);
  if (!match) {
    return null;
  }
  if (match[1] === 'graph') {
    return { magic: 'graph', kinds: [], label: 'graph', mimeType: YAML_MIME };
  }
  const kinds = operatorKinds(firstLine, text);
  return { magic: 'operator', kinds, label: kinds.length ? kinds.join(' + ') : 'operator', mimeType: PYTHON_MIME };
}

/** The kinds an operator cell defines; the --kind option's kind first. */
export function operatorKinds(firstLine: string, text: string): string[] {
  const kinds: string[] = [];
  const option = KIND_OPTION.exec(firstLine);
  if (option) {
    kinds.push(option[1].toLowerCase());
  }
  for (const match of text.matchAll(CLASS_LINE)) {
    const kind = match[1].toLowerCase();
    if (!kinds.includes(kind)) {
      kinds.push(kind);
    }
  }
  return kinds;
}

/** The colours of workbench.dataflow.drawing.COLOURS, for badges. */
export const KIND_COLOURS: { [kind: string]: string } = {
  map: '#27ae60', filter: '#d68910', branch: '#8e44ad', accumulate: '#c0392b', delay: '#16a085',
  graph: '#2e86c1', operator: '#555555'
};
