import { describe, expect, it } from 'vitest';
import { COLOURS, OBJECT_NAMES, SETTINGS } from '../../../trainer/demo/attributes.ts';
import { renderSvg } from '../../../trainer/demo/svg.ts';

describe('renderSvg', () => {
  it('draws the setting and count copies of the object in its colour', () => {
    const svg = renderSvg(
      { colour: 'blue', object: 'car', setting: 'snow', count: 3 },
      'Three blue cars <in> snow & ice',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain(`fill="${SETTINGS.snow.sky}"`);
    expect(svg).toContain(`fill="${SETTINGS.snow.ground}"`);
    expect(svg.match(/<g transform=/g)).toHaveLength(3);
    expect(svg).toContain(`fill="${COLOURS.blue.fill}"`);
    expect(svg).toContain('<title>Three blue cars &lt;in&gt; snow &amp; ice</title>');
  });

  it('has a drawing for every object, small enough to serve inline', () => {
    const drawings = OBJECT_NAMES.map((object) =>
      renderSvg({ colour: 'red', object, setting: 'park', count: 1 }, object),
    );
    expect(new Set(drawings.map((d) => d.replace(/<title>.*<\/title>/, ''))).size).toBe(
      OBJECT_NAMES.length,
    );
    for (const d of drawings) expect(d.length).toBeLessThan(2048);
  });
});
