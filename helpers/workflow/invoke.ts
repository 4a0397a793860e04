/** Lab 02 steps 6-7: send rows to the endpoint and read back what data capture recorded. */
import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import { shortestFloat32 } from "../dataset/preprocess";
import type { WorkflowContext } from "./context";
import { listUris, readText } from "./storage";

/**
 * One CSV line per row (no header, no label), as the XGBoost container expects. Values are
 * float32 (what the model sees), printed with the fewest digits that read back the same.
 */
export function toCsvPayload(rows: ArrayLike<number>[]): string {
  return rows.map((row) => Array.from(row, shortestFloat32).join(",")).join("\n");
}

/** Sends `rows` in one text/csv request; returns one probability per row. */
export async function predictRows(
  context: Pick<WorkflowContext, "runtime">,
  endpointName: string,
  rows: ArrayLike<number>[],
  options: { inferenceId?: string } = {},
): Promise<number[]> {
  const response = await context.runtime.send(
    new InvokeEndpointCommand({
      EndpointName: endpointName,
      ContentType: "text/csv",
      Accept: "text/csv",
      Body: new TextEncoder().encode(toCsvPayload(rows)),
      InferenceId: options.inferenceId,
    }),
  );
  const text = new TextDecoder().decode(response.Body);
  // Newer containers answer one value per line, older ones one comma-separated line.
  const values = text
    .split(/[\n,]/)
    .map((value) => value.trim())
    .filter((value) => value !== "")
    .map(Number);
  if (values.length !== rows.length || values.some(Number.isNaN)) {
    throw new Error(
      `Endpoint ${endpointName} answered ${JSON.stringify(text.slice(0, 200))} for ${rows.length} rows`,
    );
  }
  return values;
}

/** A data capture record as SageMaker writes it (one JSON object per line). */
export interface CaptureRecord {
  captureData: {
    endpointInput?: {
      observedContentType: string | null;
      mode: "INPUT";
      data: string;
      encoding: string;
    };
    endpointOutput?: {
      observedContentType: string | null;
      mode: "OUTPUT";
      data: string;
      encoding: string;
    };
  };
  eventMetadata: { eventId: string; inferenceId?: string; inferenceTime: string };
  eventVersion: string;
}

/** Capture files of an endpoint's variant, oldest first (their keys sort by hour and time). */
export async function captureFiles(
  context: Pick<WorkflowContext, "s3">,
  captureUri: string,
  endpointName: string,
  variant = "AllTraffic",
): Promise<string[]> {
  return listUris(context, `${captureUri.replace(/\/+$/, "")}/${endpointName}/${variant}/`);
}

/** Parses one capture file; a line that is not a record is reported with its position. */
export async function readCaptureFile(
  context: Pick<WorkflowContext, "s3">,
  uri: string,
): Promise<{ records: CaptureRecord[]; malformed: { line: number; text: string }[] }> {
  const lines = (await readText(context, uri)).split("\n");
  const records: CaptureRecord[] = [];
  const malformed: { line: number; text: string }[] = [];
  lines.forEach((text, index) => {
    if (text === "") return;
    try {
      records.push(JSON.parse(text) as CaptureRecord);
    } catch {
      malformed.push({ line: index + 1, text: text.slice(0, 120) });
    }
  });
  return { records, malformed };
}
