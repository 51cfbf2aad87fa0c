/**
 * The server's metrics in the Prometheus text exposition format (version 0.0.4): counters, gauges read when
 * scraped, and histograms with cumulative buckets. Label values come from small fixed sets (networks, apps,
 * status codes), never from the input.
 */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length ? `{${parts.join(',')}}` : '';
}

function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  /** The value for `labels` (0 when never counted). */
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [key, { value }] of this.values) lines.push(`${this.name}${key} ${numberText(value)}`);
    return lines.join('\n');
  }
}

/** A gauge whose value is read when the metrics are scraped. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} gauge`,
      `${this.name} ${numberText(this.read())}`,
    ].join('\n');
  }
}

export class Histogram implements Metric {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {
    this.counts = buckets.map(() => 0);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) this.counts[i]!++;
  }

  get observations(): number {
    return this.count;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) =>
      lines.push(`${this.name}_bucket{le="${numberText(b)}"} ${this.counts[i]}`),
    );
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    lines.push(`${this.name}_sum ${numberText(this.sum)}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

/** What the server counts. Gauges are attached by the server once the queue and stream exist. */
export class ServerMetrics {
  readonly ingested = new Counter(
    'murmur_uplinks_ingested_total',
    'Uplinks committed to the store, by network.',
  );
  readonly duplicates = new Counter(
    'murmur_uplinks_duplicate_total',
    'Uplinks acknowledged as duplicates of one already stored (network retries, several gateways), by network.',
  );
  readonly decodeErrors = new Counter(
    'murmur_uplinks_decode_errors_total',
    "Stored uplinks that their app's decoder (or the registry, without an app) gave errors for, by app.",
  );
  readonly rejected = new Counter(
    'murmur_ingest_rejected_total',
    'Ingestion requests refused, by network and HTTP status (bad input, authentication, size, overload).',
  );
  readonly queueFull = new Counter(
    'murmur_ingest_queue_full_total',
    'Ingestion requests answered 503 because the ingest queue was full.',
  );
  readonly events = new Counter(
    'murmur_chirpstack_events_total',
    'ChirpStack integration events other than up, acknowledged and not stored, by event.',
  );
  readonly commitSeconds = new Histogram(
    'murmur_commit_duration_seconds',
    'Time to commit one batch of uplinks (one transaction).',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly batchSize = new Histogram(
    'murmur_commit_batch_size',
    'Uplinks per committed batch.',
    [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  );
  private readonly gauges: Gauge[] = [];
  private readonly counters: Counter[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push(new Gauge(name, help, read));
  }

  /** A counter of a transport started with the server (MQTT, NB-IoT). */
  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.counters.push(c);
    return c;
  }

  render(): string {
    const all: Metric[] = [
      this.ingested,
      this.duplicates,
      this.decodeErrors,
      this.rejected,
      this.queueFull,
      this.events,
      ...this.counters,
      ...this.gauges,
      this.commitSeconds,
      this.batchSize,
    ];
    return `${all.map((m) => m.render()).join('\n')}\n`;
  }
}
