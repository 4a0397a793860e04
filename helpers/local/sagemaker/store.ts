/**
 * The SageMaker documents kept in the workspace state store, one per resource, keyed by the
 * lowercased name (SageMaker names are unique case-insensitively; the ARN uses the lowercased
 * name too). Each document holds the resource exactly as Describe returns it (wire form), plus
 * what Describe does not show (tags, trial associations).
 */
import type {
  DescribeExperimentCommandOutput,
  DescribeModelCommandOutput,
  DescribeTrainingJobCommandOutput,
  DescribeTrialCommandOutput,
  DescribeTrialComponentCommandOutput,
  Tag,
} from "@aws-sdk/client-sagemaker";
import type { ServiceContext, StateStore } from "../context";
import type { Out } from "./wire";

export interface TrainingJobDoc {
  job: Out<DescribeTrainingJobCommandOutput>;
  tags: Tag[];
}

export interface ModelDoc {
  model: Out<DescribeModelCommandOutput>;
  tags: Tag[];
}

export interface ExperimentDoc {
  experiment: Out<DescribeExperimentCommandOutput>;
  tags: Tag[];
}

export interface TrialDoc {
  trial: Out<DescribeTrialCommandOutput>;
  tags: Tag[];
}

export interface TrialComponentDoc {
  component: Out<DescribeTrialComponentCommandOutput>;
  tags: Tag[];
  /** Names of the trials this component is associated with, in association order. */
  trials: string[];
}

interface Kinds {
  "sagemaker-training-job": TrainingJobDoc;
  "sagemaker-model": ModelDoc;
  "sagemaker-experiment": ExperimentDoc;
  "sagemaker-trial": TrialDoc;
  "sagemaker-trial-component": TrialComponentDoc;
}

export type Kind = keyof Kinds;

/** Typed access to the state store for SageMaker documents. */
export class SageMakerStore {
  constructor(private readonly state: StateStore) {}

  get<K extends Kind>(kind: K, name: string): Kinds[K] | undefined {
    return this.state.get<Kinds[K]>(kind, name.toLowerCase());
  }

  put<K extends Kind>(kind: K, name: string, doc: Kinds[K]): void {
    this.state.put(kind, name.toLowerCase(), doc);
  }

  delete(kind: Kind, name: string): boolean {
    return this.state.delete(kind, name.toLowerCase());
  }

  list<K extends Kind>(kind: K): Kinds[K][] {
    return this.state.list<Kinds[K]>(kind);
  }
}

/** What every SageMaker handler gets: the emulator context and the typed store. */
export interface SageMakerContext extends ServiceContext {
  store: SageMakerStore;
}

/** AWS fills CreatedBy/LastModifiedBy from a Studio user profile; API callers get an empty one. */
export const API_CALLER = {};
