/**
 * Recorded frames for verification: consecutive samples of the validation subjects' recordings (never
 * used for training), in the device graph's channel order, as many windows as the target's flash holds.
 */
import type { MurmurApp } from '@murmur/app';
import { emulatorFor, type Board } from '@murmur/boards';
import type { Recording } from '@murmur/datasets';
import { streamsRecordedFrames } from '@murmur/verify';

/** Flash kept for the library and the check program when recorded frames are compiled into an AVR image. */
const AVR_CODE_RESERVE = 20 * 1024;
/** The largest C object avr-gcc allows (PTRDIFF_MAX): one array of frames, in the 64 KB `__flash` reaches. */
const AVR_MAX_OBJECT_BYTES = 32767;

/**
 * How many windows of recorded frames one check run can take: any number where the image streams them from
 * a host file (QEMU, host); on AVR, as many float32 frames as fit in the flash beside the code, in one array.
 */
export async function recordedWindowCapacity(app: MurmurApp, board: Board): Promise<number> {
  const emu = emulatorFor(board);
  if (streamsRecordedFrames(board) || emu.kind === 'host') return Number.POSITIVE_INFINITY;
  const g = app.featureGraph;
  const bytes = Math.min(emu.memory.flash.size - AVR_CODE_RESERVE, AVR_MAX_OBJECT_BYTES);
  const frames = Math.floor(bytes / (4 * g.channels.length));
  return frames < g.window ? 0 : 1 + Math.floor((frames - g.window) / g.hop);
}

export interface RecordedStream {
  /** Channel-major frames. */
  frames: Float32Array[];
  windows: number;
  /** Recordings the frames come from, in order, with their first frame. */
  sources: { recording: string; subject: string; label?: string; start: number; frames: number }[];
}

/**
 * Concatenates whole recordings of the given subjects (in the order given, then by id) at the graph's rate
 * until `windows` windows are covered; fewer when the recordings run out.
 */
export function recordedStream(
  app: MurmurApp,
  recordings: readonly Recording[],
  subjects: readonly string[],
  windows: number,
): RecordedStream {
  const g = app.featureGraph;
  const order = new Map(subjects.map((s, i) => [s, i]));
  const usable = recordings
    .filter(
      (r) =>
        order.has(r.subject) && r.rateHz === g.rateHz && g.channels.every((c) => r.channelNames.includes(c)),
    )
    .sort((a, b) => order.get(a.subject)! - order.get(b.subject)! || a.id.localeCompare(b.id));
  const need = g.window + (windows - 1) * g.hop;
  const parts: Float32Array[][] = [];
  const sources: RecordedStream['sources'] = [];
  let total = 0;
  for (const r of usable) {
    if (total >= need) break;
    const take = Math.min(r.channels[0]!.length, need - total);
    parts.push(g.channels.map((c) => r.channels[r.channelNames.indexOf(c)]!.subarray(0, take)));
    sources.push({ recording: r.id, subject: r.subject, label: r.label, start: total, frames: take });
    total += take;
  }
  const frames = g.channels.map((_, ci) => {
    const out = new Float32Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p[ci]!, at);
      at += p[ci]!.length;
    }
    return out;
  });
  const got = total < g.window ? 0 : 1 + Math.floor((total - g.window) / g.hop);
  return { frames, windows: Math.min(windows, got), sources };
}
