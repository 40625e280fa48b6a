/**
 * workbench-jupyterlab: JupyterLab support for the AIO operator workbench.
 *
 * - cells.ts: `%%operator` cells highlighted as Python with a kind badge; `%%graph` cells as YAML.
 * - panel.ts: the "Workbench" side panel, fed by the kernel over the `workbench` comm.
 * - mime.ts (the package's mimeExtension): the interactive renderer for graph outputs.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { cellsPlugin } from './cells';
import { panelPlugin } from './panel';

export { cellMagic, operatorKinds } from './magics';
export { GRAPH_MIME, COMM_TARGET } from './protocol';

const plugins: JupyterFrontEndPlugin<void>[] = [cellsPlugin, panelPlugin];

export default plugins;
