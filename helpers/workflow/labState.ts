/**
 * What lab 01 hands to lab 02 (the original used IPython's `%store`): the experiment, trial and
 * training job names and where the data went. Kept as JSON in the workspace folder — local disk
 * in both modes, since it is the learner's notebook state, not an AWS resource.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultWorkspace } from "../local";
import { repoRoot } from "../paths";

export interface LabState {
  experimentName: string;
  trialName: string;
  trainingJobName: string;
  /** S3 URIs of the lab's data sets. */
  rawDataUri: string;
  trainDataUri: string;
  testDataUri: string;
  baselineDataUri: string;
  /** How lab 01 split the data, so lab 02 rebuilds the same test rows. */
  splitSeed: number;
  testFraction: number;
  backend: "local" | "aws";
  savedAt: string;
}

const FILE = "lab-state.json";

function stateFile(workspace?: string): string {
  return path.join(workspace ?? defaultWorkspace(repoRoot()), FILE);
}

export function saveLabState(state: Omit<LabState, "savedAt">, workspace?: string): LabState {
  const full: LabState = { ...state, savedAt: new Date().toISOString() };
  const file = stateFile(workspace);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(full, null, 2) + "\n");
  fs.renameSync(temp, file); // atomic: lab 02 never reads half a file
  return full;
}

export function loadLabState(workspace?: string): LabState {
  const file = stateFile(workspace);
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found: run lab 01 (01_SageMaker-DataScientist-Workflow) first.`);
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as LabState;
}
