import { getBoard } from '@murmur/boards';
import { describe, expect, it } from 'vitest';
import { loadApp } from '@murmur/app';
import { appLibraryOptions } from './app-parts';
import { checkFrames, libraryCheckProgram, runLibraryCheck, streamsRecordedFrames } from './library-check';
import { generateAppLibrary } from '@murmur/codegen';

// Recorded frames reach the program from a host file under QEMU and on the host, from flash on AVR. The
// frames here are the generated check stream handed in as if recorded, so both paths see the same input.
describe('recorded frames in the library check', () => {
  it('streams from a host file on QEMU and the host, and compiles into flash on AVR', async () => {
    expect(streamsRecordedFrames(getBoard('qemu-microbit'))).toBe(true);
    expect(streamsRecordedFrames(getBoard('native'))).toBe(true);
    expect(streamsRecordedFrames(getBoard('simavr-atmega328p'))).toBe(false);
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    const lib = generateAppLibrary(options);
    const check = { windows: 2, period: 1, frames: checkFrames(lib.window + lib.hop, lib.channels, 3) };
    const streamed = libraryCheckProgram(options, lib, check, '/tmp/frames.f32');
    expect(streamed).toContain('murmur_host_file_open("/tmp/frames.f32")');
    expect(streamed).not.toContain('recorded[');
    expect(libraryCheckProgram(options, lib, check)).toContain('static MURMUR_ROM float recorded[');
  });

  it.each([
    ['qemu-mps2-an385', 40],
    ['native', 40],
    ['simavr-atmega328p', 2],
  ])('%s: %i windows of recorded frames byte-equal', { timeout: 120_000 }, async (id, windows) => {
    const options = appLibraryOptions(await loadApp('wearable-activity'));
    const lib = generateAppLibrary(options);
    const frames = checkFrames(lib.window + (windows - 1) * lib.hop, lib.channels, 7);
    const result = await runLibraryCheck(getBoard(id), options, { windows, period: 2, frames });
    expect(result.mismatches).toEqual([]);
    expect(result.windowsEqual).toBe(windows);
    expect(result.uplinksEqual).toBe(windows / 2);
  });
});
