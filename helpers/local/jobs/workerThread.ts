/**
 * Starts a worker thread from a module next to this one, whether the project runs compiled
 * (`.js` beside the caller) or from TypeScript sources (jest with ts-jest, ts-node, tslab).
 *
 * Worker threads load modules with Node's plain `require`, not with the parent's transformer.
 * From TypeScript sources, the parent therefore transpiles the worker module and every project
 * module it requires (TypeScript's own transpileModule: types were checked by tsc) and hands the
 * worker the JavaScript. Registering ts-node inside the worker did the same job but loaded the
 * TypeScript compiler into every worker: 75 MB of resident memory each (measured with the
 * capture flush worker), where the compiled worker needs about 10.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

export function startWorker(directory: string, moduleName: string, workerData: unknown): Worker {
  const js = path.join(directory, `${moduleName}.js`);
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = path.join(directory, `${moduleName}.ts`);
  if (!existsSync(ts)) {
    throw new Error(`Worker module ${moduleName} not found in ${directory} (.js or .ts).`);
  }
  return new Worker(bundleSources(ts), { eval: true, workerData });
}

/** Bundles already made in this process, by entry file (sources do not change under a run). */
const bundles = new Map<string, string>();

/**
 * JavaScript that runs `entry` with the project modules it requires (relative specifiers,
 * transpiled here) and Node's `require` for everything else (built-ins, packages).
 */
function bundleSources(entry: string): string {
  const known = bundles.get(entry);
  if (known) return known;
  // Only ever needed when running from sources, where TypeScript is installed (devDependency).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require("typescript") as typeof import("typescript");
  const modules = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (modules.has(file)) continue;
    const source = readFileSync(file, "utf8");
    const code = file.endsWith(".json")
      ? `module.exports = ${source};`
      : ts.transpileModule(source, {
          fileName: file,
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
          },
        }).outputText;
    modules.set(file, code);
    for (const match of code.matchAll(/\brequire\("(\.{1,2}\/[^"]*)"\)/g)) {
      pending.push(resolveSource(path.dirname(file), match[1], file));
    }
  }
  const table = [...modules]
    .map(
      ([file, code]) =>
        `${JSON.stringify(file)}: function (exports, require, module, __filename, __dirname) {\n${code}\n}`,
    )
    .join(",\n");
  const bundle = `
const path = require("node:path");
const sources = {\n${table}\n};
const loaded = new Map();
function load(file) {
  let module = loaded.get(file);
  if (module) return module.exports;
  module = { exports: {} };
  loaded.set(file, module);
  const dir = path.dirname(file);
  const local = (specifier) =>
    specifier.startsWith("./") || specifier.startsWith("../")
      ? load(resolve(dir, specifier))
      : require(specifier);
  sources[file].call(module.exports, module.exports, local, module, file, dir);
  return module.exports;
}
function resolve(dir, specifier) {
  const base = path.join(dir, specifier);
  for (const file of [base, base + ".ts", base + ".json", path.join(base, "index.ts")]) {
    if (Object.prototype.hasOwnProperty.call(sources, file)) return file;
  }
  throw new Error("worker bundle: cannot find " + specifier + " from " + dir);
}
load(${JSON.stringify(entry)});
`;
  bundles.set(entry, bundle);
  return bundle;
}

/** The source file a relative specifier names, as Node would find its compiled form. */
function resolveSource(dir: string, specifier: string, from: string): string {
  const base = path.join(dir, specifier);
  for (const file of [base + ".ts", base, path.join(base, "index.ts")]) {
    if (existsSync(file) && (file.endsWith(".ts") || file.endsWith(".json"))) return file;
  }
  throw new Error(`Worker module ${from} requires ${specifier}, which has no TypeScript source.`);
}
