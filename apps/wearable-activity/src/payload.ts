/**
 * Uplink of the activity-tracking template: minutes spent in each activity over a 15-minute period, the
 * dominant activity (`unknown` when no window of the period was classified), the mean classifier
 * confidence, whether the sensor check found a faulty window, and the battery, in 6 bytes on fPort 12.
 */
import { definePayload, t, type Infer } from '@murmur/payload';

export const ACTIVITIES = ['walking', 'jogging', 'stairs', 'sitting', 'standing', 'kicking'] as const;

/** The dominant field's values: the activities, and `unknown` for a period without a classified window. */
export const DOMINANT_VALUES = [...ACTIVITIES, 'unknown'] as const;

export const payloadSchema = definePayload({
  name: 'wearable_activity',
  description: 'Activity summary over a 15-minute period',
  fPort: 12,
  version: 2,
  fields: {
    minutes: t.array(t.uint(4, { max: 15, unit: 'min', saturate: true }), ACTIVITIES.length, {
      description: `minutes per activity: ${ACTIVITIES.join(', ')}`,
    }),
    dominant: t.enum(DOMINANT_VALUES, { description: 'activity with the most minutes' }),
    confidence: t.unorm(7, { saturate: true, description: 'mean classifier confidence' }),
    sensor_fault: t.bool({
      description: 'the accelerometer gave non-finite, clipped or stuck samples in a window of the period',
    }),
    battery_pct: t.uint(7, { max: 100, unit: '%EL', saturate: true, description: 'remaining battery' }),
  },
});

export type WearableActivityUplink = Infer<typeof payloadSchema>;

/** Test vectors (also the TTN device-repository examples). */
export const payloadExamples: { description: string; value: WearableActivityUplink }[] = [
  {
    description: 'Mostly walking',
    value: {
      minutes: [9, 0, 2, 0, 4, 0],
      dominant: 'walking',
      confidence: 0.8976377952755905,
      sensor_fault: false,
      battery_pct: 88,
    },
  },
  {
    description: 'Sitting the whole period',
    value: {
      minutes: [0, 0, 0, 15, 0, 0],
      dominant: 'sitting',
      confidence: 1,
      sensor_fault: false,
      battery_pct: 41,
    },
  },
  {
    description: 'Accelerometer faulty the whole period',
    value: {
      minutes: [0, 0, 0, 0, 0, 0],
      dominant: 'unknown',
      confidence: 0,
      sensor_fault: true,
      battery_pct: 73,
    },
  },
];
