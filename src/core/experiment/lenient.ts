/** Reading a possibly invalid experiment value without trusting its types (the editor checks half-typed files). */
export type Loose = Record<string, unknown>;

export function isObject(value: unknown): value is Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function sectionOf(raw: unknown, key: string): Loose {
  const value = isObject(raw) ? raw[key] : undefined;
  return isObject(value) ? value : {};
}

export function numberOr(section: Loose, key: string, fallback: number): number {
  const value = section[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The inline expert map (module → count), keeping only numeric entries; undefined when `experts` is not an object. */
export function inlineExpertMap(raw: unknown): Record<string, number> | undefined {
  const experts = isObject(raw) ? raw.experts : undefined;
  if (!isObject(experts)) return undefined;
  const map: Record<string, number> = {};
  for (const [name, count] of Object.entries(experts)) if (typeof count === 'number') map[name] = count;
  return map;
}
