import type { Command } from 'commander';
import type { CommandModule } from './index';
import { UsageError } from '@murmur/core';
import { printJson } from '../output';
import { intOption } from './decode';

export function registerAirtime(program: Command): void {
  program
    .command('airtime')
    .description(
      'LoRaWAN airtime of an application payload, uplinks/day under the 1 % duty cycle and TTN fair use, fitting data rates',
    )
    .option('--bytes <n>', 'application payload bytes')
    .option('--sf <7..12>', 'spreading factor')
    .option('--bw <kHz>', 'bandwidth: 125, 250 or 500', '125')
    .option('--region <region>', 'EU868, US915, AU915, AS923, IN865 or KR920', 'EU868')
    .action(async (opts: { bytes?: string; sf?: string; bw: string; region: string }) => {
      const bytes = intOption(opts.bytes, '--bytes', 0, 242);
      const sf = intOption(opts.sf, '--sf', 7, 12);
      const bw = intOption(opts.bw, '--bw', 125, 500);
      if (bytes === undefined) throw new UsageError('missing --bytes <n>');
      if (sf === undefined) throw new UsageError('missing --sf <7..12>');
      if (![125, 250, 500].includes(bw!))
        throw new UsageError(`--bw must be 125, 250 or 500, got '${opts.bw}'`);
      const lpwan = await import('@murmur/lpwan');
      const region = lpwan.regionOf(opts.region);
      const budget = lpwan.uplinkBudget(bytes, { spreadingFactor: sf, bandwidthKhz: bw! });
      const fits = lpwan.dataRatesFitting(region, bytes);
      printJson({
        bytes,
        phyBytes: bytes + lpwan.LORAWAN_OVERHEAD_BYTES,
        spreadingFactor: sf,
        bandwidthKhz: bw,
        region,
        airtimeMs: Number(budget.airtimeMs.toFixed(3)),
        maxUplinksPerDay: {
          dutyCycle1Percent: budget.maxPerDayDutyCycle,
          ttnFairUse: budget.maxPerDayTtnFairUse,
        },
        minIntervalS: {
          dutyCycle1Percent: Number(budget.minIntervalDutyCycleS.toFixed(1)),
          ttnFairUse: Number(budget.minIntervalTtnFairUseS.toFixed(1)),
        },
        dataRates: fits.map((d) => ({
          dr: d.dr,
          ...(d.spreadingFactor === undefined
            ? { fskKbps: d.fskKbps }
            : { sf: d.spreadingFactor, bwKhz: d.bandwidthKhz }),
          maxPayload: d.maxPayload,
        })),
        fitsDataRate: fits.some((d) => d.spreadingFactor === sf && d.bandwidthKhz === bw),
      });
    });
}

export const command: CommandModule = { order: 63, register: registerAirtime };
