// The heatmap colour scale: positions on linear and log scales, viridis end points, legible text colour.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heatmapRange, rgbText, scalePosition, textColourOn, valueAt, viridis } from '../../../src/protocol/heatmapScale';

const luminance = ([r, g, b]: number[]) => 0.2126 * r + 0.7152 * g + 0.0722 * b;

describe('heatmap colour scale', () => {
  it('spans min..max on a linear scale, ignoring unmeasured cells', () => {
    const range = heatmapRange([null, 2, 4, 10, Number.NaN])!;
    assert.deepEqual(range, { min: 2, max: 10, minPositive: 2 });
    assert.deepEqual([2, 6, 10].map((v) => scalePosition(v, range, 'linear')), [0, 0.5, 1]);
    assert.equal(valueAt(0.5, range, 'linear'), 6);
    assert.equal(heatmapRange([null, null]), undefined);
  });

  it('a log scale spreads values over decades; 0 sits at the bottom; positions and values round-trip', () => {
    const range = heatmapRange([0, 1e-4, 1e-2, 1])!;
    assert.equal(scalePosition(0, range, 'log'), 0);
    assert.equal(scalePosition(1e-4, range, 'log'), 0);
    assert.ok(Math.abs(scalePosition(1e-2, range, 'log') - 0.5) < 1e-12);
    assert.ok(Math.abs(valueAt(0.5, range, 'log') - 1e-2) < 1e-12);
    assert.ok(scalePosition(1e-2, range, 'linear') < 0.02, 'on a linear scale the small values all look the same');
  });

  it('the highest value is the brightest colour, whatever the theme; text stays legible on every stop', () => {
    assert.equal(rgbText(viridis(0)), 'rgb(68, 1, 84)');
    assert.equal(rgbText(viridis(1)), 'rgb(253, 231, 37)');
    for (let i = 0; i < 10; i++) assert.ok(luminance(viridis((i + 1) / 10)) > luminance(viridis(i / 10)), `brightness grows after ${i / 10}`);
    assert.equal(textColourOn(viridis(0)), '#ffffff');
    assert.equal(textColourOn(viridis(1)), '#000000');
  });

  it('a flat map (all values equal) is one colour, the top of the scale', () => {
    const range = heatmapRange([3, 3])!;
    assert.equal(scalePosition(3, range, 'linear'), 1);
  });
});
