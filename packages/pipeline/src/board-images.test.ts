import { describe, expect, it } from 'vitest';
import { listApps, loadApp } from '@murmur/app';
import { loadBoards } from '@murmur/boards';
import { boardImage } from './board-images';

const hardware = loadBoards().filter((b) => b.kind === 'hardware');

describe('firmware images of every app for every named board', () => {
  it.each(listApps())(
    '%s: fits within the budget, or fails naming the memory and the bytes',
    async (id) => {
      const app = await loadApp(id);
      for (const board of hardware) {
        const image = await boardImage(app, board);
        if (image.fits) {
          const m = image.memory!;
          expect(m.fits, `${id} on ${board.id}`).toBe(true);
          expect(m.flash.used).toBeLessThanOrEqual(board.memory.flash.size);
          expect(m.ram.total).toBeLessThanOrEqual(board.memory.ram.size);
        } else {
          expect(image.reason, `${id} on ${board.id}`).toMatch(/(RAM|flash).*\d+ ?B/);
        }
        if (id === 'wearable-activity')
          expect(image.fits, `${id} on ${board.id}: ${image.reason}`).toBe(true);
      }
    },
    600_000,
  );
});
