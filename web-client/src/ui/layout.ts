/**
 * Where each tile goes on the stage. Two layouts:
 * - gallery: every tile the same 16:9 size, as large as the stage allows,
 *   rows centred;
 * - presentation (someone shares a screen): the screen large, the others in
 *   a strip on the right (or below, on a narrow stage).
 * Pure: sizes in, rectangles out. Tile sizes also decide which simulcast
 * layer to ask for.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LayoutItem {
  id: string;
  screen: boolean;
}

const ASPECT = 16 / 9;

export function layoutTiles(
  width: number,
  height: number,
  items: readonly LayoutItem[],
  gap = 12,
): Map<string, Rect> {
  const main = items.find((i) => i.screen);
  if (!main || items.length === 1) return gallery(0, 0, width, height, items, gap);
  const others = items.filter((i) => i !== main);
  const rects = new Map<string, Rect>();
  if (width >= 720) {
    const stripW = Math.min(260, Math.max(160, width * 0.22));
    rects.set(main.id, { x: 0, y: 0, w: width - stripW - gap, h: height });
    strip(rects, others, width - stripW, 0, stripW, height, 'column', gap);
  } else {
    const stripH = Math.min(140, Math.max(80, height * 0.22));
    rects.set(main.id, { x: 0, y: 0, w: width, h: height - stripH - gap });
    strip(rects, others, 0, height - stripH, width, stripH, 'row', gap);
  }
  return rects;
}

function gallery(
  x0: number,
  y0: number,
  width: number,
  height: number,
  items: readonly LayoutItem[],
  gap: number,
): Map<string, Rect> {
  const rects = new Map<string, Rect>();
  const n = items.length;
  if (n === 0 || width <= 0 || height <= 0) return rects;
  let best = { cols: 1, rows: n, w: 0, h: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    const w = Math.min(cellW, cellH * ASPECT);
    if (w > best.w) best = { cols, rows, w, h: w / ASPECT };
  }
  // One or two people: let the tiles grow taller than 16:9 to use the stage.
  if (n <= 2) best.h = Math.min(height, Math.max(best.h, Math.min(height, best.w * 0.75)));
  const { cols, rows, w, h } = best;
  const totalH = rows * h + (rows - 1) * gap;
  items.forEach((item, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? n - row * cols : cols;
    const rowW = inRow * w + (inRow - 1) * gap;
    const col = i - row * cols;
    rects.set(item.id, {
      x: x0 + (width - rowW) / 2 + col * (w + gap),
      y: y0 + (height - totalH) / 2 + row * (h + gap),
      w,
      h,
    });
  });
  return rects;
}

function strip(
  rects: Map<string, Rect>,
  items: readonly LayoutItem[],
  x0: number,
  y0: number,
  width: number,
  height: number,
  direction: 'row' | 'column',
  gap: number,
): void {
  const n = items.length;
  if (n === 0) return;
  if (direction === 'column') {
    const h = Math.min(width / ASPECT, (height - gap * (n - 1)) / n);
    const w = h * ASPECT;
    const total = n * h + (n - 1) * gap;
    items.forEach((item, i) =>
      rects.set(item.id, {
        x: x0 + (width - w) / 2,
        y: y0 + (height - total) / 2 + i * (h + gap),
        w,
        h,
      }),
    );
  } else {
    const w = Math.min(height * ASPECT, (width - gap * (n - 1)) / n);
    const h = w / ASPECT;
    const total = n * w + (n - 1) * gap;
    items.forEach((item, i) =>
      rects.set(item.id, {
        x: x0 + (width - total) / 2 + i * (w + gap),
        y: y0 + (height - h) / 2,
        w,
        h,
      }),
    );
  }
}

/** The simulcast layer worth receiving for a tile: full for large tiles and the speaker. */
export function layerFor(rect: Rect | undefined, speaking: boolean): number {
  if (!rect) return 0;
  if (speaking || rect.h >= 360) return 2;
  return rect.h >= 180 ? 1 : 0;
}
