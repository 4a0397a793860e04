/**
 * Resource documents as JSON files: `<root>/<kind>/<encoded name>.json`.
 *
 * All documents are loaded into memory when the store opens (the emulator's state is small:
 * hundreds of jobs, not millions) so reads are synchronous and cheap; every write goes to disk
 * atomically before it returns, so a restart reloads exactly what callers saw.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StateStore } from "../context";
import { TEMP_PREFIX, writeFileAtomic } from "./atomicWrite";

const KIND_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export class FileStateStore implements StateStore {
  private readonly documents = new Map<string, Map<string, unknown>>();

  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.load();
  }

  get<T>(kind: string, name: string): T | undefined {
    const doc = this.kindMap(kind).get(name);
    return doc === undefined ? undefined : (structuredClone(doc) as T);
  }

  put<T>(kind: string, name: string, doc: T): void {
    if (name.length === 0) {
      throw new Error(`Cannot store a ${kind} document without a name`);
    }
    const json = JSON.stringify(doc, null, 2) + "\n";
    writeFileAtomic(this.fileFor(kind, name), json);
    // Store the parsed JSON, not the caller's object: callers get what a restart would give them
    // (Dates become ISO strings) and cannot mutate stored state by keeping a reference.
    this.kindMap(kind).set(name, JSON.parse(json));
  }

  delete(kind: string, name: string): boolean {
    const map = this.kindMap(kind);
    if (!map.has(name)) {
      return false;
    }
    fs.rmSync(this.fileFor(kind, name), { force: true });
    map.delete(name);
    return true;
  }

  list<T>(kind: string): T[] {
    return [...this.kindMap(kind).values()].map((doc) => structuredClone(doc) as T);
  }

  private kindMap(kind: string): Map<string, unknown> {
    if (!KIND_PATTERN.test(kind)) {
      throw new Error(`Invalid state kind "${kind}": use letters, digits, '.', '_' or '-'`);
    }
    let map = this.documents.get(kind);
    if (!map) {
      map = new Map();
      this.documents.set(kind, map);
    }
    return map;
  }

  private fileFor(kind: string, name: string): string {
    // encodeURIComponent keeps names readable and makes '/', '\\' and '..' harmless as file names.
    const encoded = encodeURIComponent(name).replace(/\./g, "%2E");
    return path.join(this.root, kind, `${encoded}.json`);
  }

  private load(): void {
    for (const kind of fs.readdirSync(this.root)) {
      const dir = path.join(this.root, kind);
      if (!KIND_PATTERN.test(kind) || !fs.statSync(dir).isDirectory()) {
        continue;
      }
      const map = this.kindMap(kind);
      for (const file of fs.readdirSync(dir)) {
        if (file.startsWith(TEMP_PREFIX)) {
          // Leftover of a crash between write and rename: the previous document is still intact.
          fs.rmSync(path.join(dir, file), { force: true });
          continue;
        }
        if (!file.endsWith(".json")) {
          continue;
        }
        const full = path.join(dir, file);
        let doc: unknown;
        try {
          doc = JSON.parse(fs.readFileSync(full, "utf8"));
        } catch (error) {
          throw new Error(
            `State document ${full} is not valid JSON (${(error as Error).message}); fix or delete it`,
          );
        }
        map.set(decodeURIComponent(file.slice(0, -".json".length)), doc);
      }
    }
  }
}
