/**
 * workbench-jupyterlab: JupyterLab support for the AIO operator workbench.
 *
 * - cells.ts: `%%operator` cells highlighted as Python with a kind badge; `%%graph` cells as YAML.
 * - magicline.ts: the `%%operator` / `%%graph` line itself styled as a magic with options.
 * - panel.ts: the "Workbench" side panel, fed by the kernel over the `workbench` comm.
 * - mime.ts (the package's mimeExtension): the interactive renderer for graph outputs.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { cellsPlugin } from './cells';
import { magicLinePlugin } from './magicline';
import { panelPlugin } from './panel';

export { cellMagic, operatorKinds } from './magics';
export { GRAPH_MIME, COMM_TARGET } from './protocol';

const plugins: JupyterFrontEndPlugin<void>[] = [cellsPlugin, magicLinePlugin, panelPlugin];

export default plugins;
