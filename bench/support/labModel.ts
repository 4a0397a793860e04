/**
 * A model shaped like the lab's: trained here with the lab's hyperparameters on the lab's
 * preprocessed training split (23 features), packed as SageMaker's model.tar.gz, plus the test
 * split's feature rows as the single-row text/csv bodies the lab sends.
 */
import {
  loadCreditCardData,
  preprocess,
  shortestFloat32,
  type LabTable,
} from "../../helpers/dataset";
import { LAB_HYPERPARAMETERS } from "../../helpers/workflow/training";
import { DMatrix, packModelArtifact, train, type Booster } from "../../helpers/xgboost";

export interface LabModel {
  booster: Booster;
  /** model.tar.gz holding `xgboost-model`. */
  artifact: Buffer;
  /** Feature names (the lab table's columns without `Label`). */
  features: string[];
  /** Test rows without the label, one CSV line each. */
  testRows: string[];
  /** The baselining input: the training split with a header, label first. */
  train: LabTable;
}

function featureLines(table: LabTable): string[] {
  const lines: string[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    const row: string[] = [];
    for (let c = 1; c < table.columns.length; c++) row.push(shortestFloat32(table.values[c][r]));
    lines.push(row.join(","));
  }
  return lines;
}

export async function trainLabModel(
  rounds = Number(LAB_HYPERPARAMETERS.num_round),
): Promise<LabModel> {
  const { train: trainTable, test } = preprocess(loadCreditCardData());
  const rows: number[][] = [];
  for (let r = 0; r < trainTable.rowCount; r++) {
    rows.push(trainTable.values.slice(1).map((column) => column[r]));
  }
  const features = trainTable.columns.slice(1);
  const dtrain = new DMatrix(rows, {
    label: Array.from(trainTable.values[0]),
    featureNames: features,
  });
  const { eval_metric: _metric, num_round: _rounds, ...params } = LAB_HYPERPARAMETERS;
  const booster = train(params, dtrain, { numBoostRound: rounds });
  return {
    booster,
    artifact: await packModelArtifact(booster),
    features,
    testRows: featureLines(test),
    train: trainTable,
  };
}
