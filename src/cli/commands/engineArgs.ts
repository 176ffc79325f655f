// Flag parsing shared by the `smoe` commands.
import { DEVICES } from '../../core/engine/device';
import type { DeviceChoice } from '../../core/experiment/types';
import { UsageError } from '../terminal';

export interface FlagSpec {
  /** Flags that take a value, e.g. `--config`. */
  values: readonly string[];
  /** Flags that take no value, e.g. `--verbose`: present in the map with an empty value. */
  switches?: readonly string[];
  help: string;
}

/** `--flag value` pairs (and `--flag=value`), plus `--help`; unknown flags are usage errors naming the fix. */
export function parseFlags(argv: string[], spec: FlagSpec): { flags: Map<string, string>; help: boolean } {
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') { help = true; continue; }
    if (spec.switches?.includes(flag) && inline === undefined) { flags.set(flag, ''); continue; }
    if (!spec.values.includes(flag)) throw new UsageError(`unknown option "${argv[i]}"\n\n${spec.help}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${flag} needs a value\n\n${spec.help}`);
    flags.set(flag, value);
  }
  return { flags, help };
}

/** Checks a `--device` value against the devices the engine knows. */
export function deviceValue(device: string): DeviceChoice {
  if (!(DEVICES as readonly string[]).includes(device)) throw new UsageError(`--device must be ${DEVICES.join(', ')}, not "${device}"`);
  return device as DeviceChoice;
}

export function deviceFlag(flags: Map<string, string>): DeviceChoice | undefined {
  const device = flags.get('--device');
  return device === undefined ? undefined : deviceValue(device);
}

export function wholeFlag(flags: Map<string, string>, flag: string, min: number): number | undefined {
  const raw = flags.get(flag);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, not "${raw}"`);
  return value;
}

export function positiveFlag(flags: Map<string, string>, flag: string): number | undefined {
  const raw = flags.get(flag);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} must be a number greater than 0, not "${raw}"`);
  return value;
}

export function requiredFlag(flags: Map<string, string>, flag: string, help: string): string {
  const value = flags.get(flag);
  if (value === undefined) throw new UsageError(`${flag} is required\n\n${help}`);
  return value;
}
