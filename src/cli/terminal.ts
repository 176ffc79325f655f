import { describePlacement } from '../core/engine/placement';
import type { JobReporter, MetricEvent, ProgressEvent } from '../core/runFolder/context';
import { formatDuration } from '../core/runFolder/duration';

export { formatDuration };

interface PhaseClock {
  phase: string;
  started: number;
}

/** Progress bars with ETA on stderr (a redrawn line on a TTY, one line per ~10% otherwise). */
export class TerminalReporter implements JobReporter {
  private clock: PhaseClock | undefined;
  private lastPrintedDecile = -1;
  private readonly tty: boolean;

  /** `verbose`: also print where every graph's nodes ran, CPU sessions included (nodes that fell off a GPU always print). */
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly quiet = false, private readonly verbose = false) {
    this.tty = Boolean(stream.isTTY);
  }

  progress(event: ProgressEvent): void {
    if (this.quiet) return;
    if (!this.clock || this.clock.phase !== event.phase) {
      if (this.clock && this.tty) this.stream.write('\n');
      this.clock = { phase: event.phase, started: Date.now() };
      this.lastPrintedDecile = -1;
    }
    const line = this.render(event);
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${line}`);
      if (event.done >= event.total) this.stream.write('\n');
      return;
    }
    const decile = event.total > 0 ? Math.floor((10 * event.done) / event.total) : 0;
    if (decile !== this.lastPrintedDecile || event.done >= event.total) {
      this.lastPrintedDecile = decile;
      this.stream.write(`${line}\n`);
    }
  }

  private render(event: ProgressEvent): string {
    const fraction = event.total > 0 ? Math.min(1, event.done / event.total) : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    const elapsed = (Date.now() - (this.clock?.started ?? Date.now())) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const tail = event.message ? ` ${event.message}` : '';
    return `${event.phase.padEnd(18)} ${bar} ${event.done}/${event.total} ${formatDuration(elapsed)} elapsed, ETA ${formatDuration(eta)}${tail}`;
  }

  /** Metrics go to the run folder and the bar's message carries the rest; only placements are printed here. */
  metric(event: MetricEvent): void {
    if (event.type === 'placement' && (this.verbose || event.offDevice > 0)) this.log('info', describePlacement(event));
  }

  log(level: string, message: string): void {
    if (this.quiet && level === 'info') return;
    if (this.tty && this.clock) this.stream.write('\r\x1b[2K');
    this.stream.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
  }

  artifact(): void {
    // Artifacts are listed in the final summary.
  }
}

/**
 * An AbortController that fires on the first Ctrl-C or SIGTERM (a service manager's or `kill`'s stop): the job
 * stops at the next step boundary, writes its checkpoint and ends "cancelled". A second signal exits at once.
 */
const REPEAT_MS = 300;

export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  let count = 0;
  let first = 0;
  const stop = (signal: NodeJS.Signals) => {
    // One Ctrl-C can arrive twice in a job process under the CLI's parent (from the terminal and forwarded).
    if (count === 1 && Date.now() - first < REPEAT_MS) return;
    count += 1;
    first = first || Date.now();
    if (count > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    process.stderr.write(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping at the next step boundary (again to quit now)…\n`);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

/** Prints a table with aligned columns. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** A user-facing CLI error: printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
