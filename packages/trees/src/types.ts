/**
 * The tree family's data: the rows it trains on, a float tree ensemble as training leaves it, and the
 * quantized model that the TS reference and the generated C both run (integer compares and integer sums only).
 */

/**
 * Labelled feature rows with the subject (group) of each row: the shape of `AppRows` (@murmur/compress), so an
 * app's rows are passed as they are. Only these fields are read.
 */
export interface TreeRows {
  x: readonly Float32Array[];
  y: readonly number[];
  groups: readonly string[];
  /** The recording of each row (folds by recording); default: its group. */
  recordings?: readonly string[];
  classes: readonly string[];
  featureNames?: readonly string[];
}

/** The three members of the family. */
export type TreeKind = 'tree' | 'forest' | 'boosted';

/**
 * One float tree in preorder (a node's left subtree follows it directly). Internal nodes have
 * `feature >= 0` and send a row left when `x[feature] <= threshold`; leaves have `feature = -1` and a value.
 * `low`/`high` are the training values either side of the split (`low <= threshold < high`): quantization
 * uses them to keep the integer threshold between the two.
 */
export interface FloatTree {
  feature: number[];
  /** float32 values. */
  threshold: number[];
  low: number[];
  high: number[];
  left: number[];
  right: number[];
  /** Leaves: the class index (trees, forests) or the raw score (boosting); unused on internal nodes. */
  value: number[];
  /** Training rows (weighted) that reached each node. */
  samples: number[];
}

/** A trained float model of the family. */
export interface FloatTreeModel {
  kind: TreeKind;
  classes: number;
  features: number;
  /**
   * The trees. `tree`: one tree with class leaves; `forest`: class leaves, one vote each; `boosted`: score
   * leaves, tree `t` adds to class `t % classes` (rounds × classes trees, round-major).
   */
  trees: FloatTree[];
  /** Boosting: the initial score of each class (log prior). */
  base?: number[];
  /** What it was trained with (for the report and reproducibility). */
  params: Record<string, number | string>;
}

/** Bits of a quantized feature and threshold. */
export type FeatureBits = 8 | 16;

/**
 * Per-feature affine quantization: level = floor(clamp((x - offset) * scale, 0, 2^bits - 1)), computed in
 * float32 exactly as the C does; the stored integer is level - 2^(bits-1) (int8 or int16). NaN maps to the
 * lowest level.
 */
export interface FeatureQuantizer {
  bits: FeatureBits;
  /** float32 per feature. */
  offset: Float32Array;
  /** float32 per feature (0 for a constant feature: every value is the lowest level). */
  scale: Float32Array;
}

/** The model the TS reference and the generated C run. */
export interface QuantizedTreeModel {
  kind: TreeKind;
  classes: number;
  features: number;
  quantizer: FeatureQuantizer;
  /**
   * Every tree's nodes, one tree after another, each in preorder. Internal node `i`: go to `left[i]` when
   * `q[feature[i]] <= threshold[i]`, else to `right[i]`. A child `c >= 0` is a node index (global); `c < 0`
   * is a leaf, `~c` being the class (trees, forests) or the index into `leafScores` (boosting). A tree's
   * `root` is its first node, or a leaf (< 0) when it has no split.
   */
  trees: { root: number }[];
  nodes: {
    feature: Uint8Array;
    threshold: Int16Array;
    left: Int16Array;
    right: Int16Array;
  };
  /** Boosting: leaf scores in fixed point (value · 2^scoreShift), int16. */
  leafScores?: Int16Array;
  /** Boosting: initial class scores in the same fixed point, int32. */
  base?: Int32Array;
  /** Boosting: binary point of leafScores and base. */
  scoreShift?: number;
  params: Record<string, number | string>;
}

/** A prediction: the class and the integer scores it is the argmax of (votes, or summed fixed-point scores). */
export interface TreePrediction {
  index: number;
  /** Per class: votes (forest), 1 for the chosen class (tree), or int32 fixed-point scores (boosting). */
  scores: Int32Array;
}
