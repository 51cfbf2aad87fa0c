/**
 * The network side of the simulator: an ABP LoRaWAN session that turns an uplink's FRMPayload into the
 * PHYPayload the radio sends (lora-packet: MIC, FRMPayload encryption, incrementing FCnt) and, as the
 * network server would, verifies and decrypts that frame and delivers it as a The Things Stack v3 uplink
 * message.
 */
import { MurmurError } from '@murmur/core';
import { buildPhyPayload, fromPhyPayload, loraAirtime, type AbpSession } from '@murmur/lpwan';
import { fromHex } from '@murmur/payload';

/** An ABP device on a The Things Stack application. */
export interface LorawanDevice {
  devAddr: string;
  nwkSKey: string;
  appSKey: string;
  devEui: string;
  deviceId: string;
  applicationId: string;
  /** FCnt of the first uplink (default 0). */
  firstFCnt?: number;
}

/** How the simulated gateway hears the device, and the clock of the messages (deterministic). */
export interface RadioConditions {
  gatewayId: string;
  gatewayEui: string;
  spreadingFactor: number;
  frequencyHz: number;
  rssi: number;
  snr: number;
  /** Reception time of the first uplink (ISO 8601) and the spacing of the next ones. */
  firstReceivedAt: string;
  intervalS: number;
}

/** A test device with fixed, documented-as-test ABP keys. */
export const TEST_DEVICE: LorawanDevice = {
  devAddr: '260B1A2C',
  nwkSKey: '2B7E151628AED2A6ABF7158809CF4F3C',
  appSKey: '3C4FCF098815F7ABA6D2AE2816157E2B',
  devEui: '70B3D57ED0061A2C',
  deviceId: 'murmur-sim-1',
  applicationId: 'murmur',
};

export const DEFAULT_RADIO: RadioConditions = {
  gatewayId: 'murmur-sim-gw',
  gatewayEui: 'B827EBFFFE000001',
  spreadingFactor: 9,
  frequencyHz: 868_100_000,
  rssi: -97,
  snr: 6.5,
  firstReceivedAt: '2026-01-01T00:00:00.000Z',
  intervalS: 900,
};

/** One uplink as it crossed the air and reached the application. */
export interface DeliveredUplink {
  fPort: number;
  fCnt: number;
  /** The FRMPayload as the device handed it to the modem. */
  payload: Uint8Array;
  /** The LoRaWAN frame on air. */
  phyPayload: Uint8Array;
  /** The Things Stack v3 uplink message (webhook / MQTT `up` body). */
  tts: Record<string, unknown>;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** A simulated ABP session plus network server: frames uplinks and delivers them as TTS messages. */
export class LorawanNetwork {
  private nextFCnt: number;
  private lastFCnt: number | undefined;
  private readonly session: AbpSession;

  constructor(
    readonly device: LorawanDevice = TEST_DEVICE,
    readonly radio: RadioConditions = DEFAULT_RADIO,
  ) {
    this.nextFCnt = device.firstFCnt ?? 0;
    this.session = {
      nwkSKey: device.nwkSKey,
      appSKey: device.appSKey,
      devAddr: device.devAddr,
      devEui: device.devEui,
    };
  }

  /** Frames `payload` on `fPort` (1..223), then verifies, decrypts and delivers it. */
  deliver(fPort: number, payload: Uint8Array): DeliveredUplink {
    if (!Number.isInteger(fPort) || fPort < 1 || fPort > 223)
      throw new MurmurError(`FPort ${fPort} is not an application port (1..223)`, { field: 'fPort' });
    const fCnt = this.nextFCnt++;
    const phyPayload = buildPhyPayload({ devAddr: this.device.devAddr, fCnt, fPort, payload }, this.session);
    const index = fCnt - (this.device.firstFCnt ?? 0);
    const receivedAt = new Date(
      Date.parse(this.radio.firstReceivedAt) + index * this.radio.intervalS * 1000,
    ).toISOString();
    const heard = fromPhyPayload(phyPayload, this.session, { lastFCnt: this.lastFCnt, receivedAt });
    this.lastFCnt = heard.fCnt;
    const tts = this.ttsMessage(heard.fPort, heard.fCnt, fromHex(heard.bytes), phyPayload.length, receivedAt);
    return { fPort, fCnt, payload: payload.slice(), phyPayload, tts };
  }

  /**
   * The Things Stack v3 uplink message (integrations data format): snake_case, zero-valued fields
   * omitted (no f_cnt for counter 0), EUIs and DevAddr in upper-case hex, FRMPayload in base64.
   */
  private ttsMessage(
    fPort: number,
    fCnt: number,
    frm: Uint8Array,
    phyBytes: number,
    receivedAt: string,
  ): Record<string, unknown> {
    const { device, radio } = this;
    const airtime = loraAirtime(phyBytes, { spreadingFactor: radio.spreadingFactor });
    const timestamp = (Date.parse(receivedAt) * 1000) % 2 ** 32;
    return {
      end_device_ids: {
        device_id: device.deviceId,
        application_ids: { application_id: device.applicationId },
        dev_eui: device.devEui.toUpperCase(),
        dev_addr: device.devAddr.toUpperCase(),
      },
      correlation_ids: [`as:up:murmur-sim-${fCnt}`],
      received_at: receivedAt,
      uplink_message: {
        f_port: fPort,
        ...(fCnt === 0 ? {} : { f_cnt: fCnt }),
        frm_payload: base64(frm),
        rx_metadata: [
          {
            gateway_ids: { gateway_id: radio.gatewayId, eui: radio.gatewayEui.toUpperCase() },
            time: receivedAt,
            timestamp,
            rssi: radio.rssi,
            channel_rssi: radio.rssi,
            snr: radio.snr,
            received_at: receivedAt,
          },
        ],
        settings: {
          data_rate: {
            lora: { bandwidth: 125_000, spreading_factor: radio.spreadingFactor, coding_rate: '4/5' },
          },
          frequency: String(radio.frequencyHz),
          timestamp,
        },
        received_at: receivedAt,
        consumed_airtime: `${(airtime.totalMs / 1000).toFixed(6)}s`,
      },
    };
  }
}
