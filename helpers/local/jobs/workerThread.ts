/**
 * Starts a worker thread from a module next to this one, whether the project runs compiled
 * (`.js` beside the caller) or from TypeScript sources (jest with ts-jest, ts-node, tslab).
 *
 * Worker threads load modules with Node's plain `require`, not with the parent's transformer, so
 * a `.ts` worker must first register ts-node (transpile only: types were checked by tsc) and then
 * require the TypeScript module.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

export function startWorker(directory: string, moduleName: string, workerData: unknown): Worker {
  const js = path.join(directory, `${moduleName}.js`);
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = path.join(directory, `${moduleName}.ts`);
  if (!existsSync(ts)) {
    throw new Error(`Worker module ${moduleName} not found in ${directory} (.js or .ts).`);
  }
  const bootstrap = [
    `require("ts-node").register({ transpileOnly: true, projectSearchDir: ${JSON.stringify(directory)},`,
    `  compilerOptions: { module: "commonjs" } });`,
    `require(${JSON.stringify(ts)});`,
  ].join("\n");
  return new Worker(bootstrap, { eval: true, workerData });
}
