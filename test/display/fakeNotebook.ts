/**
 * A stand-in for the tslab kernel's display hook: sets
 * `require("tslab/dist/jupyter").lastWriteDisplayData` (as the kernel and the notebook runner do)
 * to record what the display helpers send, and restores it afterwards.
 */
import type { DisplayDataMessage } from "../../helpers/display/notebookOutput";

export interface RecordedOutput {
  message: DisplayDataMessage;
  update: boolean;
}

interface JupyterModule {
  lastWriteDisplayData: ((message: DisplayDataMessage, update: boolean) => void) | null;
}

export async function withFakeNotebook<T>(
  run: (outputs: RecordedOutput[]) => T | Promise<T>,
): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require("tslab/dist/jupyter") as JupyterModule;
  const saved = jupyter.lastWriteDisplayData;
  const outputs: RecordedOutput[] = [];
  jupyter.lastWriteDisplayData = (message, update) => {
    // Copy: the sender must not be able to change what was "sent".
    outputs.push({ message: JSON.parse(JSON.stringify(message)) as DisplayDataMessage, update });
  };
  try {
    return await run(outputs);
  } finally {
    jupyter.lastWriteDisplayData = saved;
  }
}

/** A writable that keeps what is written (and can claim to be a TTY). */
export class CapturedStream {
  text = "";
  isTTY: boolean;
  columns = 100;
  constructor(isTTY = false) {
    this.isTTY = isTTY;
  }
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
    this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }
}
