/**
 * The common text/csv request read straight from its bytes: rows of comma-separated plain
 * decimals (`[+-]digits[.digits]`, at most 15 significant digits), each line ending in `\n` or
 * `\r\n` (the last may end without one). Anything else (blank lines, spaces, other delimiters,
 * exponents, `nan`, longer numbers, a wrong column count) returns undefined and the caller reads the
 * text as the container does, errors included.
 *
 * Values are exactly `Math.fround(Number(field))`: the double Python's float() reads, narrowed to
 * float32 as the container's DMatrix holds it. A decimal with mantissa M < 2^53 and k <= 22
 * fraction digits is M / 10^k, both exact doubles, and IEEE division rounds that correctly
 * (Clinger's fast path), so no string or number parser is needed. Written here because no npm
 * CSV parser returns float32 rows without building strings first, which is the cost avoided.
 */

/** 10^0 .. 10^22, every one exact as a double (parsed, not computed with Math.pow). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** 15 digits always fit below 2^53 (9,007,199,254,740,992 has 16). */
const MAX_DIGITS = 15;

const COMMA = 0x2c;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Fresh values for every call: what a caller that keeps the values gets by default. */
const freshValues = (length: number) => new Float32Array(length);

export function parsePlainCsvBytes(
  body: Uint8Array,
  numFeatures: number,
  /** Where the values go: `length` floats, written from 0 (a caller may hand out a reused one). */
  valuesOf: (length: number) => Float32Array = freshValues,
): { values: Float32Array; nrow: number } | undefined {
  const end = body.length;
  // Rows = line feeds, plus one for a last line without its own.
  let nrow = 0;
  for (let i = 0; i < end; i++) if (body[i] === LINE_FEED) nrow++;
  if (end > 0 && body[end - 1] !== LINE_FEED) nrow++;
  if (nrow === 0 || numFeatures === 0) return undefined;
  const values = valuesOf(nrow * numFeatures);
  let at = 0;
  let field = 0;
  for (let i = 0; i < end;) {
    // One field: sign, digits, at most one dot, digits.
    let negative = false;
    const first = body[i];
    if (first === MINUS || first === PLUS) {
      negative = first === MINUS;
      i++;
    }
    let mantissa = 0;
    let digits = 0;
    let significant = 0;
    let fraction = -1; // digits after the dot; -1 while no dot
    for (; i < end; i++) {
      const c = body[i];
      if (c >= ZERO && c <= NINE) {
        digits++;
        if (significant > 0 || c !== ZERO) significant++;
        mantissa = mantissa * 10 + (c - ZERO);
        if (fraction >= 0) fraction++;
      } else if (c === DOT && fraction < 0) {
        fraction = 0;
      } else {
        break;
      }
    }
    if (digits === 0 || significant > MAX_DIGITS || fraction > 22) return undefined;
    const magnitude = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
    values[at++] = Math.fround(negative ? -magnitude : magnitude);
    field++;
    // What ends the field: a comma, or the line's end.
    const c = i < end ? body[i] : LINE_FEED;
    if (c === COMMA) {
      if (field === numFeatures) return undefined; // more columns than features
      i++;
      continue;
    }
    if (c === CARRIAGE_RETURN && i + 1 < end && body[i + 1] === LINE_FEED) i++;
    else if (c !== LINE_FEED) return undefined;
    if (field !== numFeatures) return undefined;
    field = 0;
    i++;
  }
  return at === values.length ? { values, nrow } : undefined;
}
