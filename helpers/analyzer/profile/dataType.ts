/**
 * Per-value type classes and the column type rule (spec §3.2), following Deequ
 * `StatefulDataType.scala` (regexes) and `DataType.scala` (`DataTypeHistogram.determineType`).
 *
 * The regexes are evaluated as a byte state machine instead of RegExp objects: the profiler
 * classifies every field of every row, and doing it on the raw bytes avoids creating a JS string
 * per field (the dominant cost of a naive CSV profiler).
 */

export const enum ValueClass {
  Null = 0,
  Fractional = 1,
  Integral = 2,
  Boolean = 3,
  String = 4,
}

export type ColumnType = "Unknown" | "Fractional" | "Integral" | "Boolean" | "String";

export interface ClassCounts {
  null: number;
  fractional: number;
  integral: number;
  boolean: number;
  string: number;
}

/** Deequ DataTypeHistogram.determineType. */
export function determineType(c: ClassCounts): ColumnType {
  const present = c.fractional + c.integral + c.boolean + c.string;
  if (present === 0) return "Unknown";
  if (c.string > 0) return "String";
  if (c.boolean > 0 && c.fractional + c.integral > 0) return "String";
  if (c.boolean > 0) return "Boolean";
  if (c.fractional > 0) return "Fractional";
  return "Integral";
}

const MINUS = 0x2d;
const PLUS = 0x2b;
const SPACE = 0x20;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

export const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/**
 * The numeric value of the last field classified as Integral/Fractional by `classifyBytes`
 * (a scratch slot rather than a returned object, so the hot loop allocates nothing).
 */
export const parsed = { value: 0, canonical: false };

/**
 * Whether a plain decimal text is exactly `String(value)`, so that the value alone identifies
 * the text (the distinct-value table then compares doubles instead of bytes). Decided from the
 * shape only: no '+', no space, no superfluous leading zero, <= 15 significant digits (which
 * round-trip), no trailing fraction zero, not "-0", and within JS's plain-notation range.
 */
function isCanonical(
  buf: Uint8Array,
  start: number,
  digitsStart: number,
  intDigits: number,
  fractionDigits: number,
  fractionEnd: number,
  value: number,
): boolean {
  if (digitsStart !== start && buf[start] !== MINUS) return false; // '+' or a space
  if (digitsStart - start > 1) return false; // sign and space
  if (intDigits > 1 && buf[digitsStart] === ZERO) return false;
  if (intDigits + fractionDigits > 15) return false;
  if (fractionDigits > 0 && buf[fractionEnd - 1] === ZERO) return false;
  if (value === 0) return digitsStart === start; // "0" yes, "-0" no
  const abs = value < 0 ? -value : value;
  return abs >= 1e-6;
}

function isTrueOrFalse(buf: Uint8Array, start: number, end: number): boolean {
  const n = end - start;
  if (n === 4) {
    return (
      buf[start] === 0x74 &&
      buf[start + 1] === 0x72 &&
      buf[start + 2] === 0x75 &&
      buf[start + 3] === 0x65
    );
  }
  if (n === 5) {
    return (
      buf[start] === 0x66 &&
      buf[start + 1] === 0x61 &&
      buf[start + 2] === 0x6c &&
      buf[start + 3] === 0x73 &&
      buf[start + 4] === 0x65
    );
  }
  return false;
}

/**
 * Classify the bytes [start, end) with the Deequ regexes
 *   Fractional `^(-|\+)? ?\d+((\.\d+)|((?:\.\d+)?[Ee][-+]?\d+))$`, Integral `^(-|\+)? ?\d+$`,
 *   Boolean `^(true|false)$`, else String; an empty field is Null (spec §3.2, §3.5).
 * For numeric classes the value is left in `parsed.value`: exact fast path for short decimals
 * (an integer mantissa < 2^53 divided by an exact power of ten is correctly rounded, like Java's
 * Double.parseDouble), `Number()` otherwise.
 */
export function classifyBytes(buf: Uint8Array, start: number, end: number): ValueClass {
  if (start >= end) return ValueClass.Null;
  let i = start;
  let negative = false;
  let b = buf[i];
  if (b === MINUS || b === PLUS) {
    negative = b === MINUS;
    i++;
  }
  // `(-|\+)? ?`: one optional space, with or without a sign before it.
  if (i < end && buf[i] === SPACE) i++;
  const digitsStart = i;
  let mantissa = 0;
  let digits = 0;
  while (i < end) {
    b = buf[i];
    if (b < ZERO || b > NINE) break;
    mantissa = mantissa * 10 + (b - ZERO);
    digits++;
    i++;
  }
  if (i === digitsStart) {
    return isTrueOrFalse(buf, start, end) ? ValueClass.Boolean : ValueClass.String;
  }
  if (i === end) {
    parsed.value = digits <= 15 ? (negative ? -mantissa : mantissa) : slowParse(buf, start, end);
    parsed.canonical = isCanonical(buf, start, digitsStart, digits, 0, end, parsed.value);
    return ValueClass.Integral;
  }
  const intDigits = digits;
  let fractionDigits = 0;
  if (buf[i] === DOT) {
    i++;
    const fracStart = i;
    while (i < end) {
      b = buf[i];
      if (b < ZERO || b > NINE) break;
      mantissa = mantissa * 10 + (b - ZERO);
      i++;
    }
    fractionDigits = i - fracStart;
    if (fractionDigits === 0) return ValueClass.String; // "5." is not a number
    digits += fractionDigits;
    if (i === end) {
      if (digits <= 15) {
        const v = mantissa / POW10[fractionDigits];
        parsed.value = negative ? -v : v;
      } else {
        parsed.value = slowParse(buf, start, end);
      }
      parsed.canonical = isCanonical(
        buf,
        start,
        digitsStart,
        intDigits,
        fractionDigits,
        end,
        parsed.value,
      );
      return ValueClass.Fractional;
    }
  }
  b = buf[i];
  if (b !== LOWER_E && b !== UPPER_E) return ValueClass.String;
  i++;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) i++;
  const expStart = i;
  while (i < end && buf[i] >= ZERO && buf[i] <= NINE) i++;
  if (i === expStart || i !== end) return ValueClass.String;
  parsed.value = slowParse(buf, start, end);
  parsed.canonical = false; // exponent notation
  return ValueClass.Fractional;
}

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Where scanField found the field's end (a CR of CRLF excluded) and the delimiter after it. */
export const field = { end: 0, next: 0 };

/**
 * Classify the unquoted CSV field starting at `start` and find where it ends (comma, LF, CRLF or
 * `end`), in one pass for the common shapes [sign][space]digits[.digits]; anything else takes
 * the general path (find the delimiter, then classifyBytes). Same classes and values as
 * classifyBytes on the isolated field; the scanner uses it to avoid reading each field twice.
 */
export function scanField(buf: Uint8Array, start: number, end: number): ValueClass {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  if (i < end && buf[i] === SPACE) i++;
  const digitsStart = i;
  let mantissa = 0;
  let b = 0;
  while (i < end) {
    b = buf[i];
    if (b < ZERO || b > NINE) break;
    mantissa = mantissa * 10 + (b - ZERO);
    i++;
  }
  let digits = i - digitsStart;
  if (digits === 0) return generalField(buf, start, end);
  const intDigits = digits;
  let fractionDigits = 0;
  if (i < end && buf[i] === DOT) {
    i++;
    const fracStart = i;
    while (i < end) {
      b = buf[i];
      if (b < ZERO || b > NINE) break;
      mantissa = mantissa * 10 + (b - ZERO);
      i++;
    }
    fractionDigits = i - fracStart;
    if (fractionDigits === 0) return generalField(buf, start, end);
    digits += fractionDigits;
  }
  let next = i;
  if (i < end) {
    b = buf[i];
    if (b === CR && (i + 1 === end || buf[i + 1] === LF)) next = i + 1;
    else if (b !== COMMA && b !== LF) return generalField(buf, start, end);
  }
  field.end = i;
  field.next = next;
  if (digits > 15) parsed.value = slowParse(buf, start, i);
  else {
    const v = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
    parsed.value = negative ? -v : v;
  }
  parsed.canonical = isCanonical(
    buf,
    start,
    digitsStart,
    intDigits,
    fractionDigits,
    i,
    parsed.value,
  );
  return fractionDigits === 0 ? ValueClass.Integral : ValueClass.Fractional;
}

function generalField(buf: Uint8Array, start: number, end: number): ValueClass {
  let j = start;
  while (j < end && buf[j] !== COMMA && buf[j] !== LF) j++;
  let fieldEnd = j;
  if (fieldEnd > start && buf[fieldEnd - 1] === CR && (j === end || buf[j] === LF)) fieldEnd--;
  field.end = fieldEnd;
  field.next = j;
  return classifyBytes(buf, start, fieldEnd);
}

function slowParse(buf: Uint8Array, start: number, end: number): number {
  let s = "";
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b !== SPACE) s += String.fromCharCode(b);
  }
  return Number(s);
}
