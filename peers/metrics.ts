/**
 * A peer's metrics, kept in memory and rendered as Prometheus text for `/metrics`. It is
 * also the `MetricsRegister` gossipsub reports into, so the router's own counters (invalid
 * messages by reason, mesh sizes, …) appear beside the peer's without a metrics library.
 */

type Labels = Record<string, string | number>;

/** One labelled value series (a counter or a gauge). */
export class Series {
  readonly name: string;
  readonly help: string;
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  readonly #collectors: Array<(series: Series) => void> = [];

  constructor(name: string, help: string) {
    this.name = name;
    this.help = help;
  }

  /** Adds `value` (default 1); with labels first when the series has them. */
  inc(labelsOrValue?: Labels | number, value?: number): void {
    const [labels, by] = split(labelsOrValue, value ?? 1);
    const entry = this.#entry(labels);
    entry.value += by;
  }

  set(labelsOrValue: Labels | number, value?: number): void {
    const [labels, to] = split(labelsOrValue, value ?? 0);
    this.#entry(labels).value = to;
  }

  /** The value for these labels (0 when never set). */
  get(labels: Labels = {}): number {
    return this.#values.get(key(labels))?.value ?? 0;
  }

  /** Sum over every label set. */
  total(): number {
    let sum = 0;
    for (const { value } of this.#values.values()) sum += value;
    return sum;
  }

  addCollect(collect: (series: Series) => void): void {
    this.#collectors.push(collect);
  }

  /** Prometheus exposition lines. */
  render(): string[] {
    for (const collect of this.#collectors) collect(this);
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const { labels, value } of this.#values.values()) {
      const text = Object.entries(labels)
        .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, '_')}"`)
        .join(',');
      lines.push(`${this.name}${text ? `{${text}}` : ''} ${value}`);
    }
    return lines;
  }

  #entry(labels: Labels) {
    const k = key(labels);
    let entry = this.#values.get(k);
    if (!entry) {
      entry = { labels, value: 0 };
      this.#values.set(k, entry);
    }
    return entry;
  }
}

function split(labelsOrValue: Labels | number | undefined, fallback: number): [Labels, number] {
  return typeof labelsOrValue === 'object'
    ? [labelsOrValue, fallback]
    : [{}, labelsOrValue ?? fallback];
}

function key(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

const NO_OP = () => {};

/** The registry of a peer's series. */
export class PeerMetrics {
  readonly #series = new Map<string, Series>();

  /** The series named `name`, made on first use. */
  gauge(config: { name: string; help: string }): Series {
    let series = this.#series.get(config.name);
    if (!series) {
      series = new Series(config.name, config.help);
      this.#series.set(config.name, series);
    }
    return series;
  }

  /** Gossipsub's histograms are not exported (their buckets would dwarf the rest). */
  histogram() {
    return { startTimer: () => NO_OP, observe: NO_OP, reset: NO_OP, addCollect: NO_OP };
  }

  /** Nor its min/avg/max summaries. */
  avgMinMax() {
    return { set: NO_OP, addCollect: NO_OP };
  }

  /** Every series as Prometheus text. */
  render(): string {
    return `${[...this.#series.values()].flatMap((series) => series.render()).join('\n')}\n`;
  }
}
