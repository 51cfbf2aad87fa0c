/**
 * Uplink policy of the activity tracker: every 15 minutes, the minutes spent in each activity (windows of
 * 19.2 s counted per predicted class), the dominant activity and the mean confidence. Windows the sensor
 * check finds faulty count in no activity; the uplink flags them.
 */
import type { UplinkPolicyDef } from '@murmur/policy';

export const uplinkPolicy: UplinkPolicyDef = {
  periodS: 15 * 60,
  fields: {
    minutes: { of: 'classMinutes' },
    dominant: { of: 'dominantClass', none: 'unknown' },
    confidence: { of: 'meanConfidence' },
    sensor_fault: { of: 'sensorFaults' },
    battery_pct: { of: 'battery' },
  },
};
