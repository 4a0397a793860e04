/**
 * Booster: a trained (or loaded) gbtree model with XGBoost's Python API names — predict, save_model,
 * load_model, get_score. Margins are float32 as in XGBoost; SHAP values come from treeshap.ts.
 */
import * as fs from "fs";
import type { DMatrix } from "./dmatrix";
import { featureImportance, ImportanceType } from "./importance";
import { isLegacyBinary, readLegacyBinary } from "./modelBinary";
import { ModelContent, readModelJson, writeModelJson } from "./modelJson";
import { baseMargin, transform } from "./objective";
import type { Objective } from "./params";
import { predictMargins } from "./predictor";
import { RegTree } from "./tree";
import { predictContributions } from "./treeshap";

export interface PredictOptions {
  outputMargin?: boolean;
  /** SHAP values n x (features + 1), bias last, in margin space (Float32Array). */
  predContribs?: boolean;
}

export class Booster {
  readonly trees: RegTree[];
  readonly objective: Objective;
  /** base_score in output space (probability for logistic objectives). */
  readonly baseScore: number;
  readonly numFeatures: number;
  featureNames?: string[];
  featureTypes?: string[];
  attributes: Record<string, string>;
  private history: Record<string, Record<string, number[]>> = {};

  constructor(content: ModelContent) {
    this.trees = content.trees;
    this.objective = content.objective;
    this.baseScore = content.baseScore;
    this.numFeatures = content.numFeature;
    this.featureNames = content.featureNames;
    this.featureTypes = content.featureTypes;
    this.attributes = { ...content.attributes };
  }

  /** Margin added before the first tree: ProbToMargin(base_score) for logistic objectives. */
  get baseMargin(): number {
    return baseMargin(this.objective, this.baseScore);
  }

  numTrees(): number {
    return this.trees.length;
  }

  /** Probabilities (logistic) or values; margins with outputMargin; SHAP with predContribs. */
  predict(d: DMatrix, opts: PredictOptions = {}): Float32Array {
    if (d.numCol !== this.numFeatures) {
      throw new Error(
        `the data has ${d.numCol} columns but the model expects ${this.numFeatures} features; pass the feature columns only (no label, no ID)`,
      );
    }
    if (opts.predContribs) {
      return predictContributions(this.trees, this.baseMargin, d.data, d.numRow, d.numCol);
    }
    const margins = predictMargins(
      this.trees,
      this.baseMargin,
      d.data,
      d.numRow,
      d.numCol,
      this.numFeatures,
    );
    return opts.outputMargin ? margins : transform(this.objective, margins);
  }

  /** XGBoost's importance map (see importance.ts); default type "weight" as in get_score. */
  getScore(opts: { importanceType?: ImportanceType } = {}): Record<string, number> {
    return featureImportance(
      this.trees,
      this.numFeatures,
      opts.importanceType ?? "weight",
      this.featureNames,
    );
  }

  /** Per-round metrics recorded by train(): eval name -> metric -> values. */
  evalsResult(): Record<string, Record<string, number[]>> {
    return this.history;
  }

  /** @internal used by train() */
  setEvalsResult(h: Record<string, Record<string, number[]>>): void {
    this.history = h;
  }

  /** XGBoost 1.7 JSON text of the model. */
  toJson(): string {
    return writeModelJson({
      trees: this.trees,
      objective: this.objective,
      baseScore: this.baseScore,
      numFeature: this.numFeatures,
      featureNames: this.featureNames,
      featureTypes: this.featureTypes,
      attributes: this.attributes,
    });
  }

  /** Returns the XGBoost JSON model as a Buffer, or writes it to `path`. */
  saveModel(): Buffer;
  saveModel(path: string): void;
  saveModel(path?: string): Buffer | void {
    const buf = Buffer.from(this.toJson(), "utf8");
    if (path === undefined) return buf;
    fs.writeFileSync(path, buf);
  }

  /**
   * Loads a model from a file path or a Buffer (e.g. `xgboost-model` from model.tar.gz): XGBoost
   * JSON, or the legacy binary format that SageMaker's 1.3-1 ... 1.7-1 containers write.
   */
  static loadModel(pathOrBuffer: string | Buffer): Booster {
    const buf = typeof pathOrBuffer === "string" ? fs.readFileSync(pathOrBuffer) : pathOrBuffer;
    if (isLegacyBinary(buf)) return new Booster(readLegacyBinary(buf));
    const head = buf.toString("latin1", 0, Math.min(buf.length, 64)).trimStart();
    if (head.startsWith("{") && !/^\{\s*["}]/.test(head)) {
      throw new Error(
        "the model is UBJSON (XGBoost >= 2.1's default binary format), which is not supported; " +
          "re-save it in XGBoost with booster.save_model('model.json')",
      );
    }
    return new Booster(readModelJson(buf.toString("utf8")));
  }
}
