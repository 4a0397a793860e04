/**
 * Python's `repr(float)`, the way the SageMaker XGBoost container prints predictions
 * (model-monitor-formats.md §11: the float32 prediction widened to double, then `repr`).
 *
 * Both Python and JavaScript print the shortest digit string that round-trips; they differ only in
 * layout. Python (`float_repr_style = 'short'`, format code 'r') uses positional notation for
 * decimal exponents -4 <= e < 16 and always shows a fractional part (`1.0`), otherwise scientific
 * notation with a sign and at least two exponent digits (`5.2e-05`, `1e+16`).
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    // Decimal exponents -4..15: JavaScript prints the same shortest digits positionally (it does
    // so down to 1e-7 and up to 1e21), only without Python's ".0" on whole numbers.
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }
  // toExponential() without an argument gives the shortest round-trip digits: "d.ddde±x".
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const exponentDigits = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${fraction}e${exponent < 0 ? "-" : "+"}${exponentDigits}`;
  }
  if (exponent < 0) {
    return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fractionPart = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fractionPart.length > 0 ? fractionPart : "0"}`;
}

/** Python's `json.dumps` of a float: like repr, except non-finite values (`NaN`, `Infinity`). */
export function pythonJsonFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return pythonFloatRepr(value);
}
