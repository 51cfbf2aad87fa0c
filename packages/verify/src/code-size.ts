import { isAvrCore, type Board } from '@murmur/boards';
import { runTool } from '@murmur/firmware';

/** Prefixes of the symbols the kernels and a generated model define (functions, tables, weights, params). */
const modelSymbol =
  /^murmur_(model_|fully_connected|conv1d|depthwise_conv1d|maxpool1d|avgpool1d|relu_s8|softmax_s8|argmax_s8|quantize_s8|requantize_row|doubling_high_mul|divide_by_pot|multiply_by_quantized_multiplier|patch_|rows_|format_|dot4_s8|bits_)/;

const nmFor = (board: Board): string =>
  board.mcu.core === 'host' ? 'nm' : isAvrCore(board.mcu.core) ? 'avr-nm' : 'arm-none-eabi-nm';

/**
 * Flash bytes of the model in a linked image: every kernel and generated-model symbol that survived
 * --gc-sections (code, weights, parameter structs), from `nm --print-size`. Not meaningful on the host.
 */
export async function modelFlashBytes(board: Board, elf: string): Promise<number> {
  const result = await runTool(nmFor(board), ['--print-size', '--defined-only', elf]);
  if (result.code !== 0) throw new Error(`nm failed: ${result.stderr}`);
  let bytes = 0;
  for (const line of result.stdout.split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) ([a-zA-Z]) (\S+)$/.exec(line.trim());
    if (!m) continue;
    const [, size, type, name] = m as unknown as [string, string, string, string];
    // Flash only: code (t) and read-only data (r); RAM symbols (b, d) are the arena and scratch.
    if (!/[tTrR]/.test(type) || !modelSymbol.test(name)) continue;
    bytes += parseInt(size, 16);
  }
  return bytes;
}

/** The emulator harness's own functions (console, cost counter, start-up), not part of a model. */
const harnessSymbol = /^murmur_(console_|cost_|board_|system_)/;

/**
 * Code bytes of a linked graph model beyond its constants: every function of the kernels and the generated
 * invoke (`murmur_*`, the harness's own left out), from `nm --print-size`. Not meaningful on the host.
 */
export async function graphCodeBytes(board: Board, elf: string): Promise<number> {
  const result = await runTool(nmFor(board), ['--print-size', '--defined-only', elf]);
  if (result.code !== 0) throw new Error(`nm failed: ${result.stderr}`);
  let bytes = 0;
  for (const line of result.stdout.split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) ([tT]) (murmur_\S+)$/.exec(line.trim());
    if (m && !harnessSymbol.test(m[3]!)) bytes += parseInt(m[1]!, 16);
  }
  return bytes;
}
