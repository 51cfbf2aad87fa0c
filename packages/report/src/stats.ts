/** Confidence intervals for the report's accuracies. */

export interface Interval {
  lo: number;
  hi: number;
}

/**
 * Wilson score interval of a proportion: `successes` of `n` trials, `z` standard normal quantile (1.96:
 * 95 %). Unlike the normal approximation it stays within [0, 1] and is not zero-width at 0 or n successes.
 * With no trials nothing is known: [0, 1].
 */
export function wilsonInterval(successes: number, n: number, z = 1.96): Interval {
  if (!(n > 0)) return { lo: 0, hi: 1 };
  if (successes < 0 || successes > n) throw new RangeError(`${successes} successes of ${n} trials`);
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n successes the bound is exactly 0 or 1 (the formula gives it up to rounding).
  return {
    lo: successes === 0 ? 0 : Math.max(0, centre - half),
    hi: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Interval of the difference of two proportions measured on the same trials (two classifiers on the same
 * windows), p2 - p1: `both` right, `onlyFirst` right, `onlySecond` right, `neither` right. Newcombe's
 * square-and-add (hybrid score) interval for paired data, method 10 of Newcombe 1998 (Statistics in
 * Medicine 17:2635): the two Wilson intervals combined with the correlation of the pairs, whose numerator
 * ad - bc is taken as 0 up to n/2 and less n/2 above it.
 */
export function pairedDifferenceInterval(
  counts: { both: number; onlyFirst: number; onlySecond: number; neither: number },
  z = 1.96,
): Interval & { difference: number } {
  const { both: a, onlyFirst: b, onlySecond: c, neither: d } = counts;
  const n = a + b + c + d;
  if (!(n > 0)) return { difference: 0, lo: -1, hi: 1 };
  const p1 = (a + b) / n;
  const p2 = (a + c) / n;
  const w1 = wilsonInterval(a + b, n, z);
  const w2 = wilsonInterval(a + c, n, z);
  const denominator = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  const ad = a * d - b * c;
  const numerator = ad > n / 2 ? ad - n / 2 : ad >= 0 ? 0 : ad;
  const phi = denominator === 0 ? 0 : numerator / denominator;
  const difference = p2 - p1;
  const below = Math.sqrt(
    Math.max(0, (p2 - w2.lo) ** 2 - 2 * phi * (p2 - w2.lo) * (w1.hi - p1) + (w1.hi - p1) ** 2),
  );
  const above = Math.sqrt(
    Math.max(0, (w2.hi - p2) ** 2 - 2 * phi * (w2.hi - p2) * (p1 - w1.lo) + (p1 - w1.lo) ** 2),
  );
  return { difference, lo: Math.max(-1, difference - below), hi: Math.min(1, difference + above) };
}
