/**
 * The side panel's line to one notebook's kernel: a comm to the target `workbench` that
 * `%load_ext workbench` registers.
 *
 * The comm is opened when the notebook's kernel is there and the notebook uses the workbench
 * (some code cell mentions it), and again after a cell that mentions it runs while there is no
 * comm, e.g. the `%load_ext workbench` cell itself. A kernel without the target closes the
 * comm at once (state "waiting"). A restart or a new kernel drops the comm.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { Cell } from '@jupyterlab/cells';
import { Notebook, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, KernelMessage as Messages } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { COMM_TARGET, KernelMessage, PanelRequest } from './protocol';

export type ChannelState = 'no-kernel' | 'waiting' | 'connecting' | 'connected';

const MENTIONS_WORKBENCH = /workbench|^\s*%%(operator|graph)/m;

export class KernelChannel {
  private comm: Kernel.IComm | null = null;
  private _state: ChannelState = 'no-kernel';
  private readonly _stateChanged = new Signal<this, ChannelState>(this);
  private readonly _received = new Signal<this, KernelMessage>(this);
  private disposed = false;

  constructor(readonly panel: NotebookPanel) {
    const context = panel.sessionContext;
    context.kernelChanged.connect(this.reset, this);
    context.statusChanged.connect(this.statusChanged, this);
    NotebookActions.executed.connect(this.executed, this);
    void context.ready.then(() => {
      if (this.usesWorkbench(panel.content)) {
        this.connect();
      } else {
        this.setState(context.session?.kernel ? 'waiting' : 'no-kernel');
      }
    });
  }

  get state(): ChannelState {
    return this._state;
  }

  get stateChanged(): ISignal<this, ChannelState> {
    return this._stateChanged;
  }

  get received(): ISignal<this, KernelMessage> {
    return this._received;
  }

  /** Open the comm unless one is open or opening. */
  connect(): void {
    const kernel = this.panel.sessionContext.session?.kernel;
    if (this.disposed || !kernel) {
      this.setState('no-kernel');
      return;
    }
    if (this.comm) {
      return;
    }
    const comm = kernel.createComm(COMM_TARGET);
    this.comm = comm;
    this.setState('connecting');
    comm.onMsg = (msg: Messages.ICommMsgMsg) => {
      if (this.comm === comm) {
        this.setState('connected');
        this._received.emit(msg.content.data as unknown as KernelMessage);
      }
    };
    comm.onClose = () => {
      if (this.comm === comm) {
        this.comm = null;
        this.setState('waiting');
      }
    };
    comm.open({});
  }

  send(request: PanelRequest): void {
    if (this.comm && this._state === 'connected') {
      this.comm.send(request as any);
    }
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    NotebookActions.executed.disconnect(this.executed, this);
    this.drop(true);
    Signal.clearData(this);
  }

  private reset(): void {
    this.drop(false);
    this.setState(this.panel.sessionContext.session?.kernel ? 'waiting' : 'no-kernel');
    void this.panel.sessionContext.ready.then(() => {
      if (this.usesWorkbench(this.panel.content)) {
        this.connect();
      }
    });
  }

  private statusChanged(_: ISessionContext, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
      this.drop(false);
      this.setState(status === 'dead' ? 'no-kernel' : 'waiting');
    }
  }

  private executed(_: unknown, args: { notebook: Notebook; cell: Cell }): void {
    if (args.notebook !== this.panel.content || this.comm) {
      return;
    }
    if (MENTIONS_WORKBENCH.test(args.cell.model.sharedModel.getSource())) {
      this.connect();
    }
  }

  /** Forget the comm; close it only if the kernel is still the one it was opened on. */
  private drop(close: boolean): void {
    const comm = this.comm;
    this.comm = null;
    if (comm && close && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // the kernel is gone: nothing to close
      }
    }
  }

  private usesWorkbench(notebook: Notebook): boolean {
    return notebook.widgets.some(
      cell => cell.model.type === 'code' && MENTIONS_WORKBENCH.test(cell.model.sharedModel.getSource())
    );
  }

  private setState(state: ChannelState): void {
    if (state !== this._state) {
      this._state = state;
      this._stateChanged.emit(state);
    }
  }
}
