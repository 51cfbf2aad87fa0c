/**
 * `murmur tflite build`: a `.tflite` model to a C library for a board, its firmware image when the board
 * can hold it (the model run on the golden cases, or on an all-zero input, on the board's emulator), and
 * a report with the per-layer cost.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Board } from '@murmur/boards';
import { generateGraphLibrary } from '@murmur/codegen';
import { inferGraph, prepareGraph, summarizeGraph } from '@murmur/kernels';
import { bars, renderReport, type Section } from '@murmur/report';
import { readGoldenCases, readTflite } from '@murmur/tflite';
import { verifyGraph, type GraphVerification } from '@murmur/verify';

export interface TfliteBuild {
  model: string;
  board: string;
  library: string;
  report: string;
  /** The emulator run (byte-equality with the golden or TS outputs, cost per op), or why there is none. */
  verification: GraphVerification | { skipped: string };
  macs: number;
  constantBytes: number;
  arenaBytes: number;
}

const fmt = (n: number): string => n.toLocaleString('en');

export async function buildTflite(options: {
  file: string;
  board: Board;
  outDir: string;
  golden?: string;
}): Promise<TfliteBuild> {
  const graph = readTflite(options.file);
  const prepared = prepareGraph(graph);
  const summary = summarizeGraph(graph);
  const library = generateGraphLibrary(prepared, {
    name: graph.name,
    origin: options.file.split('/').pop() ?? options.file,
    board: options.board,
  });
  const libDir = join(options.outDir, 'lib');
  for (const f of library.files) {
    mkdirSync(dirname(join(libDir, f.path)), { recursive: true });
    writeFileSync(join(libDir, f.path), f.text);
  }
  const inputTensor = graph.tensors[graph.inputs[0]!]!;
  const inputSize = inputTensor.shape.reduce((n, d) => n * d, 1);
  const zeros = inputTensor.type === 'float32' ? new Float32Array(inputSize) : new Int8Array(inputSize);
  const cases = options.golden
    ? readGoldenCases(options.golden, graph)
    : [{ input: zeros, expected: inferGraph(prepared, [zeros])[0]! }];
  let verification: TfliteBuild['verification'];
  const flash = options.board.memory.flash.size;
  const ram = options.board.memory.ram.size;
  if (library.model.constantBytes > flash || library.model.plan.size > ram)
    verification = {
      skipped: `the model needs ${fmt(library.model.constantBytes)} B of constants and a ${fmt(library.model.plan.size)} B arena; ${options.board.id} has ${fmt(flash)} B of flash and ${fmt(ram)} B of RAM`,
    };
  else
    verification = await verifyGraph(prepared, cases, options.board, {
      perOp: true,
      sanitize: options.board.id === 'native',
      casesFile: options.golden,
      buildDir: join(options.outDir, 'firmware'),
    });
  const measured = 'perOp' in verification ? verification : undefined;
  const unit = measured?.unit ?? 'instructions';
  const sections: Section[] = [
    {
      title: 'Model',
      blocks: [
        {
          kind: 'keyValues',
          items: [
            ['model', options.file],
            ['board', options.board.id],
            ['operators', graph.ops.length],
            ['multiply-accumulates', fmt(summary.macs)],
            ['weights and biases (flash)', `${fmt(library.model.constantBytes)} B`],
            ['activation arena (RAM)', `${fmt(library.model.plan.size)} B`],
            [
              'verification',
              measured
                ? `${measured.casesEqual}/${measured.cases} cases byte-equal on ${measured.board}`
                : (verification as { skipped: string }).skipped,
            ],
            ...(measured?.perInference
              ? ([[`${unit} per inference`, fmt(measured.perInference)]] as [string, string][])
              : []),
            ...(measured?.stackBytes ? ([['stack', `${measured.stackBytes} B`]] as [string, string][]) : []),
          ],
        },
      ],
    },
    {
      title: 'Per layer',
      blocks: [
        {
          kind: 'table',
          headers: [
            '#',
            'op',
            'output',
            'MACs',
            'weights B',
            'output B',
            ...(measured ? [unit, `${unit}/MAC`] : []),
          ],
          rows: summary.ops.map((o, i) => {
            const cost = measured?.perOp?.[i];
            return [
              i,
              o.op,
              `[${o.output.join(', ')}]`,
              fmt(o.macs),
              fmt(o.constantBytes),
              fmt(o.outputBytes),
              ...(measured ? [fmt(cost ?? 0), o.macs && cost ? (cost / o.macs).toFixed(2) : '–'] : []),
            ];
          }),
          caption: `MACs count conv, depthwise conv and fully-connected layers (SAME padding included); ${unit} measured per op on ${options.board.id}.`,
        },
        ...(measured?.perOp && measured.perOp.some((c) => c > 0)
          ? [
              {
                kind: 'plot' as const,
                svg: bars({
                  title: `${unit} per op on ${options.board.id}`,
                  yLabel: unit,
                  bars: measured.perOp.map((c, i) => ({
                    label: String(i),
                    value: c,
                    note: graph.ops[i]!.op,
                  })),
                  format: (v) =>
                    v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : String(v),
                }),
                caption: 'Cost of each op of one inference (median over the cases).',
              },
            ]
          : []),
      ],
    },
  ];
  const report = join(options.outDir, 'report.html');
  writeFileSync(
    report,
    renderReport({
      title: `${graph.name} on ${options.board.id}`,
      subtitle: 'int8 model as generated C',
      sections,
      generator: 'murmur tflite build',
    }),
  );
  return {
    model: graph.name,
    board: options.board.id,
    library: libDir,
    report,
    verification,
    macs: summary.macs,
    constantBytes: library.model.constantBytes,
    arenaBytes: library.model.plan.size,
  };
}
