/**
 * The MIME renderer for application/vnd.workbench.graph+json: an interactive graph view in
 * place of the inline SVG, wherever JupyterLab renders outputs (notebooks, consoles, the
 * Workbench panel). Ranked before text/html, which stays in the bundle for other frontends.
 */
import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

import { GraphView } from './graphview';
import { GRAPH_MIME, IGraphData } from './protocol';

export class GraphRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly mimeType: string;
  private view: GraphView | null = null;

  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this.mimeType = options.mimeType;
    this.addClass('jp-workbench-GraphOutput');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this.mimeType] as unknown as IGraphData;
    this.view?.dispose();
    this.view = new GraphView(data);
    this.node.replaceChildren(this.view.node);
    return Promise.resolve();
  }

  dispose(): void {
    this.view?.dispose();
    this.view = null;
    super.dispose();
  }
}

const RANK = 40; // text/html is 50: lower ranks win

export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true, // text nodes only: fine in untrusted notebooks
  mimeTypes: [GRAPH_MIME],
  defaultRank: RANK,
  createRenderer: options => new GraphRenderer(options)
};

const extension: IRenderMime.IExtension = {
  id: 'workbench-jupyterlab:graph',
  description: 'Draws workbench graphs with pan, zoom and step details.',
  rendererFactory,
  rank: RANK,
  dataType: 'json'
};

export default extension;
