import { MurmurError } from '@murmur/core';
import { loadBoards, type Board } from '@murmur/boards';
import type { RecipeResult } from './recipes';

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

/** Recipes not beaten by a smaller-or-equal one: ascending bytes, strictly rising accuracy. */
export function paretoFront(results: readonly RecipeResult[]): RecipeResult[] {
  const sorted = [...results].sort((a, b) => a.weightBytes - b.weightBytes || b.accuracy - a.accuracy);
  const front: RecipeResult[] = [];
  for (const r of sorted) if (!front.length || r.accuracy > front[front.length - 1]!.accuracy) front.push(r);
  return front;
}

export const fits = (r: RecipeResult, b: MemoryBudget): boolean =>
  r.weightBytes <= b.flash && r.activationBytes <= b.ram;

export interface BudgetChoice {
  chosen: RecipeResult;
  pareto: RecipeResult[];
  fitting: RecipeResult[];
  budget: MemoryBudget;
}

/**
 * The most accurate recipe that fits the budget (ties: fewer bytes). When none fits, throws a MurmurError
 * saying by how many bytes the smallest recipe misses and which boards it would fit.
 */
export function chooseRecipe(
  results: readonly RecipeResult[],
  budget: MemoryBudget,
  boards: Board[] = loadBoards(),
): BudgetChoice {
  const pareto = paretoFront(results);
  const fitting = results.filter((r) => fits(r, budget));
  if (fitting.length) {
    const chosen = [...fitting].sort((a, b) => b.accuracy - a.accuracy || a.weightBytes - b.weightBytes)[0]!;
    return { chosen, pareto, fitting, budget };
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
  const larger = boards
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
