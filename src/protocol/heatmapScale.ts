/**
 * The heatmap's colour scale, shared by the dashboard's cells and its legend so they cannot disagree: a value's
 * position between the map's min and max (linear or log), then viridis — dark purple (lowest) to yellow (highest),
 * the same in light and dark themes and readable for the common colour-vision deficiencies. Plain functions only.
 */
export type HeatmapScaleKind = 'linear' | 'log';

/** Viridis sampled at 9 evenly spaced stops (matplotlib's table). */
const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 114, 142], [33, 145, 140], [40, 174, 128], [94, 201, 98], [173, 220, 48], [253, 231, 37],
];

export interface HeatmapRange {
  min: number;
  max: number;
  /** Smallest value above 0: where a log scale starts (0 and below sit at its bottom). */
  minPositive?: number;
}

/** The range of the finite values; undefined when there are none. */
export function heatmapRange(values: readonly (number | null)[]): HeatmapRange | undefined {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const positive = finite.filter((v) => v > 0);
  return { min: Math.min(...finite), max: Math.max(...finite), minPositive: positive.length > 0 ? Math.min(...positive) : undefined };
}

/** 0..1: where `value` sits on the scale (0 at min, 1 at max; a flat map is all 1). */
export function scalePosition(value: number, range: HeatmapRange, kind: HeatmapScaleKind): number {
  if (kind === 'log' && range.minPositive !== undefined && range.max > 0) {
    if (value <= 0) return 0;
    const low = Math.log(range.minPositive);
    const span = Math.log(range.max) - low;
    return span > 0 ? clamp01((Math.log(value) - low) / span) : 1;
  }
  const span = range.max - range.min;
  return span > 0 ? clamp01((value - range.min) / span) : 1;
}

/** The scale's value at a position (the legend's tick labels). */
export function valueAt(position: number, range: HeatmapRange, kind: HeatmapScaleKind): number {
  if (kind === 'log' && range.minPositive !== undefined && range.max > 0) {
    const low = Math.log(range.minPositive);
    return Math.exp(low + position * (Math.log(range.max) - low));
  }
  return range.min + position * (range.max - range.min);
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The colour at a position, as [r, g, b] (0..255), interpolated between the viridis stops. */
export function viridis(position: number): [number, number, number] {
  const scaled = clamp01(position) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(scaled));
  const t = scaled - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + t * (b[k] - a[k]))) as [number, number, number];
}

export const rgbText = ([r, g, b]: readonly number[]) => `rgb(${r}, ${g}, ${b})`;

/** Black or white, whichever reads better on `rgb` (relative luminance, WCAG). */
export function textColourOn(rgb: readonly number[]): string {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000000' : '#ffffff';
}
