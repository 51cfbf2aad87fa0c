/**
 * The report's battery-life estimate: charge per day spent on inference (the emulator's cost per window
 * at the board's clock and run current), the radio (SF-dependent airtime and two receive windows per
 * uplink), sleep, the sensor, and the cell's own self-discharge, against one primary cell.
 */
import type { Board } from '@murmur/boards';
import { uplinkAirtimeMs } from '@murmur/lpwan';
import type { MurmurApp } from '@murmur/app';

/** One 3.6 V lithium-thionyl chloride (Li-SOCl2) AA-size primary cell, e.g. an ER14505. */
export const BATTERY_MAH = 2400;
/**
 * Self-discharge of a lithium primary cell, as a share of its capacity per year: Li-SOCl2 and Li-MnO2
 * datasheets give about 1–2 %/year at 20 °C and more when warm, so 2 %/year.
 */
export const SELF_DISCHARGE_PER_YEAR = 0.02;
const RX_WINDOWS_MS = 2 * 30;
const DAYS_PER_YEAR = 365.25;

/** The sensor's average current, from the app's sensor description. */
export function sensorCurrent(app: MurmurApp): { ua: number; source: string } {
  return { ua: app.sensor.currentUa, source: `the app's sensor description (${app.sensor.description})` };
}

/** One drain on the cell. */
export interface BatteryPart {
  part: 'inference' | 'radio' | 'sleep' | 'sensor' | 'self-discharge';
  mahPerDay: number;
  /** How it was estimated. */
  basis: string;
}

export interface BatteryEstimate {
  assumptions: string;
  parts: BatteryPart[];
  windowsPerDay: number;
  uplinksPerDay: number;
  /** mAh per day spent on each part. */
  computeMahPerDay: number;
  radioMahPerDay: number;
  sleepMahPerDay: number;
  sensorMahPerDay: number;
  /** The cell's self-discharge, as a steady drain of its nominal capacity. */
  selfDischargeMahPerDay: number;
  sensorCurrentUa: number;
  sensorCurrentSource: string;
  selfDischargePerYear: number;
  batteryMah: number;
  days: number;
  years: number;
}

/**
 * Days until the cell is empty: its capacity over the charge per day, with self-discharge taken as a
 * steady loss of SELF_DISCHARGE_PER_YEAR of the nominal capacity. `costPerWindow` and `costPerUplink` are
 * the emulator's counts (cycles on AVR; instructions on Cortex-M, taken as cycles).
 */
export function batteryEstimate(
  app: MurmurApp,
  board: Board,
  costPerWindow: number,
  appBytes: number,
  sf = 7,
  costPerUplink = 0,
): BatteryEstimate | undefined {
  const p = board.power;
  if (board.kind === 'host' || p.txCurrentMa === undefined || costPerWindow <= 0) return undefined;
  const hopS = app.featureGraph.hop / app.featureGraph.rateHz;
  const windowsPerDay = 86400 / hopS;
  const uplinksPerDay = 86400 / app.uplink.periodS;
  const computeS = (windowsPerDay * costPerWindow + uplinksPerDay * costPerUplink) / board.mcu.clockHz;
  const computeMahPerDay = (computeS * p.runCurrentMa) / 3600;
  const airtimeMs = uplinkAirtimeMs(appBytes, { spreadingFactor: sf });
  const radioMahPerDay =
    (uplinksPerDay * (airtimeMs * p.txCurrentMa + RX_WINDOWS_MS * (p.rxCurrentMa ?? p.txCurrentMa / 3))) /
    3.6e6;
  const sleepMahPerDay = (p.sleepCurrentUa / 1000) * 24;
  const sensor = sensorCurrent(app);
  const sensorMahPerDay = (sensor.ua / 1000) * 24;
  const selfDischargeMahPerDay = (BATTERY_MAH * SELF_DISCHARGE_PER_YEAR) / DAYS_PER_YEAR;
  const total = computeMahPerDay + radioMahPerDay + sleepMahPerDay + sensorMahPerDay + selfDischargeMahPerDay;
  const days = BATTERY_MAH / total;
  const rx = p.rxCurrentMa ?? p.txCurrentMa / 3;
  const parts: BatteryPart[] = [
    {
      part: 'inference',
      mahPerDay: computeMahPerDay,
      basis: `the emulator's cost per window (and per uplink) at ${board.mcu.clockHz / 1e6} MHz and ${p.runCurrentMa} mA run current`,
    },
    {
      part: 'radio',
      mahPerDay: radioMahPerDay,
      basis: `SF${sf} uplinks every ${app.uplink.periodS} s at ${p.txCurrentMa} mA, two 30 ms receive windows at ${rx} mA`,
    },
    { part: 'sleep', mahPerDay: sleepMahPerDay, basis: `${p.sleepCurrentUa} µA the rest of the time` },
    { part: 'sensor', mahPerDay: sensorMahPerDay, basis: `${sensor.ua} µA, ${sensor.source}` },
    {
      part: 'self-discharge',
      mahPerDay: selfDischargeMahPerDay,
      basis: `${(100 * SELF_DISCHARGE_PER_YEAR).toFixed(0)} % of ${BATTERY_MAH} mAh a year (lithium primary cells: about 1–2 %/year at 20 °C, more when warm)`,
    },
  ];
  const assumptions = [
    `${BATTERY_MAH} mAh lithium primary cell (Li-SOCl2, AA size)`,
    ...parts.map((x) => `${x.part}: ${x.basis}`),
    'every current drawn from the cell directly: regulators, LEDs and the other parts of a development board are not included, nor are temperature, pulse loads or the cell ageing over many years',
  ].join('; ');
  return {
    assumptions,
    parts,
    windowsPerDay,
    uplinksPerDay,
    computeMahPerDay,
    radioMahPerDay,
    sleepMahPerDay,
    sensorMahPerDay,
    selfDischargeMahPerDay,
    sensorCurrentUa: sensor.ua,
    sensorCurrentSource: sensor.source,
    selfDischargePerYear: SELF_DISCHARGE_PER_YEAR,
    batteryMah: BATTERY_MAH,
    days,
    years: days / DAYS_PER_YEAR,
  };
}
