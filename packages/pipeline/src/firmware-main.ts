/**
 * The firmware main loop of an app for a board: samples from `murmur_sensor_read()` go through the
 * generated library; every period (or at once on an alert) the uplink goes out through the board's radio
 * path — the table-driven AT transport for a UART modem, or the weak `murmur_radio_send()` hook that the
 * vendor stack (STM32CubeWL, LoRaMac-node, RUI3, nRF Modem library) implements for an integrated radio.
 */
import type { Board } from '@murmur/boards';
import { appWindowsPerUplink, type MurmurApp } from '@murmur/app';
import { cTableOf } from '@murmur/modem';
import { cBanner } from '@murmur/core';

export function usesModem(board: Board): boolean {
  return board.radio.technology !== 'none' && board.radio.link === 'uart-at';
}

export function firmwareMain(app: MurmurApp, board: Board): string {
  const id = app.id.replace(/-/g, '_');
  const p = `murmur_${id}`;
  const g = app.featureGraph;
  const period = appWindowsPerUplink(app);
  const modem = usesModem(board) && board.radio.technology !== 'none' ? board.radio : undefined;
  /* Cellular radios (NB-IoT / LTE-M) carry the compact CBOR form; the BG96 sends it over UDP to the uplink server. */
  const cbor = board.radio.technology !== 'none' && board.radio.technology !== 'lorawan';
  const udp = modem?.commandSet === 'bg96';
  const sensor = app.sensor.description;
  const lines = [
    cBanner(
      [`Firmware main loop of ${app.id} for ${board.id} (${board.mcu.part}).`],
      '@murmur/pipeline',
      `apps/${app.id}/app.config.ts and boards/${board.id}.json`,
    ),
    '#include <stddef.h>',
    '#include <stdint.h>',
    '#include "murmur_board.h"',
    `#include "${p}.h"`,
    ...(modem ? ['#include "murmur_modem.h"'] : []),
    '',
    ...(udp
      ? [
          '/* The UDP server that receives the CBOR datagrams (your uplink server). Set it when building:',
          ' * -DMURMUR_NBIOT_HOST=\\"collector.example.net\\" -DMURMUR_NBIOT_PORT=5683. The default host is a reserved',
          ' * name that never resolves, so an unconfigured device fails visibly instead of sending elsewhere. */',
          '#ifndef MURMUR_NBIOT_HOST',
          '#define MURMUR_NBIOT_HOST "uplink.invalid"',
          '#endif',
          '#ifndef MURMUR_NBIOT_PORT',
          '#define MURMUR_NBIOT_PORT 5683u',
          '#endif',
          '',
        ]
      : []),
    `#define CHANNELS ${g.channels.length}`,
    `#define WINDOWS_PER_UPLINK ${period}u /* ${app.uplink.periodS} s of ${g.hop}-sample hops at ${g.rateHz} Hz */`,
    '',
    `/**`,
    ` * The sensor: ${sensor}, sampled at ${g.rateHz} Hz, channels ${g.channels.join(', ')}.`,
    ` * Fill one frame and return 1 when a new sample is due, else 0. This weak default has no sensor and`,
    ` * returns 0; define murmur_sensor_read() in your firmware with the driver of your sensor.`,
    ` */`,
    '__attribute__((weak)) int murmur_sensor_read(float *frame) {',
    '  (void)frame;',
    '  return 0;',
    '}',
    '',
    '/** Battery level in percent; the weak default reports 100. */',
    '__attribute__((weak)) uint8_t murmur_battery_pct(void) { return 100; }',
    '',
  ];
  if (modem) {
    lines.push(
      `/* ${modem.chip} on ${modem.uart!.instance} at ${modem.uart!.baud} baud through the AT transport. */`,
      'static void port_write(void *context, const uint8_t *bytes, size_t length) {',
      '  (void)context;',
      '  murmur_uart_write(bytes, (uint32_t)length);',
      '}',
      'static int port_read(void *context) {',
      '  uint8_t byte;',
      '  (void)context;',
      '  return murmur_uart_read(&byte) ? (int)byte : -1;',
      '}',
      'static uint32_t port_now(void *context) {',
      '  (void)context;',
      '  return murmur_board_millis();',
      '}',
      'static void port_wait(void *context) {',
      '  (void)context;',
      '  murmur_board_wait();',
      '}',
      'static const murmur_modem_port port = { NULL, port_write, port_read, port_now, port_wait };',
      'static murmur_modem modem;',
      '',
      'static int send_uplink(uint8_t fport, const uint8_t *bytes, size_t length) {',
      '  return murmur_modem_send_wait(&modem, fport, bytes, length);',
      '}',
    );
  } else {
    lines.push(
      '/**',
      ` * The radio: ${board.radio.technology === 'none' ? 'this board has none' : `${board.radio.chip}, driven by ${board.radio.vendorStack ?? 'the vendor stack'}`}.`,
      cbor
        ? ' * Send the `length` bytes of the compact CBOR uplink (`fport` names the message) and return 0 on success. This weak default sends nothing;'
        : ' * Send `length` bytes on LoRaWAN port `fport` and return 0 on success. This weak default sends nothing;',
      " * implement it with the vendor stack (see the board's README for an example).",
      ' */',
      '__attribute__((weak)) int murmur_radio_send(uint8_t fport, const uint8_t *bytes, size_t length) {',
      '  (void)fport;',
      '  (void)bytes;',
      '  (void)length;',
      '  return -1;',
      '}',
      '',
      'static int send_uplink(uint8_t fport, const uint8_t *bytes, size_t length) {',
      '  return murmur_radio_send(fport, bytes, length);',
      '}',
    );
  }
  lines.push(
    '',
    'static float frame[CHANNELS];',
    `static uint8_t uplink[${p.toUpperCase()}_UPLINK_${cbor ? 'CBOR_MAX_' : ''}SIZE];`,
    '',
    'int main(void) {',
    '  uint32_t windows = 0;',
    '  murmur_board_init();',
    `  ${p}_init();`,
  );
  if (modem) {
    lines.push(
      `  murmur_uart_init(${modem.uart!.baud}UL);`,
      '  {',
      udp
        ? '    static const murmur_modem_config config = { 2u, 2000u, 0u, MURMUR_NBIOT_HOST, MURMUR_NBIOT_PORT };'
        : '    static const murmur_modem_config config = { 2u, 2000u, 0u, NULL, 0u };',
      `    (void)murmur_modem_init(&modem, &${cTableOf(modem.commandSet!)}, &port, &config);`,
      '  }',
    );
  }
  lines.push(
    '  for (;;) {',
    '    while (murmur_sensor_read(frame)) {',
    `      ${p}_push_samples(frame, 1);`,
    `      if (${p}_ready()) {`,
    `        ${p}_result result;`,
    `        if (${p}_infer(&result) == 0 && (result.alert || ++windows >= WINDOWS_PER_UPLINK)) {`,
    `          ${p}_inputs inputs = { murmur_battery_pct() };`,
    `          size_t n = ${p}_encode_uplink${cbor ? '_cbor' : ''}(&inputs, uplink, sizeof uplink);`,
    `          if (n) (void)send_uplink(${p.toUpperCase()}_FPORT, uplink, n);`,
    '          windows = 0;',
    '        }',
    '      }',
    '    }',
    '    murmur_board_wait();',
    '  }',
    '}',
    '',
  );
  return lines.join('\n');
}
