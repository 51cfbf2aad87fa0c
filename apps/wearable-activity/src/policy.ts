/**
 * Uplink policy of the activity tracker: every 15 minutes, the minutes spent in each activity (windows of
 * 19.2 s counted per predicted class), the dominant activity and the mean confidence.
 */
import type { UplinkPolicyDef } from '@murmur/policy';

export const uplinkPolicy: UplinkPolicyDef = {
  periodS: 15 * 60,
  fields: {
    minutes: { of: 'classMinutes' },
    dominant: { of: 'dominantClass' },
    confidence: { of: 'meanConfidence' },
    battery_pct: { of: 'battery' },
  },
};
