/**
 * State shared by every copy of the emulator's modules loaded in one Node process.
 *
 * Why: one process can hold several copies of these modules — notebooks load the compiled helpers
 * from `notebooks/node_modules/@workshop/helpers` while the CLI and the tests load the TypeScript
 * sources, and jest gives each test file its own module registry and globals. They must still
 * agree on which workspaces this process already serves, or a notebook would start a second
 * emulator on a workspace its own process owns. The real `process` object is what they all share.
 */
import * as vm from "node:vm";

const realProcess = vm.runInThisContext("process") as Record<symbol, unknown>;

/** The process-wide value registered under `name`, created on first use. */
export function processWide<T>(name: string, create: () => T): T {
  const key = Symbol.for(`sagemaker-mlops-workshop.${name}`);
  if (!(key in realProcess)) realProcess[key] = create();
  return realProcess[key] as T;
}
