/**
 * The CSV scanner's fast path: read one row whose fields are all plain numbers or empty into a
 * NumericBlock, or give up (-1) on the first field that is anything else, leaving the row to the
 * general path (csvScanner.ts), which handles every shape.
 *
 * Accepted field shapes: empty, or `-?\d+(\.\d+)?([eE][-+]?\d{1,4})?` with at most 15 significant
 * digits; the row must have exactly the block's width and end in LF or CRLF.
 * Values are exactly what dataType.classifyBytes gives (Java's Double.parseDouble): a mantissa
 * of <= 15 digits is an exact double, and one multiplication or division by an exact power of
 * ten (<= 1e22) is correctly rounded (Clinger's fast path), so exponent notation such as
 * `2.00E+05` (common in spreadsheet exports) stays on the fast path too.
 */
import { POW10 as POW10_LIST, ValueClass } from "../profile/dataType";
import { CANONICAL, NumericBlock } from "../profile/numericBlock";

const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Exact powers of ten, as a local typed array: read once or twice per field. */
const POW10 = Float64Array.from(POW10_LIST);

/** Exponent digits accepted on the fast path (any scale beyond 1e22 falls back anyway). */
const MAX_EXPONENT_DIGITS = 4;

/**
 * Scan the row at buf[pos] into the block's next row. Returns the position after the row (past
 * its line end) and counts the row in the block, or -1 with the block's row count unchanged
 * (the caller then calls block.clearRow(): the next row in those slots writes only the kinds
 * that differ from the default).
 *
 * buf[end - 1] must be a line feed: it stops every digit loop, so the loops need no bounds
 * check (~15 % of this function's time); the scanner only calls it on such ranges.
 */
export function scanNumericRow(
  buf: Uint8Array,
  pos: number,
  end: number,
  block: NumericBlock,
): number {
  const width = block.width;
  const capacity = block.rowCapacity;
  const row = block.rows;
  const values = block.values;
  const kinds = block.kinds;
  const starts = block.starts;
  const ends = block.ends;
  const missingCounts = block.missingCounts;
  const fractionalCounts = block.fractionalCounts;
  for (let c = 0; c < width; c++) {
    const slot = c * capacity + row;
    const start = pos;
    let b = buf[pos];
    if (b === COMMA || b === LF || b === CR) {
      kinds[slot] = ValueClass.Null; // an empty field is missing (spec §3.2)
      missingCounts[c]++;
    } else {
      let negative = false;
      if (b === MINUS) {
        negative = true;
        pos++;
      }
      const digitsStart = pos;
      let mantissa = 0;
      for (;;) {
        b = buf[pos];
        const digit = b - ZERO;
        if (digit >>> 0 > 9) break; // one unsigned compare for '0'..'9'
        mantissa = mantissa * 10 + digit;
        pos++;
      }
      const intDigits = pos - digitsStart;
      if (b === (c < width - 1 ? COMMA : LF) && intDigits !== 0 && intDigits <= 15) {
        // The usual field, an integer followed by its delimiter (a comma, or the line feed
        // after the last field), decided here (~15 % of this function's time): canonical
        // unless it has a superfluous leading zero or is "-0".
        values[slot] = negative ? -mantissa : mantissa;
        if ((intDigits !== 1 && buf[digitsStart] === ZERO) || (negative && mantissa === 0)) {
          kinds[slot] = ValueClass.Integral;
          starts[slot] = start;
          ends[slot] = pos;
        }
        pos++;
        continue;
      }
      if (intDigits === 0) return -1;
      let fractionDigits = 0;
      if (b === DOT) {
        pos++;
        const fractionStart = pos;
        for (;;) {
          b = buf[pos];
          const digit = b - ZERO;
          if (digit >>> 0 > 9) break;
          mantissa = mantissa * 10 + digit;
          pos++;
        }
        fractionDigits = pos - fractionStart;
        if (fractionDigits === 0) return -1; // "5." is a String
      }
      if (intDigits + fractionDigits > 15) return -1;
      b = buf[pos];
      if (b === LOWER_E || b === UPPER_E) {
        pos++;
        let exponentNegative = false;
        if (buf[pos] === MINUS || buf[pos] === PLUS) {
          exponentNegative = buf[pos] === MINUS;
          pos++;
        }
        const exponentStart = pos;
        let exponent = 0;
        for (;;) {
          b = buf[pos];
          if (b < ZERO || b > NINE) break;
          exponent = exponent * 10 + (b - ZERO);
          pos++;
        }
        const exponentDigits = pos - exponentStart;
        if (exponentDigits === 0 || exponentDigits > MAX_EXPONENT_DIGITS) return -1;
        const scale = (exponentNegative ? -exponent : exponent) - fractionDigits;
        if (scale > 22 || scale < -22) return -1;
        const v = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
        values[slot] = negative ? -v : v;
        kinds[slot] = ValueClass.Fractional; // exponent notation is never canonical
        fractionalCounts[c]++;
        starts[slot] = start;
        ends[slot] = pos;
      } else {
        const v = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
        values[slot] = negative ? -v : v;
        // dataType.isCanonical for this shape (no '+', no space, <= 15 digits already known):
        // no superfluous leading zero, no trailing fraction zero, not "-0", not below 1e-6.
        let canonical = intDigits === 1 || buf[digitsStart] !== ZERO;
        if (fractionDigits > 0 && (buf[pos - 1] === ZERO || v < 1e-6)) canonical = false;
        if (v === 0 && negative) canonical = false;
        let cls = ValueClass.Integral;
        if (fractionDigits !== 0) {
          cls = ValueClass.Fractional;
          fractionalCounts[c]++;
        }
        if (canonical) {
          // Its text is String(value): no range needed; a canonical integer's kind is the
          // slot's default already (NumericBlock.kinds).
          if (cls !== ValueClass.Integral) kinds[slot] = cls | CANONICAL;
        } else {
          kinds[slot] = cls;
          starts[slot] = start;
          ends[slot] = pos;
        }
      }
    }
    // No field reaches the line feed at end - 1, so pos < end - 1 < end here.
    b = buf[pos];
    if (c < width - 1) {
      if (b !== COMMA) return -1;
      pos++;
    } else if (b === LF) pos++;
    else if (b === CR && buf[pos + 1] === LF) pos += 2;
    else return -1;
  }
  block.rows = row + 1;
  return pos;
}
