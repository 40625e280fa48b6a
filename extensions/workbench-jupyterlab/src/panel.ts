/**
 * The "Workbench" side panel: the current notebook kernel's compiled operators, graphs and
 * runs, refreshed as the kernel's session changes (pushed over the comm, see channel.ts).
 * Clicking a graph draws it below the lists (the same view as a graph output), and the
 * drawing follows new runs of that graph.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { LabIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { ChannelState, KernelChannel } from './channel';
import { html } from './dom';
import { GraphView } from './graphview';
import { KIND_COLOURS } from './magics';
import { IGraphData, IListing, IOperator, IRunEntry, KernelMessage } from './protocol';

const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
<g class="jp-icon3" fill="#616161"><rect x="2" y="9" width="6" height="6" rx="1.5"/><rect x="16" y="3" width="6" height="6" rx="1.5"/>
<rect x="16" y="15" width="6" height="6" rx="1.5"/><path d="M8 11.2h3.2V6h4.8v1.6h-3.2v3.6H16v1.6h-3.2v3.6H16v1.6h-4.8v-5.2H8z"/></g></svg>`;

export const workbenchIcon = new LabIcon({ name: 'workbench-jupyterlab:icon', svgstr: ICON_SVG });

const STATE_TEXT: { [state in ChannelState]: string } = {
  'no-kernel': 'no kernel',
  waiting: 'run %load_ext workbench in this notebook',
  connecting: 'connecting…',
  connected: 'connected'
};

export class WorkbenchPanel extends Widget {
  private channel: KernelChannel | null = null;
  private listing: IListing = { operators: [], graphs: [], runs: [] };
  private shownGraph: string | null = null;
  private graphView: GraphView | null = null;
  private readonly status = html('div', 'jp-workbench-Panel-status');
  private readonly lists = html('div', 'jp-workbench-Panel-lists');
  private readonly graphArea = html('div', 'jp-workbench-Panel-graph');

  constructor() {
    super();
    this.id = 'workbench-panel';
    this.addClass('jp-workbench-Panel');
    this.title.icon = workbenchIcon;
    this.title.caption = 'Workbench: operators, graphs and runs of this notebook';
    const header = html('div', 'jp-workbench-Panel-header');
    const refresh = html('button', 'jp-workbench-Panel-refresh', '⟳');
    refresh.title = 'Refresh';
    refresh.addEventListener('click', () => this.refresh());
    header.append(html('span', 'jp-workbench-Panel-title', 'Workbench'), refresh);
    this.node.append(header, this.status, this.lists, this.graphArea);
    this.render();
  }

  /** Follow `panel`'s kernel (null: no notebook). */
  follow(panel: NotebookPanel | null): void {
    if (this.channel?.panel === panel) {
      return;
    }
    this.channel?.dispose();
    this.channel = null;
    this.listing = { operators: [], graphs: [], runs: [] };
    this.shownGraph = null;
    this.graphView?.dispose();
    this.graphView = null;
    this.graphArea.replaceChildren();
    if (panel) {
      this.channel = new KernelChannel(panel);
      this.channel.stateChanged.connect(() => this.render());
      this.channel.received.connect((_, message) => this.receive(message));
      panel.disposed.connect(() => this.channel?.panel === panel && this.follow(null));
    }
    this.render();
  }

  refresh(): void {
    if (this.channel?.state === 'connected') {
      this.channel.send({ request: 'refresh' });
    } else {
      this.channel?.connect();
    }
  }

  private receive(message: KernelMessage): void {
    if (message.event === 'listing') {
      this.listing = { operators: message.operators, graphs: message.graphs, runs: message.runs };
      this.render();
      if (this.shownGraph !== null && message.reason !== 'open') {
        this.requestGraph(this.shownGraph); // a new run or a new definition: draw it again
      }
    } else if (message.event === 'graph') {
      this.showGraph(message.data);
    } else if (message.event === 'error') {
      this.graphArea.replaceChildren(html('div', 'jp-workbench-Panel-error', message.message));
    }
  }

  private requestGraph(name: string): void {
    this.shownGraph = name;
    this.channel?.send({ request: 'graph', name });
  }

  private showGraph(data: IGraphData): void {
    const selected = this.graphView?.selectedStep;
    this.graphView?.dispose();
    this.graphView = new GraphView(data);
    this.graphArea.replaceChildren(this.graphView.node);
    if (selected) {
      this.graphView.select(selected); // a redraw after a run keeps the step shown
    }
    this.render();
  }

  private render(): void {
    const channel = this.channel;
    const notebook = channel ? channel.panel.title.label : 'no notebook open';
    this.status.textContent = channel ? `${notebook} · ${STATE_TEXT[channel.state]}` : notebook;
    this.status.dataset.state = channel?.state ?? 'none';
    const { operators, graphs, runs } = this.listing;
    this.lists.replaceChildren(
      this.section('Operators', operators.map(o => this.operatorItem(o)), 'compile one with %%operator'),
      this.section('Graphs', graphs.map(g => this.graphItem(g.name, `${g.steps} steps · ${g.connections} connections`)),
        'define one with %%graph'),
      this.section('Runs', runs.slice().reverse().map(r => this.runItem(r)), 'run a graph with %workbench run')
    );
  }

  private section(title: string, items: HTMLElement[], empty: string): HTMLElement {
    const section = html('div', 'jp-workbench-Panel-section');
    section.dataset.section = title.toLowerCase();
    section.append(html('div', 'jp-workbench-Panel-sectionTitle', `${title} (${items.length})`));
    const list = html('ul', 'jp-workbench-Panel-list');
    list.append(...items);
    section.append(items.length ? list : html('div', 'jp-workbench-Panel-empty', empty));
    return section;
  }

  private operatorItem(operator: IOperator): HTMLElement {
    const item = html('li', 'jp-workbench-Panel-item jp-workbench-Panel-operator');
    item.dataset.name = operator.reference;
    const line = html('div', 'jp-workbench-Panel-itemTitle');
    line.append(html('span', 'jp-workbench-Panel-name', operator.reference));
    for (const kind of operator.kinds) {
      const badge = html('span', 'jp-workbench-Kind', kind);
      badge.style.backgroundColor = KIND_COLOURS[kind] ?? KIND_COLOURS.operator;
      line.append(badge);
    }
    const facts: string[] = [operator.mode];
    if (operator.api) {
      facts.push(`API ${operator.api}`);
    }
    if (operator.size_bytes !== null) {
      facts.push(`${(operator.size_bytes / 1e6).toFixed(1)} MB`);
    }
    if (operator.build_seconds !== null) {
      facts.push(operator.cache_hit ? 'cache hit' : `built in ${operator.build_seconds.toFixed(1)} s`);
    }
    if (operator.deployable === false) {
      facts.push('NOT deployable');
    }
    const config = Object.entries(operator.config).map(([k, v]) => `${k}=${v}`);
    if (config.length) {
      facts.push(config.join(', '));
    }
    item.append(line, html('div', 'jp-workbench-Panel-facts', facts.join(' · ')));
    return item;
  }

  private graphItem(name: string, facts: string): HTMLElement {
    const item = html('li', 'jp-workbench-Panel-item jp-workbench-Panel-graphItem');
    item.dataset.name = name;
    item.title = 'Draw this graph below';
    item.classList.toggle('jp-mod-selected', name === this.shownGraph);
    item.append(html('div', 'jp-workbench-Panel-name', name), html('div', 'jp-workbench-Panel-facts', facts));
    item.addEventListener('click', () => this.requestGraph(name));
    return item;
  }

  private runItem(run: IRunEntry): HTMLElement {
    const item = html('li', 'jp-workbench-Panel-item jp-workbench-Panel-run');
    item.dataset.name = run.graph;
    const state = run.finished ? '' : ' (running)';
    const failed = run.failed ? ` · ${run.failed} failed` : '';
    item.append(
      html('div', 'jp-workbench-Panel-name', `#${run.index + 1} ${run.graph}${state}`),
      html('div', 'jp-workbench-Panel-facts',
        `${run.inputs} inputs → ${run.outputs} outputs${failed} · ${run.late} late · ${run.seconds.toFixed(3)} s`)
    );
    item.addEventListener('click', () => this.requestGraph(run.graph));
    return item;
  }

  dispose(): void {
    this.channel?.dispose();
    this.channel = null;
    super.dispose();
  }
}

export const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: 'workbench-jupyterlab:panel',
  description: 'A side panel listing the current notebook kernel\'s operators, graphs and runs.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILayoutRestorer],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker, restorer: ILayoutRestorer | null) => {
    const panel = new WorkbenchPanel();
    app.shell.add(panel, 'left', { rank: 650 });
    restorer?.add(panel, panel.id);
    panel.follow(tracker.currentWidget);
    tracker.currentChanged.connect((_, notebook) => {
      if (notebook) {
        panel.follow(notebook); // keep the last notebook while another kind of document is active
      }
    });
  }
};
