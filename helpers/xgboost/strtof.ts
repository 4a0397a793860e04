/**
 * dmlc-core's float parser (include/dmlc/strtonum.h `ParseFloat<float>`, dmlc-core dfd9365, the
 * submodule commit of XGBoost 1.7.4). XGBoost's CSV reader (src/data/csv_parser.h) parses every
 * field with it, so a SageMaker training job sees these float32 values, which are not always the
 * correctly rounded ones (spec §5.1): the integer part and up to 19 fraction digits are read into
 * uint64s and combined with one float addition; an exponent scales by float powers of ten.
 */

const MAX_FRACTION_DIGITS = 19; // kStrtofMaxDigits
const TWO_POW_53 = 2 ** 53;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** uint64 digits -> double, correctly rounded like static_cast<double>(uint64_t). */
function digitsToDouble(s: string, begin: number, end: number, wrap: boolean): number {
  if (end - begin <= 15) {
    let v = 0;
    for (let i = begin; i < end; i++) v = v * 10 + (s.charCodeAt(i) - 48);
    return v;
  }
  let big = BigInt(s.slice(begin, end));
  if (wrap) big = BigInt.asUintN(64, big); // uint64 overflow wraps in C++
  return Number(big);
}

/**
 * Parses one CSV field as dmlc::strtof does. Returns NaN for an empty or blank field (the CSV
 * reader treats it as missing) and throws when the text is not a number at all.
 */
export function dmlcStrtof(text: string): number {
  const s = text;
  let p = 0;
  const n = s.length;
  while (p < n && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  if (p === n) return NaN;
  let positive = true;
  if (s[p] === "-") {
    positive = false;
    p++;
  } else if (s[p] === "+") {
    p++;
  }
  const rest = s.slice(p).toLowerCase();
  if (rest.startsWith("inf")) return positive ? Infinity : -Infinity;
  if (rest.startsWith("nan")) return NaN;

  const intBegin = p;
  while (p < n && isDigit(s.charCodeAt(p))) p++;
  const intEnd = p;
  // FloatType value = static_cast<FloatType>(predec)
  let value = Math.fround(digitsToDouble(s, intBegin, intEnd, true));
  let anyDigits = intEnd > intBegin;
  if (p < n && s[p] === ".") {
    p++;
    const fracBegin = p;
    while (p < n && isDigit(s.charCodeAt(p))) p++;
    const fracEnd = p;
    anyDigits = anyDigits || fracEnd > fracBegin;
    const used = Math.min(fracEnd - fracBegin, MAX_FRACTION_DIGITS);
    if (used > 0) {
      const val2 = digitsToDouble(s, fracBegin, fracBegin + used, false);
      // pow10 = 10^used as uint64 -> double (exact up to 10^22)
      const pow10 = 10 ** used;
      value = Math.fround(value + Math.fround(val2 / pow10));
    }
  }
  if (!anyDigits) {
    throw new Error(
      `"${text}" is not a number: CSV fields must be numeric (label first, no header row); remove headers and text columns`,
    );
  }
  if (p < n && (s[p] === "e" || s[p] === "E")) {
    p++;
    let frac = false;
    if (s[p] === "-") {
      frac = true;
      p++;
    } else if (s[p] === "+") {
      p++;
    }
    let expon = 0;
    while (p < n && isDigit(s.charCodeAt(p))) {
      expon = expon * 10 + (s.charCodeAt(p) - 48);
      if (expon > TWO_POW_53) expon = TWO_POW_53;
      p++;
    }
    if (expon > 38) expon = 38;
    let scale = 1;
    while (expon >= 8) {
      scale = Math.fround(scale * 1e8);
      expon -= 8;
    }
    while (expon > 0) {
      scale = Math.fround(scale * 10);
      expon -= 1;
    }
    value = Math.fround(frac ? value / scale : value * scale);
  }
  while (p < n && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  if (p !== n) {
    throw new Error(
      `"${text}" is not a number: CSV fields must be numeric (label first, no header row); remove headers and text columns`,
    );
  }
  return positive ? value : -value;
}
