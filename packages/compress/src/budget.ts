import { MurmurError } from '@murmur/core';
import { loadBoards, type Board } from '@murmur/boards';
import type { CvEstimate } from '@murmur/nn';

export type { CvEstimate };

/** What the rest of the firmware takes from the board before the model gets any memory. */
export interface FirmwareFootprint {
  /** Flash of DSP, payload encoder, radio glue and inference code (bytes). */
  flash: number;
  /** Static RAM and stack of everything but the model's activation arena (bytes). */
  ram: number;
}

export interface MemoryBudget {
  board: string;
  /** Bytes left for model weights / activations after the footprint and the margin. */
  flash: number;
  ram: number;
  margin: number;
  footprint: FirmwareFootprint;
}

/** Memory left for the model on a board: (size · (1 - margin)) - footprint, for flash and RAM. */
export function memoryBudget(board: Board, footprint: FirmwareFootprint, margin = 0.1): MemoryBudget {
  return {
    board: board.id,
    flash: Math.floor(board.memory.flash.size * (1 - margin)) - footprint.flash,
    ram: Math.floor(board.memory.ram.size * (1 - margin)) - footprint.ram,
    margin,
    footprint,
  };
}

/**
 * What the budget solver compares: any model that could be flashed (a compression recipe of the MLP, a
 * tree ensemble, ...) with its exact flash and RAM and an accuracy estimate against the float reference.
 */
export interface BudgetCandidate {
  /** Its name, e.g. `int8` or `structured50+prune50+cluster8`. */
  recipe: string;
  /** Flash of its constant data (bytes). */
  weightBytes: number;
  /** RAM of its activations (bytes). */
  activationBytes: number;
  /** Accuracy on held-out rows of a single split (NaN when none): shown, never chosen by when `cv` is there. */
  accuracy: number;
  /** Drop against the float model on those rows (pp). */
  dropPp: number;
  /** The cross-validated estimate the budget solver chooses by. */
  cv?: CvEstimate;
}

/** The drop the solver judges a candidate by: cross-validated when known, else the single split's. */
export const selectionDropPp = (r: BudgetCandidate): number => r.cv?.dropPp ?? r.dropPp;

/** The accuracy the solver ranks a candidate by: cross-validated when known, else the single split's. */
export const selectionAccuracy = (r: BudgetCandidate): number => r.cv?.accuracy ?? r.accuracy;

/** Candidates not beaten by a smaller-or-equal one: ascending bytes, strictly rising accuracy. */
export function paretoFront<T extends BudgetCandidate>(results: readonly T[]): T[] {
  const score = (r: T): number => (Number.isNaN(selectionAccuracy(r)) ? -Infinity : selectionAccuracy(r));
  const sorted = [...results].sort((a, b) => a.weightBytes - b.weightBytes || score(b) - score(a));
  const front: T[] = [];
  for (const r of sorted) if (!front.length || score(r) > score(front[front.length - 1]!)) front.push(r);
  return front;
}

export const fits = (r: BudgetCandidate, b: MemoryBudget): boolean =>
  r.weightBytes <= b.flash && r.activationBytes <= b.ram;

export interface BudgetChoice<T extends BudgetCandidate = BudgetCandidate> {
  chosen: T;
  pareto: T[];
  fitting: T[];
  budget: MemoryBudget;
  /** The tolerance the choice was made with (pp). */
  maxDropPp: number;
  /** False when no fitting candidate is within the tolerance (the chosen one then drops least). */
  withinTolerance: boolean;
  /** Fitting candidates smaller than the chosen one (all outside the tolerance), smallest first. */
  smallerRejected: T[];
  /** One sentence: what was chosen and why. */
  reason: string;
}

/** Ascending bytes; on equal bytes the smaller drop, then the smaller RAM, then the name. */
export function bySize(a: BudgetCandidate, b: BudgetCandidate): number {
  const da = dropKey(a);
  const db = dropKey(b);
  return (
    a.weightBytes - b.weightBytes ||
    da - db ||
    a.activationBytes - b.activationBytes ||
    (a.recipe < b.recipe ? -1 : a.recipe > b.recipe ? 1 : 0)
  );
}

const dropKey = (r: BudgetCandidate): number =>
  Number.isNaN(selectionDropPp(r)) ? Infinity : selectionDropPp(r);

const signedPp = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(1)}`;

/** A candidate's drop as text: `+0.4 pp (95 % CI −0.8 to +1.6; 5 folds by subjects, 1020 windows of 28 subjects)`. */
export function describeDrop(r: BudgetCandidate): string {
  const cv = r.cv;
  if (!cv)
    return Number.isNaN(r.dropPp) ? 'no accuracy estimate' : `${signedPp(r.dropPp)} pp on one held-out split`;
  return (
    `${signedPp(cv.dropPp)} pp (95 % CI ${signedPp(cv.dropCi[0])} to ${signedPp(cv.dropCi[1])}; ` +
    `${cv.folds} folds by ${cv.scheme}, ${cv.windows} windows of ${cv.groups} subjects)`
  );
}

/**
 * The budget solver: of the candidates that fit the budget, the SMALLEST (fewest weight bytes) whose
 * accuracy drop against the float model — cross-validated where `cv` is attached — is at most `maxDropPp`;
 * ties on bytes go to the smaller drop, then the smaller RAM, then the name. When no fitting candidate is
 * within the tolerance, the one that drops least (ties: fewer bytes), and `withinTolerance` is false.
 * When none fits, throws a MurmurError saying by how many bytes the smallest misses and which boards it
 * would fit.
 */
export function chooseRecipe<T extends BudgetCandidate>(
  results: readonly T[],
  budget: MemoryBudget,
  opts: { maxDropPp: number; boards?: Board[] },
): BudgetChoice<T> {
  const pareto = paretoFront(results);
  const fitting = results.filter((r) => fits(r, budget)).sort(bySize);
  if (fitting.length) {
    const within = fitting.filter((r) => dropKey(r) <= opts.maxDropPp);
    const chosen = within[0] ?? [...fitting].sort((a, b) => dropKey(a) - dropKey(b) || bySize(a, b))[0]!;
    const smallerRejected = fitting.filter((r) => bySize(r, chosen) < 0);
    const size = `${chosen.weightBytes} B of ${budget.flash} B flash, ${chosen.activationBytes} B of ${budget.ram} B RAM`;
    const reason = within.length
      ? `${chosen.recipe}: the smallest model that fits (${size}) whose accuracy drop against float, ${describeDrop(chosen)}, is within ${opts.maxDropPp} pp` +
        (smallerRejected.length
          ? `; smaller: ${smallerRejected.map((r) => `${r.recipe} (${r.weightBytes} B) ${describeDrop(r)}`).join('; ')}`
          : '')
      : `${chosen.recipe}: no model that fits is within ${opts.maxDropPp} pp of float; this one drops least, ${describeDrop(chosen)} (${size})`;
    return {
      chosen,
      pareto,
      fitting,
      budget,
      maxDropPp: opts.maxDropPp,
      withinTolerance: within.length > 0,
      smallerRejected,
      reason,
    };
  }
  const smallest = [...results].sort(
    (a, b) => a.weightBytes + a.activationBytes - (b.weightBytes + b.activationBytes),
  )[0]!;
  const over: string[] = [];
  if (smallest.weightBytes > budget.flash)
    over.push(
      `${smallest.weightBytes - budget.flash} B of flash (needs ${smallest.weightBytes} B, ${budget.flash} B left)`,
    );
  if (smallest.activationBytes > budget.ram)
    over.push(
      `${smallest.activationBytes - budget.ram} B of RAM (needs ${smallest.activationBytes} B, ${budget.ram} B left)`,
    );
  const larger = (opts.boards ?? loadBoards())
    .filter((b) => fits(smallest, memoryBudget(b, budget.footprint, budget.margin)))
    .sort((a, b) => a.memory.flash.size - b.memory.flash.size)
    .slice(0, 3)
    .map((b) => b.id);
  throw new MurmurError(
    `no recipe fits board '${budget.board}': the smallest, '${smallest.recipe}', is over by ${over.join(' and ')}` +
      ` after ${budget.footprint.flash} B flash / ${budget.footprint.ram} B RAM for the rest of the firmware and a ${Math.round(budget.margin * 100)} % margin.` +
      (larger.length
        ? ` It would fit: ${larger.join(', ')}.`
        : ' No known board fits it; use a smaller model.'),
    { field: 'board' },
  );
}
