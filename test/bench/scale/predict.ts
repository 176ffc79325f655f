// The predicted peak of a bench job (MiB); undefined until a memory estimate exists.
import type { ScaleChildSpec } from './child';

export function predictPeak(_modelDir: string, _spec: Omit<ScaleChildSpec, 'modelDir' | 'tasks'>): number | undefined {
  return undefined;
}
