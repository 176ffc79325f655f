// Loading progress of a job: reading the checkpoint's headers, then for each session mapping the weights (the graph
// saved with its weights pointing into the checkpoint) and building it in onnxruntime. A multi-GB checkpoint spends
// tens of seconds here, so these are 'load model' progress events: the CLI prints them, the worker forwards them
// to the extension's notification, a run folder records them.
import type { EngineSessionOptions, LoadStage } from '../engine';
import type { JobReporter } from '../runFolder/context';

export const LOAD_PHASE = 'load model';

export class LoadProgress {
  private session = 0;
  private mapped = false;
  private started = 0;

  /** `sessions`: how many sessions the job builds before its first result (probe and train 1, evaluate 2). */
  constructor(private readonly sessions: number) {}

  /** Steps: reading headers, then mapping + building per session. */
  private get total(): number {
    return 1 + 2 * Math.max(this.sessions, this.session);
  }

  /** Before the checkpoint's headers are read (config.json, safetensors headers); returns this progress. */
  headers(reporter: Pick<JobReporter, 'progress'>): this {
    reporter.progress({ phase: LOAD_PHASE, done: 0, total: this.total, message: 'reading headers' });
    return this;
  }

  /** The session options' hook that reports each session's stages to `reporter`. */
  hooks(reporter: Pick<JobReporter, 'progress'>): Pick<EngineSessionOptions, 'onLoadStage'> {
    return { onLoadStage: (stage) => this.stage(stage, reporter) };
  }

  private stage(stage: LoadStage, reporter: Pick<JobReporter, 'progress'>): void {
    // An in-memory model (a small checkpoint loaded whole) goes straight to building: its mapping step is skipped.
    if (stage === 'mapping' || (stage === 'building' && !this.mapped)) {
      this.session += 1;
      this.started = performance.now();
    }
    const n = `${this.session}/${Math.max(this.sessions, this.session)}`;
    const base = 2 * (this.session - 1);
    const report = (done: number, message: string) => reporter.progress({ phase: LOAD_PHASE, done, total: this.total, message });
    if (stage === 'mapping') {
      this.mapped = true;
      report(base + 1, `mapping weights (session ${n})`);
    } else if (stage === 'building') {
      report(base + 2, `building session ${n}`);
    } else {
      this.mapped = false;
      report(base + 3, `session ${n} ready in ${((performance.now() - this.started) / 1000).toFixed(1)} s`);
    }
  }
}
