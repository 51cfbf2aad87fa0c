/** Evaluation metrics for classifiers and anomaly scores. */

export interface ClassificationReport {
  accuracy: number;
  macroF1: number;
  /** Recall of each class (NaN for a class with no samples). */
  recall: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  samples: number;
}

export function classificationReport(
  truth: readonly number[],
  predicted: readonly number[],
  classes: number,
): ClassificationReport {
  if (truth.length !== predicted.length)
    throw new RangeError(`${truth.length} labels but ${predicted.length} predictions`);
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]!]![predicted[i]!]!++;
    if (truth[i] === predicted[i]) correct++;
  }
  const recall: number[] = [];
  let f1Sum = 0;
  let f1Count = 0;
  for (let c = 0; c < classes; c++) {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const predictedC = confusion.reduce((a, row) => a + row[c]!, 0);
    recall.push(support ? tp / support : NaN);
    if (support === 0 && predictedC === 0) continue;
    const precision = predictedC ? tp / predictedC : 0;
    const rec = support ? tp / support : 0;
    f1Sum += precision + rec > 0 ? (2 * precision * rec) / (precision + rec) : 0;
    f1Count++;
  }
  return {
    accuracy: truth.length ? correct / truth.length : NaN,
    macroF1: f1Count ? f1Sum / f1Count : NaN,
    recall,
    confusion,
    samples: truth.length,
  };
}

/** Index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/**
 * Area under the ROC curve of anomaly scores (higher = more anomalous) against 0/1 labels (1 = anomaly),
 * as the Mann–Whitney statistic with ties counted half.
 */
export function rocAuc(scores: readonly number[], anomalous: readonly (0 | 1 | boolean)[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (anomalous[idx[k]!]) {
        rankSumPos += rank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
