import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MurmurError } from '@murmur/core';
import { WISDM_RATE_HZ, wisdmActivities } from './wearable-activity';
import { ZipArchive } from './zip';

/**
 * Conversion of the UCI WISDM 2019 archive to the `wearable-activity/` layout: the smartwatch
 * accelerometer files (`raw/watch/accel/data_<subject>_accel_watch.txt`, lines
 * `subject,activity code,timestamp,x,y,z;`) are found in the zip (or in the zip inside it).
 */

const ACCEL_ENTRY = /(^|\/)raw\/watch\/accel\/data_(\d+)_accel_watch\.txt$/;

/** The watch accelerometer entries of the archive, looking one zip deep. */
function accelEntries(zip: ZipArchive): { subject: string; text: () => string; name: string }[] {
  const direct = zip.find(ACCEL_ENTRY);
  if (direct.length) {
    return direct.map((e) => ({
      subject: ACCEL_ENTRY.exec(e.name)![2]!,
      name: e.name,
      text: () => zip.read(e).toString('latin1'),
    }));
  }
  for (const inner of zip.find(/\.zip$/i)) {
    const found = accelEntries(new ZipArchive(zip.read(inner), `${zip.file}!${inner.name}`));
    if (found.length) return found;
  }
  return [];
}

/**
 * Converts the WISDM zip into `outDir` for the given activity codes (code → label). Rows keep their
 * order and are grouped per activity; t_s is reconstructed as index / 20 within each activity.
 */
export async function convertWisdm(
  zipFile: string,
  outDir: string,
  activities: Record<string, string>,
): Promise<string[]> {
  const zip = new ZipArchive(await readFile(zipFile), zipFile);
  const entries = accelEntries(zip).sort((a, b) => a.subject.localeCompare(b.subject));
  if (entries.length === 0)
    throw new MurmurError('no raw/watch/accel/data_<subject>_accel_watch.txt entries', { file: zipFile });
  await mkdir(join(outDir, 'subjects'), { recursive: true });
  const index = [`subject,file,${wisdmActivities.join(',')},total_samples`];
  for (const entry of entries) {
    const where = `${zipFile}!${entry.name}`;
    const groups = new Map<string, string[]>();
    entry
      .text()
      .split('\n')
      .forEach((raw, i) => {
        const line = raw.trim().replace(/;$/, '');
        if (line === '') return;
        const f = line.split(',');
        if (f.length !== 6 || f.slice(3).some((v) => !Number.isFinite(Number(v)) || v.trim() === '')) {
          throw new MurmurError(`expected 'subject,activity,timestamp,x,y,z;', got '${raw.trim()}'`, {
            file: where,
            line: i + 1,
          });
        }
        if (f[0]!.trim() !== entry.subject) {
          throw new MurmurError(`subject ${f[0]} in the file of subject ${entry.subject}`, {
            file: where,
            line: i + 1,
          });
        }
        const label = activities[f[1]!.trim()];
        if (!label) return;
        let rows = groups.get(label);
        if (!rows) groups.set(label, (rows = []));
        rows.push(
          `${entry.subject},${label},${Number((rows.length / WISDM_RATE_HZ).toFixed(2))},${f[3]!.trim()},${f[4]!.trim()},${f[5]!.trim()}`,
        );
      });
    const file = `subjects/wisdm_watch_${entry.subject}.csv.gz`;
    const body = ['subject,label,t_s,ax,ay,az', ...[...groups.values()].flat()];
    await writeFile(join(outDir, file), gzipSync(`${body.join('\n')}\n`));
    const counts = wisdmActivities.map((a) => groups.get(a)?.length ?? 0);
    index.push([entry.subject, file, ...counts, counts.reduce((a, b) => a + b, 0)].join(','));
  }
  await writeFile(join(outDir, 'subjects.csv'), `${index.join('\n')}\n`);
  return entries.map((e) => e.subject);
}
