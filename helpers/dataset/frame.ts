/** danfojs views of the data set, for exploration and display in the notebooks. */
import { dfd } from "./danfo";
import type { CreditCardData } from "./creditCard";

/** The whole data set as a danfojs DataFrame (columns in file order). */
export function toDataFrame(data: CreditCardData): dfd.DataFrame {
  const columns: Record<string, number[]> = {};
  for (const name of data.columnNames) columns[name] = Array.from(data.columns[name]);
  return new dfd.DataFrame(columns, { columns: data.columnNames });
}
