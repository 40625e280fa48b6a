/**
 * An interactive drawing of a workbench graph: SVG with pan (drag) and zoom (ctrl/⌘ + wheel,
 * or the buttons), and a details pane for the step clicked: its module's source, its
 * configuration and its counts and latency in the last run.
 *
 * Plain DOM built with text nodes only (never innerHTML), so it is safe in untrusted notebooks.
 * The positions come from the kernel (workbench.dataflow.drawing.layout), so this picture
 * matches the inline SVG other frontends show.
 */
import { html } from './dom';
import { highlightPython } from './highlight';
import { IGraphData, IGraphNode, IOperator, IStepStats } from './protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
const ZOOM_STEP = 1.25;
let viewCount = 0;

type Attributes = { [name: string]: string | number };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  return element;
}

function clip(text: string, limit = 22): string {
  return text.length <= limit ? text : text.slice(0, limit - 1) + '…';
}

/** "17 µs", "1.2 ms": a latency in microseconds, readable. */
export function formatLatency(us: number | null | undefined): string {
  if (us === null || us === undefined) {
    return '–';
  }
  if (us >= 1000) {
    return `${(us / 1000).toFixed(us >= 10000 ? 0 : 1)} ms`;
  }
  return `${us.toFixed(us >= 100 ? 0 : 1)} µs`;
}

/** The drawing and its details pane, in one element (`node`). */
export class GraphView {
  readonly node: HTMLDivElement;
  private readonly data: IGraphData;
  private readonly svgNode: SVGSVGElement;
  private readonly details: HTMLDivElement;
  private readonly boxes = new Map<string, SVGGElement>();
  /** What is shown: the graph point at the canvas centre, and pixels per graph unit. */
  private view = { cx: 0, cy: 0, scale: 1 };
  private touched = false; // panned or zoomed: keep the view when the canvas is resized
  private drag: { x: number; y: number; cx: number; cy: number; moved: boolean; step: string | null } | null = null;
  private selected: string | null = null;
  private readonly resizing: ResizeObserver | null = null;

  constructor(data: IGraphData) {
    this.data = data;
    this.node = html('div', 'jp-workbench-Graph');
    this.node.append(this.header());
    const body = html('div', 'jp-workbench-Graph-body');
    const canvas = html('div', 'jp-workbench-Graph-canvas');
    this.svgNode = this.drawing();
    canvas.append(this.svgNode, this.toolbar());
    this.details = html('div', 'jp-workbench-Graph-details');
    this.details.append(html('div', 'jp-workbench-Graph-hint', 'Click a step to see its operator, configuration and latency.'));
    body.append(canvas, this.details);
    this.node.append(body);
    this.fit();
    if (typeof ResizeObserver !== 'undefined') {
      this.resizing = new ResizeObserver(() => (this.touched ? this.show() : this.fit()));
      this.resizing.observe(this.svgNode);
    }
  }

  dispose(): void {
    this.resizing?.disconnect();
  }

  /** Show the step called `name` in the details pane (as a click does). */
  select(name: string): void {
    const node = this.data.nodes.find(n => n.name === name);
    if (!node) {
      return;
    }
    this.selected = name;
    for (const [step, box] of this.boxes) {
      box.classList.toggle('jp-mod-selected', step === name);
    }
    this.details.replaceChildren(...new StepDetails(node, this.data).elements());
  }

  /** Show the whole graph, at most at its natural size. */
  fit(): void {
    const { width, height } = this.canvasSize();
    const scale = Math.min(1, width / (this.data.width + 8), height / (this.data.height + 8));
    this.view = { cx: this.data.width / 2, cy: this.data.height / 2, scale: scale > 0 ? scale : 1 };
    this.touched = false;
    this.show();
  }

  /** Zoom by `factor` around the graph point (cx, cy) (default: the canvas centre). */
  zoom(factor: number, cx?: number, cy?: number): void {
    const { cx: x, cy: y, scale } = this.view;
    const next = Math.min(Math.max(scale * factor, 0.1), 8);
    const px = cx ?? x;
    const py = cy ?? y;
    // keep (px, py) where it is on the screen
    this.view = { cx: px - ((px - x) * scale) / next, cy: py - ((py - y) * scale) / next, scale: next };
    this.touched = true;
    this.show();
  }

  /** The viewBox now shown: [x, y, width, height] in graph units. */
  get viewBox(): number[] {
    const { width, height } = this.canvasSize();
    const w = width / this.view.scale;
    const h = height / this.view.scale;
    return [this.view.cx - w / 2, this.view.cy - h / 2, w, h];
  }

  private canvasSize(): { width: number; height: number } {
    const width = this.svgNode?.clientWidth || this.data.width;
    const height = this.svgNode?.clientHeight || this.data.height;
    return { width, height };
  }

  private show(): void {
    this.svgNode.setAttribute('viewBox', this.viewBox.map(v => v.toFixed(1)).join(' '));
  }

  private header(): HTMLDivElement {
    const d = this.data;
    const header = html('div', 'jp-workbench-Graph-header');
    header.append(html('b', undefined, `Graph ${d.name}`));
    let text = ` ${d.graph_version} · AIO API ${d.api} · ${d.nodes.length} steps, ${d.edges.length} connections`;
    if (d.run) {
      text += ` · last run: ${d.run.inputs} inputs → ${d.run.outputs} outputs in ${d.run.seconds.toFixed(3)} s`;
    }
    header.append(document.createTextNode(text));
    return header;
  }

  private toolbar(): HTMLDivElement {
    const bar = html('div', 'jp-workbench-Graph-toolbar');
    const button = (label: string, title: string, action: () => void) => {
      const b = html('button', 'jp-workbench-Graph-button', label);
      b.title = title;
      b.addEventListener('click', action);
      bar.append(b);
    };
    button('+', 'Zoom in', () => this.zoom(ZOOM_STEP));
    button('−', 'Zoom out', () => this.zoom(1 / ZOOM_STEP));
    button('⤢', 'Fit the whole graph', () => this.fit());
    return bar;
  }

  private drawing(): SVGSVGElement {
    const d = this.data;
    const root = svg('svg', { class: 'jp-workbench-Graph-svg', 'font-family': 'sans-serif', 'font-size': 12 });
    root.style.height = `${Math.min(Math.max(d.height + 24, 100), 420)}px`;
    const marker = `wb-arrow-${++viewCount}`;
    const defs = svg('defs');
    const arrow = svg('marker', {
      id: marker, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto'
    });
    arrow.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#555' }));
    defs.append(arrow);
    root.append(defs);
    const byName = new Map(d.nodes.map(n => [n.name, n]));
    for (const edge of d.edges) {
      const a = byName.get(edge.source);
      const b = byName.get(edge.target);
      if (a && b) {
        root.append(this.edge(a, b, edge.arm, marker));
      }
    }
    for (const node of d.nodes) {
      const box = this.box(node);
      this.boxes.set(node.name, box);
      root.append(box);
    }
    this.listen(root);
    return root;
  }

  private edge(a: IGraphNode, b: IGraphNode, arm: boolean | null, marker: string): SVGGElement {
    const { node_width: w, node_height: h } = this.data;
    const [x1, y1, x2, y2] = [a.x + w, a.y + h / 2, b.x, b.y + h / 2];
    const middle = (x1 + x2) / 2;
    const group = svg('g', { class: 'jp-workbench-Graph-edge' });
    group.append(svg('path', {
      d: `M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`,
      fill: 'none', stroke: '#555', 'stroke-width': 1.4, 'marker-end': `url(#${marker})`
    }));
    if (arm !== null) {
      const label = svg('text', { x: x1 + 6, y: y1 + (arm ? -6 : 14), fill: arm ? '#1e8449' : '#b03a2e', 'font-size': 10 });
      label.textContent = String(arm);
      group.append(label);
    }
    return group;
  }

  private box(node: IGraphNode): SVGGElement {
    const { node_width: w, node_height: h } = this.data;
    const group = svg('g', { class: 'jp-workbench-Graph-node', 'data-step': node.name, tabindex: 0 });
    const title = svg('title');
    title.textContent = `${node.name} (${node.kind}): click for details`;
    const latency = node.stats?.mean_latency_us;
    const second = latency !== undefined && latency !== null ? `${node.kind} · ${formatLatency(latency)}` : node.kind;
    const name = svg('text', {
      class: 'jp-workbench-Graph-name', x: node.x + w / 2, y: node.y + 18, 'text-anchor': 'middle', 'font-weight': 'bold'
    });
    name.textContent = clip(node.name);
    const kind = svg('text', { x: node.x + w / 2, y: node.y + 34, 'text-anchor': 'middle', fill: node.colour });
    kind.textContent = clip(second);
    group.append(title, svg('rect', {
      x: node.x, y: node.y, width: w, height: h, rx: 7, fill: 'white', stroke: node.colour, 'stroke-width': 2
    }), name, kind);
    group.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        this.select(node.name);
      }
    });
    return group;
  }

  private listen(root: SVGSVGElement): void {
    root.addEventListener('pointerdown', event => {
      const step = (event.target as Element).closest?.('[data-step]')?.getAttribute('data-step') ?? null;
      this.drag = { x: event.clientX, y: event.clientY, cx: this.view.cx, cy: this.view.cy, moved: false, step };
      root.setPointerCapture?.(event.pointerId);
    });
    root.addEventListener('pointermove', event => {
      const drag = this.drag;
      if (!drag || (event.buttons & 1) === 0) {
        return;
      }
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) <= 3) {
        return; // a click, not a drag
      }
      drag.moved = true;
      this.touched = true;
      root.classList.add('jp-mod-panning');
      this.view = { ...this.view, cx: drag.cx - dx / this.view.scale, cy: drag.cy - dy / this.view.scale };
      this.show();
    });
    root.addEventListener('pointerup', event => {
      const drag = this.drag;
      this.drag = null;
      root.classList.remove('jp-mod-panning');
      root.releasePointerCapture?.(event.pointerId);
      if (drag && !drag.moved && drag.step !== null) {
        this.select(drag.step);
      }
    });
    root.addEventListener('wheel', event => {
      if (!event.ctrlKey && !event.metaKey) {
        return; // a plain wheel scrolls the notebook
      }
      event.preventDefault();
      const box = root.getBoundingClientRect();
      const [x, y, w, h] = this.viewBox;
      const cx = x + ((event.clientX - box.left) / Math.max(box.width, 1)) * w;
      const cy = y + ((event.clientY - box.top) / Math.max(box.height, 1)) * h;
      this.zoom(event.deltaY < 0 ? ZOOM_STEP : 1 / ZOOM_STEP, cx, cy);
    }, { passive: false });
  }

  get selectedStep(): string | null {
    return this.selected;
  }
}

/** The details pane's content for one step. */
class StepDetails {
  constructor(private readonly node: IGraphNode, private readonly data: IGraphData) {}

  elements(): HTMLElement[] {
    const title = html('div', 'jp-workbench-Graph-detailsTitle');
    const kind = html('span', 'jp-workbench-Kind', this.node.kind);
    kind.style.backgroundColor = this.node.colour;
    title.append(html('b', undefined, this.node.name), kind);
    const operator = this.node.module ? this.data.operators[this.node.module] : undefined;
    return [title, this.module(operator), this.latency(), this.configuration(operator), this.source(operator)];
  }

  private module(operator: IOperator | undefined): HTMLElement {
    const line = html('div', 'jp-workbench-Graph-module');
    if (!this.node.module) {
      line.textContent = 'built-in step (no module)';
    } else if (!operator) {
      line.textContent = `module ${this.node.module}: not compiled in this session`;
    } else {
      const size = operator.size_bytes !== null ? ` · ${(operator.size_bytes / 1e6).toFixed(1)} MB` : '';
      line.textContent = `module ${this.node.module} → ${operator.reference} (${operator.mode}${size}, ` +
        `exports ${operator.kinds.join(', ')})`;
    }
    return line;
  }

  private latency(): HTMLElement {
    const section = html('div', 'jp-workbench-Graph-section');
    section.append(html('div', 'jp-workbench-Graph-sectionTitle', 'Last run'));
    const stats = this.node.stats;
    if (!stats) {
      section.append(html('div', 'jp-workbench-Graph-empty', this.data.run ? 'no counts for this step' : 'not run yet in this session'));
      return section;
    }
    section.append(table(statRows(stats), 'jp-workbench-Graph-stats'));
    return section;
  }

  private configuration(operator: IOperator | undefined): HTMLElement {
    const section = html('div', 'jp-workbench-Graph-section');
    section.append(html('div', 'jp-workbench-Graph-sectionTitle', 'Configuration'));
    const rows: [string, string][] = this.node.parameters.map(p => [
      p.name + (p.key !== p.name ? ` (${p.key})` : ''),
      (p.default ?? (p.required ? 'required' : '–')) + (p.description ? ` — ${p.description}` : '')
    ]);
    for (const [key, value] of Object.entries(operator?.config ?? {})) {
      rows.push([key, `${value} (compile-time default)`]);
    }
    section.append(rows.length ? table(rows, 'jp-workbench-Graph-config') : html('div', 'jp-workbench-Graph-empty', 'no parameters'));
    return section;
  }

  private source(operator: IOperator | undefined): HTMLElement {
    const section = html('div', 'jp-workbench-Graph-section');
    if (!operator?.source) {
      return section;
    }
    section.append(html('div', 'jp-workbench-Graph-sectionTitle', 'Operator source'));
    const pre = html('pre', 'jp-workbench-Graph-source');
    const code = html('code');
    code.append(...highlightPython(operator.source));
    pre.append(code);
    section.append(pre);
    return section;
  }
}

const STAT_LABELS: [string, string][] = [
  ['received', 'received'], ['emitted', 'emitted'], ['filtered', 'filtered'], ['folded', 'folded'],
  ['fired', 'fired'], ['held', 'held'], ['late', 'late'], ['dropped', 'dropped'], ['failed', 'failed'],
  ['arm_true', 'arm true'], ['arm_false', 'arm false'], ['calls', 'calls']
];

function statRows(stats: IStepStats): [string, string][] {
  const rows: [string, string][] = STAT_LABELS.filter(([key]) => stats[key] !== undefined && stats[key] !== null)
    .map(([key, label]) => [label, String(stats[key])]);
  if (stats.mean_latency_us !== undefined) {
    rows.push(['mean latency', formatLatency(stats.mean_latency_us)]);
  }
  if (stats.p99_latency_us !== undefined) {
    rows.push(['p99 latency', formatLatency(stats.p99_latency_us)]);
  }
  return rows;
}

function table(rows: [string, string][], className: string): HTMLTableElement {
  const t = html('table', className);
  for (const [key, value] of rows) {
    const tr = html('tr');
    tr.append(html('th', undefined, key), html('td', undefined, value));
    t.append(tr);
  }
  return t;
}
