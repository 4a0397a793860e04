/**
 * Writer for the JSON style of the closed SageMaker analyzer (spec §2): Jackson's default pretty
 * printer driven by Java types. Java distinguishes doubles from longs, JavaScript does not, so a
 * value tree passed here marks longs as `bigint`; every `number` is written as a Java double.
 */

/** A value the Jackson-style writer can serialize. `bigint` is a Java long, `number` a double. */
export type JacksonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JacksonValue[]
  | { [key: string]: JacksonValue | undefined };

/**
 * Java `Double.toString` for a JS number (spec §2): always a decimal point or an exponent,
 * shortest round-trip digits, E notation when |x| < 1e-3 or |x| >= 1e7, `-0.0` kept.
 * JS and Java (19+) both print the shortest digits that round-trip, so only the layout differs.
 */
export function formatJavaDouble(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes(".") ? s : s + ".0";
  }
  // toExponential() gives "d.ddde+N" / "de-N" with the shortest digits.
  const exp = x.toExponential();
  const at = exp.indexOf("e");
  let mantissa = exp.slice(0, at);
  const exponent = exp.slice(at + 1);
  if (!mantissa.includes(".")) mantissa += ".0";
  return mantissa + "E" + (exponent.startsWith("+") ? exponent.slice(1) : exponent);
}

/** JSON string literal as Jackson writes it (same escapes as JSON.stringify for our content). */
function quote(s: string): string {
  return JSON.stringify(s);
}

function scalar(value: number | bigint | boolean | string | null): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return quote(value);
  // Jackson's default writes non-finite doubles as quoted strings (spec §2 / Not confirmed 4).
  if (!Number.isFinite(value)) return quote(formatJavaDouble(value));
  return formatJavaDouble(value);
}

/**
 * Serialize like Jackson's DefaultPrettyPrinter: objects put one `"key" : value` per line and
 * indent 2 spaces per enclosing object; arrays stay inline (`[ a, b ]`, `[ ]`) and add no
 * indentation. No trailing newline (Jackson `writeValue` adds none).
 */
export function formatJackson(value: JacksonValue): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join("");
}

function write(value: JacksonValue | undefined, depth: number, out: string[]): void {
  if (value === undefined) throw new Error("formatJackson: undefined is not a JSON value");
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push("[ ]");
      return;
    }
    out.push("[ ");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(", ");
      write(value[i], depth, out);
    }
    out.push(" ]");
    return;
  }
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 0) {
      out.push("{ }");
      return;
    }
    const inner = "  ".repeat(depth + 1);
    out.push("{\n");
    keys.forEach((key, i) => {
      if (i > 0) out.push(",\n");
      out.push(inner, quote(key), " : ");
      write(value[key], depth + 1, out);
    });
    out.push("\n", "  ".repeat(depth), "}");
    return;
  }
  out.push(scalar(value));
}
