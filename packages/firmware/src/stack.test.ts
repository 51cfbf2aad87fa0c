import { describe, expect, it } from 'vitest';
import {
  addCallGraphFile,
  addDisassemblyCalls,
  addStackUsageFile,
  analyzeStack,
  type CallGraph,
} from './stack';

const empty = (): CallGraph => ({ nodes: new Map(), edges: new Map() });
const options = {
  entries: ['Reset_Handler', 'main'],
  isInterrupt: (n: string) => n.endsWith('_Handler') && n !== 'Reset_Handler',
  bytesPerCall: 0,
};

const ci = `graph: { title: "a.c"
node: { title: "main" label: "main\\na.c:3:5\\n16 bytes (static)\\n0 dynamic objects" }
node: { title: "/src/a.c:leaf" label: "leaf\\na.c:2:12\\n72 bytes (static)\\n0 dynamic objects" }
node: { title: "mid" label: "mid\\na.c:4:5\\n24 bytes (dynamic,bounded)\\n0 dynamic objects" }
edge: { sourcename: "main" targetname: "mid" label: "a.c:6:25" }
edge: { sourcename: "main" targetname: "/src/a.c:leaf" label: "a.c:6:30" }
edge: { sourcename: "mid" targetname: "/src/a.c:leaf" }
node: { title: "__aeabi_fmul" label: "__aeabi_fmul\\n<built-in>" shape : ellipse }
edge: { sourcename: "mid" targetname: "__aeabi_fmul" }
node: { title: "SysTick_Handler" label: "SysTick_Handler\\na.c:9:6\\n8 bytes (static)\\n0 dynamic objects" }
node: { title: "__indirect_call" label: "Indirect Call Placeholder" shape : ellipse }
edge: { sourcename: "SysTick_Handler" targetname: "__indirect_call" }
}
`;

describe('worst-case stack from the call graph', () => {
  it('takes the longest path from the entry plus the deepest interrupt handler', () => {
    const graph = empty();
    addCallGraphFile(graph, ci, 'a.ci');
    const report = analyzeStack(graph, options);
    expect(report.path).toEqual(['main', 'mid', 'a.c:leaf']);
    expect(report.interruptPath).toEqual(['SysTick_Handler']);
    expect(report.worstCaseBytes).toBe(16 + 24 + 72 + 8);
    expect(report.lowerBound).toBe(true);
    expect(report.caveats).toEqual([
      'indirect call in SysTick_Handler',
      'no stack figure for 1 function(s) without compiler data (library code): __aeabi_fmul',
    ]);
  });

  it('reports recursion instead of looping', () => {
    const graph = empty();
    addStackUsageFile(graph, 'a.c:1:5:main\t8\tstatic\na.c:2:5:f\t16\tstatic\n', 'a.su');
    graph.edges.set('main', new Set(['f']));
    graph.edges.set('f', new Set(['f']));
    const report = analyzeStack(graph, options);
    expect(report.worstCaseBytes).toBe(24);
    expect(report.caveats).toEqual(['recursion through f']);
  });

  it('is exact when every function has a static frame and calls are direct', () => {
    const graph = empty();
    addStackUsageFile(graph, 'a.c:1:5:main\t8\tstatic\nb.c:2:5:g\t4\tstatic\n', 'a.su');
    graph.edges.set('main', new Set(['g']));
    expect(analyzeStack(graph, options)).toMatchObject({
      worstCaseBytes: 12,
      lowerBound: false,
      caveats: [],
    });
  });

  it('takes AVR calls from the disassembly, matching clones to their .su names', () => {
    const graph = empty();
    addStackUsageFile(
      graph,
      'm.c:3:42:deep.constprop\t404\tstatic\nm.c:8:5:main\t2\tstatic\nm.c:9:5:g\t3\tstatic\n',
      'm.su',
    );
    addDisassemblyCalls(
      graph,
      [
        '000000a0 <deep.constprop.0>:',
        '  a0:\t08 95       \tret',
        '000000b0 <main>:',
        '  b0:\t0e 94 50 00 \tcall\t0xa0\t; 0xa0 <deep.constprop.0>',
        '  b4:\t0c 94 60 00 \tjmp\t0xc0\t; 0xc0 <g>',
        '  b8:\tff cf       \trjmp\t.-2      \t; 0xb8 <main+0x8>',
        '000000c0 <g>:',
        '  c0:\t09 95       \ticall',
      ].join('\n'),
    );
    const report = analyzeStack(graph, { ...options, entries: ['main'] });
    expect(report.path).toEqual(['main', 'deep.constprop']);
    expect(report.worstCaseBytes).toBe(406);
    expect(report.caveats).toEqual(['indirect call in g']);
  });

  it('rejects a malformed stack-usage line with its position', () => {
    expect(() => addStackUsageFile(empty(), 'garbage', 'x.su')).toThrow(
      /x\.su:1: unrecognised stack-usage line/,
    );
  });
});
