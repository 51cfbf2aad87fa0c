/**
 * The shortest decimal that reads back as the same float32: channel samples are float32, so writing
 * them as float64 (`0.10000000149011612`) would only add noise to text files.
 */
export function float32Text(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '' : String(value);
  const f = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}

/** `float32Text` as a number (for JSON encoders that format numbers themselves). */
export function float32Number(value: number): number {
  return Number.isFinite(value) ? Number(float32Text(value)) : value;
}
