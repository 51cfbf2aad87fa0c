import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from '@murmur/firmware';
import { beforeAll, describe, expect, it } from 'vitest';
import { modemCDir, modemIncludeDirs, modemSources } from './c-sources';

const driverSource = join(modemCDir, '..', 'test', 'script_driver.c');
let driver: string;

beforeAll(async () => {
  driver = join(mkdtempSync(join(tmpdir(), 'murmur-modem-')), 'script_driver');
  const flags = ['-std=c99', '-O1', '-g', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off'];
  // A payload buffer larger than the default, so that each module's own limit can be tested.
  flags.push('-DMURMUR_MODEM_PAYLOAD_MAX=250');
  const sanitize = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer'];
  const result = await runTool('gcc', [
    ...flags,
    ...sanitize,
    ...modemIncludeDirs.map((d) => `-I${d}`),
    ...modemSources,
    driverSource,
    '-o',
    driver,
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
});

/** Runs a scripted exchange; `rx` lines take text with \r \n escapes and are sent as hex. */
function run(script: string[]): string[] {
  const input = script
    .map((line) => {
      const rx = /^rx (.*)$/s.exec(line);
      if (!rx) return line;
      const text = JSON.parse(`"${rx[1]!.replace(/"/g, '\\"')}"`) as string;
      return `rx ${Buffer.from(text, 'latin1').toString('hex')}`;
    })
    .join('\n');
  return execFileSync(driver, { input: `${input}\n`, encoding: 'utf8' })
    .trim()
    .split('\n');
}

const init = (set: string, retries = 2, delay = 100): string =>
  `init ${set} ${retries} ${delay} 127.0.0.1 5683`;

describe('RN2483', () => {
  it('sends mac tx uncnf and succeeds on ok then mac_tx_ok', () => {
    expect(
      run([init('rn2483'), 'send 12 0102abff', 'rx ok\\r\\n', 'tick 1500', 'rx mac_tx_ok\\r\\n', 'tick 1']),
    ).toEqual([
      'init 0',
      'tx "mac tx uncnf 12 0102ABFF\\r\\n"',
      'send pending',
      'poll pending',
      'poll pending',
      'poll ok',
      'poll idle',
    ]);
  });

  it('takes a downlink (mac_rx), however long, as the end of a successful uplink', () => {
    expect(run([init('rn2483'), 'send 1 00', 'rx ok\\r\\nmac_rx 3 AABB\\r\\n']).at(-1)).toBe('poll ok');
    const long = `mac_rx 1 ${'AB'.repeat(51)}`;
    expect(run([init('rn2483'), 'send 1 00', `rx ok\\r\\n${long}\\r\\n`]).at(-1)).toBe('poll ok');
  });

  it('retries busy and no_free_ch with a doubling delay, then succeeds', () => {
    const out = run([
      init('rn2483', 3, 100),
      'send 5 aa',
      'rx busy\\r\\n',
      'tick 99',
      'tick 1',
      'rx no_free_ch\\r\\n',
      'tick 199',
      'tick 1',
      'rx ok\\r\\nmac_tx_ok\\r\\n',
      'stats',
    ]);
    expect(out).toEqual([
      'init 0',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'send pending',
      'poll pending',
      'poll pending',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'poll pending',
      'poll pending',
      'poll pending',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'poll pending',
      'poll ok',
      'stats ignored=0 retries=2 written=57',
    ]);
  });

  it('ignores late replies that arrive while it waits to retry', () => {
    const out = run([
      init('rn2483', 1, 100),
      'send 5 aa',
      'rx ok\\r\\nmac_err\\r\\n',
      'rx mac_tx_ok\\r\\n',
      'tick 100',
      'stats',
    ]);
    expect(out.slice(-4)).toEqual([
      'poll pending',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'poll pending',
      'stats ignored=1 retries=1 written=38',
    ]);
  });

  it('gives up after the bounded retries with the last error', () => {
    const out = run([
      init('rn2483', 1, 10),
      'send 5 aa',
      'rx ok\\r\\nmac_err\\r\\n',
      'tick 10',
      'rx ok\\r\\nmac_err\\r\\n',
    ]);
    expect(out.filter((l) => l.startsWith('tx')).length).toBe(2);
    expect(out.at(-1)).toBe('poll transmission failed');
  });

  it('does not retry not_joined or invalid_param', () => {
    expect(run([init('rn2483'), 'send 5 aa', 'rx not_joined\\r\\n']).at(-1)).toBe('poll not joined');
    expect(run([init('rn2483'), 'send 5 aa', 'rx invalid_param\\r\\n']).at(-1)).toBe('poll rejected');
  });

  it('times out, retries and reports a timeout when the modem stays silent', () => {
    const out = run([init('rn2483', 1, 50), 'send 5 aa', 'tick 14999', 'tick 1', 'tick 50', 'tick 15000']);
    expect(out).toEqual([
      'init 0',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'send pending',
      'poll pending',
      'poll pending',
      'tx "mac tx uncnf 5 AA\\r\\n"',
      'poll pending',
      'poll timeout',
    ]);
  });
});

describe('garbage, partial lines and bad calls', () => {
  it('caps every step timeout at the configured limit', () => {
    const out = run([`${init('rak3172', 0)} 500`, 'send 1 aa', 'tick 499', 'tick 1']);
    expect(out.slice(-2)).toEqual(['poll pending', 'poll timeout']);
  });

  it('ignores noise, unknown and over-long lines, and joins a reply split across reads', () => {
    const long = 'x'.repeat(200);
    const out = run([
      init('rak3172'),
      'send 7 c0ffee',
      'rx \\u0000\\u00ff\\u0007garbage\\r\\n',
      `rx ${long}\\r\\n`,
      'rx +EVT:RX_1:-70:8:UNICAST:1:00\\r\\nO',
      'rx K\\r\\n+EVT:TX_',
      'rx DONE\\r\\n',
      'stats',
    ]);
    expect(out).toEqual([
      'init 0',
      'tx "AT+SEND=7:C0FFEE\\r\\n"',
      'send pending',
      'poll pending',
      'poll pending',
      'poll pending',
      'poll pending',
      'poll ok',
      'stats ignored=3 retries=0 written=18',
    ]);
  });

  it('rejects bad arguments and a second send while one is pending', () => {
    const big = 'ab'.repeat(243);
    const out = run([
      init('rak3172'),
      'send 0 aa',
      'send 224 aa',
      'send 1',
      `send 1 ${big}`,
      'send 1 aa',
      'send 1 aa',
    ]);
    expect(out.filter((l) => l.startsWith('send'))).toEqual([
      'send bad argument',
      'send bad argument',
      'send bad argument',
      'send bad argument',
      'send pending',
      'send uplink in progress',
    ]);
    expect(run([init('rak3172'), `send 1 ${'ab'.repeat(242)}`]).at(-1)).toBe('send pending');
    expect(run([init('murata-cmwx1zzabz'), `send 1 ${'ab'.repeat(65)}`]).at(-1)).toBe('send bad argument');
    expect(run([init('bg96'), `send 1 ${'ab'.repeat(251)}`]).at(-1)).toBe('send bad argument');
  });

  it('reports idle when polled with nothing to do', () => {
    expect(run([init('bg96'), 'tick 5'])).toEqual(['init 0', 'poll idle']);
  });
});

describe('Wio-E5', () => {
  it('sets the port, then sends MSGHEX and waits for Done', () => {
    expect(
      run([
        init('wio-e5'),
        'send 12 0a0b',
        'rx +PORT: 12\\r\\n',
        'rx +MSGHEX: Start\\r\\n+MSGHEX: FPENDING\\r\\n',
        'rx +MSGHEX: Done\\r\\n',
      ]),
    ).toEqual([
      'init 0',
      'tx "AT+PORT=12\\r\\n"',
      'send pending',
      'tx "AT+MSGHEX=\\"0A0B\\"\\r\\n"',
      'poll pending',
      'poll pending',
      'poll ok',
    ]);
  });

  it('retries "modem is busy" on the MSGHEX step only', () => {
    const out = run([
      init('wio-e5'),
      'send 12 0a',
      'rx +PORT: 12\\r\\n',
      'rx +MSGHEX: LoRaWAN modem is busy\\r\\n',
      'tick 100',
    ]);
    expect(out.at(-2)).toBe('tx "AT+MSGHEX=\\"0A\\"\\r\\n"');
  });

  it('maps the error replies', () => {
    const last = (reply: string): string =>
      run([init('wio-e5', 0), 'send 1 0a', 'rx +PORT: 1\\r\\n', `rx ${reply}\\r\\n`]).at(-1)!;
    expect(last('+MSGHEX: Please join network first')).toBe('poll not joined');
    expect(last('+MSGHEX: No free channel')).toBe('poll no free channel');
    expect(last('+MSGHEX: Length error 11')).toBe('poll rejected');
    expect(last('+MSGHEX: ERROR(-1)')).toBe('poll modem error');
    expect(run([init('wio-e5'), 'send 1 0a', 'rx +PORT: ERROR(-1)\\r\\n']).at(-1)).toBe('poll rejected');
  });
});

describe('RAK3172 (RUI3)', () => {
  it('needs +EVT:TX_DONE after OK', () => {
    expect(run([init('rak3172'), 'send 2 01', 'rx OK\\r\\n', 'rx +EVT:TX_DONE\\r\\n']).slice(-2)).toEqual([
      'poll pending',
      'poll ok',
    ]);
  });

  it('maps AT_* errors', () => {
    const last = (reply: string): string =>
      run([init('rak3172', 0), 'send 1 0a', `rx ${reply}\\r\\n`]).at(-1)!;
    expect(last('AT_BUSY_ERROR')).toBe('poll modem busy');
    expect(last('AT_NO_NETWORK_JOINED')).toBe('poll not joined');
    expect(last('AT_PARAM_ERROR')).toBe('poll rejected');
    expect(last('AT_DUTYCYCLE_RESTRICTED')).toBe('poll no free channel');
    expect(last('AT_ERROR')).toBe('poll modem error');
  });
});

describe('Murata (MKR WAN AT firmware)', () => {
  it('sets the port and sends AT+UTX with the raw bytes, replies ending in CR only', () => {
    expect(run([init('murata-cmwx1zzabz'), 'send 9 0d0a41', 'rx +OK\\r', 'rx +OK\\r'])).toEqual([
      'init 0',
      'tx "AT+PORT=9\\r"',
      'send pending',
      'tx "AT+UTX 3\\r\\r\\nA"',
      'poll pending',
      'poll ok',
    ]);
  });

  it('maps +ERR replies (most specific first)', () => {
    const last = (reply: string): string =>
      run([init('murata-cmwx1zzabz', 0), 'send 1 0a', 'rx +OK\\r', `rx ${reply}\\r`]).at(-1)!;
    expect(last('+ERR_NO_NETWORK')).toBe('poll not joined');
    expect(last('+ERR_BUSY')).toBe('poll modem busy');
    expect(last('+ERR_PARAM_OVERFLOW')).toBe('poll rejected');
    expect(last('+ERR')).toBe('poll modem error');
  });
});

describe('BG96 (UDP socket)', () => {
  it('opens the socket once, then QISEND, prompt, bytes, SEND OK for every datagram', () => {
    const out = run([
      init('bg96'),
      'send 1 a10102',
      'rx AT+QIOPEN=1,0,"UDP","127.0.0.1",5683,0,1\\r\\r\\nOK\\r\\n',
      'rx \\r\\n+QIOPEN: 0,0\\r\\n',
      'rx > ',
      'rx \\r\\nSEND OK\\r\\n',
      'send 1 ff',
      'rx > ',
      'rx \\r\\nSEND OK\\r\\n',
    ]);
    expect(out).toEqual([
      'init 0',
      'tx "AT+QIOPEN=1,0,\\"UDP\\",\\"127.0.0.1\\",5683,0,1\\r\\n"',
      'send pending',
      'poll pending',
      'tx "AT+QISEND=0,3\\r\\n"',
      'poll pending',
      'tx "\\xa1\\x01\\x02"',
      'poll pending',
      'poll ok',
      'tx "AT+QISEND=0,1\\r\\n"',
      'send pending',
      'tx "\\xff"',
      'poll pending',
      'poll ok',
    ]);
  });

  it('goes back to QISEND after SEND FAIL, and reports an open error', () => {
    const out = run([
      init('bg96'),
      'send 1 aa',
      'rx OK\\r\\n+QIOPEN: 0,0\\r\\n',
      'rx > ',
      'rx SEND FAIL\\r\\n',
      'tick 100',
      'rx > ',
      'rx SEND OK\\r\\n',
    ]);
    expect(out.slice(-6)).toEqual([
      'poll pending',
      'tx "AT+QISEND=0,1\\r\\n"',
      'poll pending',
      'tx "\\xaa"',
      'poll pending',
      'poll ok',
    ]);
    expect(run([init('bg96', 0), 'send 1 aa', 'rx OK\\r\\n+QIOPEN: 0,566\\r\\n']).at(-1)).toBe(
      'poll modem error',
    );
  });
});
