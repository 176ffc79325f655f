import { orderedExpertMap, totalExperts } from '../algo';
import { flatExpertMapText, parseFlatExpertMap } from '../model/adapters/expertMap';
import { parseModuleName } from '../model/config';
import { isObject } from './lenient';
import type { ExpertMap } from './types';

export { flatExpertMapText, orderedExpertMap, parseFlatExpertMap, totalExperts };

/** Whether a parsed JSON value is a flat expert map: a non-empty object of module names → non-negative integers. */
export function isFlatExpertMap(value: unknown): value is ExpertMap {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  return entries.length > 0 && entries.every(([name, count]) => parseModuleName(name) !== undefined && Number.isInteger(count) && (count as number) >= 0);
}
