import { describe, expect, it } from 'vitest';
import { groupFolds } from './cross-validation';

describe('group folds', () => {
  it('hold out every group exactly once, in folds differing by at most one group', () => {
    const groups = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const folds = groupFolds(groups, 3);
    const held = folds.map((f) => groups.filter((group) => f.test({ group })));
    expect(held.flat().sort()).toEqual(groups);
    expect(held.map((h) => h.length).sort()).toEqual([2, 2, 3]);
    expect(groupFolds(groups, 3).map((f) => f.name)).toEqual(folds.map((f) => f.name));
  });
  it('become leave-one-group-out when there are fewer groups than folds', () => {
    expect(
      groupFolds(['x', 'y'], 5)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['x', 'y']);
  });
  it('refuse fewer than two folds or groups', () => {
    expect(() => groupFolds(['a', 'b'], 1)).toThrow(/folds must be an integer ≥ 2/);
    expect(() => groupFolds(['a', 'a'], 2)).toThrow(/at least 2 groups/);
  });
});
