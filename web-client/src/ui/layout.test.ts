import { layerFor, layoutTiles, type Rect } from './layout';

const items = (n: number, screenAt = -1) =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, screen: i === screenAt }));

function at(rects: Map<string, Rect>, id: string): Rect {
  const rect = rects.get(id);
  if (!rect) throw new Error(`no rect for ${id}`);
  return rect;
}

const overlaps = (a: Rect, b: Rect) =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('gallery: equal tiles inside the stage, none overlapping', () => {
  for (const n of [1, 2, 3, 4, 5, 9, 16]) {
    const map = layoutTiles(1248, 576, items(n));
    const rects = items(n).map((i) => at(map, i.id));
    for (const r of rects) {
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.w).toBeLessThanOrEqual(1248.001);
      expect(r.y + r.h).toBeLessThanOrEqual(576.001);
      expect(r.w).toBeCloseTo(at(map, 't0').w);
    }
    rects.forEach((a, i) => rects.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
  }
});

test('gallery: three people on a wide stage are two rows, the last one centred', () => {
  const rects = layoutTiles(1248, 576, items(3));
  const [a, b, c] = ['t0', 't1', 't2'].map((id) => at(rects, id));
  expect(a?.y).toBe(b?.y);
  expect(c?.y).toBeGreaterThan(a?.y ?? 0);
  expect((c?.x ?? 0) + (c?.w ?? 0) / 2).toBeCloseTo(624);
});

test('presentation: the screen takes the big spot, the others a strip', () => {
  const rects = layoutTiles(1248, 576, items(4, 2));
  const screen = at(rects, 't2');
  expect(screen.x).toBe(0);
  expect(screen.h).toBe(576);
  for (const id of ['t0', 't1', 't3']) {
    const r = at(rects, id);
    expect(r.x).toBeGreaterThan(screen.w);
    expect(r.h).toBeLessThan(200);
  }
  const narrow = layoutTiles(500, 700, items(3, 0));
  expect(at(narrow, 't1').y).toBeGreaterThan(at(narrow, 't0').h);
});

test('layer choice: small tiles get the lowest layer, large ones and the speaker the full one', () => {
  expect(layerFor({ x: 0, y: 0, w: 160, h: 90 }, false)).toBe(0);
  expect(layerFor({ x: 0, y: 0, w: 400, h: 225 }, false)).toBe(1);
  expect(layerFor({ x: 0, y: 0, w: 1000, h: 560 }, false)).toBe(2);
  expect(layerFor({ x: 0, y: 0, w: 160, h: 90 }, true)).toBe(2);
  expect(layerFor(undefined, true)).toBe(0);
});
