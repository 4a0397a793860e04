/**
 * How values read in tables and chart labels: numbers without floating-point noise
 * (0.30000000000000004 reads 0.3, a float32 AUC 0.7812345027923584 reads 0.781235): six significant
 * digits by default, unless a caller asks for full precision. (pandas shows six decimal places;
 * significant digits keep a LIMIT_BAL of 500000 and a drift distance of 0.000123 equally readable.)
 */

export interface NumberFormatOptions {
  /** Significant digits for non-integers (default 6). */
  precision?: number;
  /** Print the shortest round-trip form instead (every digit JavaScript needs to recover it). */
  fullPrecision?: boolean;
}

/** Integers below this print in full; pandas switches to exponent notation about here too. */
const LARGE = 1e15;
/** Non-zero magnitudes below this print in exponent notation (1.5e-05 rather than 0.000015). */
const SMALL = 1e-4;

export function formatNumber(value: number, options: NumberFormatOptions = {}): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Object.is(value, -0)) value = 0;
  if (options.fullPrecision) return String(value);
  const precision = options.precision ?? 6;
  if (!Number.isInteger(precision) || precision < 1 || precision > 21) {
    throw new RangeError(`precision must be an integer from 1 to 21, got ${precision}`);
  }
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < LARGE) return String(value);
  if (magnitude >= LARGE || (magnitude < SMALL && magnitude > 0)) {
    return trimExponent(value.toExponential(precision - 1));
  }
  const text = value.toPrecision(precision);
  // toPrecision may itself choose exponent form (e.g. 123456789.5 with precision 6).
  if (text.includes("e")) return trimExponent(text);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/** 1.50000e+3 -> 1.5e+03 (trailing zeros go; two exponent digits, as Python prints). */
function trimExponent(text: string): string {
  const [mantissa, exponent] = text.split("e");
  const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
  return `${m}e${sign}${digits}`;
}

/** A count with thousands separators: 30000 -> "30,000" (fixed locale, so outputs are stable). */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export interface CellFormatOptions extends NumberFormatOptions {
  /** Longer text is cut with an ellipsis (default 300 characters). */
  maxCellChars?: number;
}

/**
 * One table cell as text: numbers as above, dates as ISO 8601 (UTC), missing values (null,
 * undefined) as an empty string, objects and arrays as compact JSON.
 */
export function formatCell(value: unknown, options: CellFormatOptions = {}): string {
  const text = cellText(value, options);
  const max = options.maxCellChars ?? 300;
  return text.length > max ? text.slice(0, Math.max(0, max - 1)) + "…" : text;
}

function cellText(value: unknown, options: NumberFormatOptions): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value, options);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  }
  try {
    return JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v,
    ) as string;
  } catch {
    return String(value);
  }
}
