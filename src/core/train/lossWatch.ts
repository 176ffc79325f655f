// A loss that climbs without ever becoming NaN (too high a learning rate) would otherwise end "succeeded" in
// silence. The watch compares the mean loss of the latest window with the best window mean seen so far.
export const LOSS_WINDOW = 10;
/** The latest window's mean must exceed the best window's by this factor to count as growth. */
export const GROWTH_FACTOR = 1.5;

export class LossWatch {
  private readonly losses: number[] = [];
  private best = Infinity;
  private warned = false;

  constructor(private readonly window = LOSS_WINDOW) {}

  /** Adds one step's loss; returns a warning the first time the loss has grown persistently, else undefined. */
  add(step: number, loss: number): string | undefined {
    this.losses.push(loss);
    if (this.losses.length < this.window) return undefined;
    const recent = this.losses.slice(-this.window);
    const mean = recent.reduce((a, b) => a + b, 0) / this.window;
    // Growth over a whole window, not one noisy step: the first and last halves of the window must both be high.
    const persistent = this.best < Infinity && mean > GROWTH_FACTOR * this.best && Math.min(...recent) > this.best;
    this.best = Math.min(this.best, mean);
    if (!persistent || this.warned) return undefined;
    this.warned = true;
    return `the loss is growing: the mean over steps ${step - this.window + 1}-${step} is ${mean.toFixed(4)}, up from a best of ${this.best.toFixed(4)}; the run is likely diverging: lower training.learningRate (then --resume takes the new value) or set training.maxGradNorm`;
  }
}
