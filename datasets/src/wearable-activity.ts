import { join } from 'node:path';
import { MurmurError } from '@murmur/core';
import { CsvCursor, type CsvRow } from './csv';
import { mapLimit, readCsvTable, readMaybeGzip, requireDir } from './files';
import { resolveDataSource } from './datadir';
import type { Recording } from './recording';

/**
 * Loader for `wearable-activity/`: the reduced WISDM 2019 smartwatch accelerometer subset
 * (20 Hz, m/s² with gravity, 6 activities). One Recording per subject × activity segment.
 */

export const WEARABLE_ACTIVITY = 'wearable-activity';
export const wisdmActivities = ['walking', 'jogging', 'stairs', 'sitting', 'standing', 'kicking'] as const;
export type WisdmActivity = (typeof wisdmActivities)[number];
export const WISDM_RATE_HZ = 20;

const SIGNAL_COLUMNS = ['subject', 'label', 't_s', 'ax', 'ay', 'az'];

interface Segment {
  label: string;
  ax: number[];
  ay: number[];
  az: number[];
  line: number;
}

/** Reads one subject file into its activity segments (contiguous runs of one label, in file order). */
async function readSubject(file: string, subject: string): Promise<Segment[]> {
  const cursor = new CsvCursor(await readMaybeGzip(file), file);
  cursor.header(SIGNAL_COLUMNS);
  const subjectBytes = Buffer.from(subject);
  const segments: Segment[] = [];
  let current: Segment | undefined;
  let labelBytes = Buffer.alloc(0);
  while (!cursor.atEnd()) {
    if (!cursor.nextFieldEquals(subjectBytes)) {
      throw new MurmurError(`expected subject ${subject}, got '${cursor.string('subject')}'`, {
        file,
        line: cursor.line,
        field: 'subject',
      });
    }
    cursor.skipField('subject');
    if (current && cursor.nextFieldEquals(labelBytes)) cursor.skipField('label');
    else {
      const line = cursor.line;
      const label = cursor.string('label');
      if (!(wisdmActivities as readonly string[]).includes(label)) {
        throw new MurmurError(`unknown activity '${label}' (one of: ${wisdmActivities.join(', ')})`, {
          file,
          line,
          field: 'label',
        });
      }
      if (segments.some((s) => s.label === label)) {
        throw new MurmurError(`activity '${label}' appears in two separate segments`, {
          file,
          line,
          field: 'label',
        });
      }
      current = { label, ax: [], ay: [], az: [], line };
      segments.push(current);
      labelBytes = Buffer.from(label);
    }
    cursor.number('t_s');
    current.ax.push(cursor.number('ax'));
    current.ay.push(cursor.number('ay'));
    current.az.push(cursor.number('az', true));
    cursor.endRow();
  }
  return segments;
}

function checkCounts(row: CsvRow, segments: Segment[]): void {
  for (const activity of wisdmActivities) {
    const expected = row.int(activity);
    const found = segments.find((s) => s.label === activity)?.ax.length ?? 0;
    if (found !== expected) {
      throw row.error(
        `subject file holds ${found} '${activity}' samples, subjects.csv says ${expected}`,
        activity,
      );
    }
  }
}

/** Loads every subject × activity segment listed in `<dataDir>/wearable-activity/subjects.csv`. */
export async function loadWearableActivity(
  dataDir: string = resolveDataSource(WEARABLE_ACTIVITY).dataDir,
): Promise<Recording[]> {
  const root = join(dataDir, WEARABLE_ACTIVITY);
  await requireDir(root, 'dataset wearable-activity');
  const index = (await readCsvTable(join(root, 'subjects.csv'))).require(
    'subject',
    'file',
    ...wisdmActivities,
  );
  const perSubject = await mapLimit(index.rows, 8, async (row) => {
    const subject = row.str('subject').trim();
    const segments = await readSubject(join(root, row.str('file')), subject);
    checkCounts(row, segments);
    return segments.map((s): Recording => ({
      id: `wisdm_${subject}_${s.label}`,
      subject,
      label: s.label,
      rateHz: WISDM_RATE_HZ,
      channels: [Float32Array.from(s.ax), Float32Array.from(s.ay), Float32Array.from(s.az)],
      channelNames: ['ax', 'ay', 'az'],
      units: ['m/s2', 'm/s2', 'm/s2'],
      meta: {
        device: 'LG G Watch',
        placement: 'dominant wrist',
        gravityIncluded: true,
        timestampsReconstructed: true,
      },
    }));
  });
  return perSubject.flat();
}
