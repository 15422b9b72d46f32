// How a cost grows with the work: a straight line gives the cost per unit and the fixed part; a power
// law fitted on log-log axes to what lies above the fixed part gives the shape (the exponent).
// Anything growing faster than linear is flagged.

export interface Point {
  x: number;
  y: number;
}

export interface Fit {
  /** y ≈ c·x^exponent (least squares on log-log). */
  exponent: number;
  /** y ≈ intercept + slope·x (least squares). */
  slope: number;
  intercept: number;
  /** Of the straight line. */
  r2: number;
  shape: 'flat' | 'sub-linear' | 'linear' | 'super-linear';
  /** Worse than linear: the exponent is clearly above 1. */
  flagged: boolean;
  /**
   * False when the curve dips between neighbouring sizes by more than a stall: the wobble of the
   * measurement is as large as the growth, so no exponent can be read off it (the line still can).
   */
  monotonic: boolean;
}

/** Flat: the fitted line moves less than this share of the mean over the measured range. */
const FLAT_SHARE = 0.1;
/** A step between neighbouring sizes smaller than this share of the whole rise is a stall, not growth. */
const STALL_SHARE = 0.1;
/** Exponent bands of the part above the fixed cost: measurements wobble, so "linear" is 0.8–1.25. */
const LINEAR_FROM = 0.8;
const SUPER_ABOVE = 1.25;

function leastSquares(xs: number[], ys: number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

export function fitCurve(points: readonly Point[]): Fit {
  if (points.length < 2) throw new Error('a curve needs at least two points');
  const xs = points.map((p) => p.x);
  const line = leastSquares(
    xs,
    points.map((p) => p.y),
  );
  const mean = points.reduce((a, p) => a + p.y, 0) / points.length;
  const span = Math.max(...xs) - Math.min(...xs);
  // flat: it does not grow, or over the whole range the line moves less than a tenth of the typical value
  if (line.slope <= 0 || line.slope * span < FLAT_SHARE * Math.abs(mean)) return { exponent: 0, ...line, shape: 'flat', flagged: false, monotonic: true };
  // the shape from the marginal cost between neighbouring sizes, so a fixed part does not hide the
  // growth (100 MB + 0.2 MB per server is linear): marginal ∝ x^(k-1) for y ∝ x^k
  const sorted = [...points].sort((p, q) => p.x - q.x);
  const marginal = sorted.slice(1).map((p, i) => ({ x: (p.x + sorted[i].x) / 2, m: (p.y - sorted[i].y) / (p.x - sorted[i].x) }));
  // steps between sizes that move less than a tenth of the whole rise are stalls of the measurement
  // (GC headroom, 10 ms CPU ticks) and carry no shape; a real dip means the wobble is as large as the
  // growth, so no exponent can be read off it (the straight line still can)
  const rise = Math.max(...sorted.map((p) => p.y)) - Math.min(...sorted.map((p) => p.y));
  const step = (i: number): number => sorted[i + 1].y - sorted[i].y;
  const monotonic = marginal.every((_, i) => step(i) >= -STALL_SHARE * rise);
  if (!monotonic) return { exponent: 1, ...line, shape: 'linear', flagged: false, monotonic };
  const rising = marginal.filter((d, i) => d.x > 0 && step(i) > STALL_SHARE * rise);
  const exponent =
    rising.length >= 2
      ? 1 +
        leastSquares(
          rising.map((d) => Math.log(d.x)),
          rising.map((d) => Math.log(d.m)),
        ).slope
      : 1;
  const shape = exponent < LINEAR_FROM ? 'sub-linear' : exponent <= SUPER_ABOVE ? 'linear' : 'super-linear';
  return { exponent, ...line, shape, flagged: shape === 'super-linear', monotonic: true };
}

function num(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.1 ? v.toFixed(2) : v.toPrecision(2);
}

/** "linear, 0.21 ms per spec" / "flat, ≈ 3.2 ms" / "super-linear (x^1.62): WORSE THAN LINEAR". */
export function describeFit(f: Fit, points: readonly Point[], unit: string, per: string): string {
  const mean = points.reduce((a, p) => a + p.y, 0) / points.length;
  switch (f.shape) {
    case 'flat':
      return `flat, ≈ ${num(mean)} ${unit} whatever the ${per}s`;
    case 'sub-linear':
      return `sub-linear (x^${f.exponent.toFixed(2)}), ${num(f.slope)} ${unit} per ${per} on the straight line over ${num(f.intercept)} ${unit}`;
    case 'linear':
      if (!f.monotonic)
        return `at most linear, ${num(f.slope)} ${unit} per ${per} over ${num(f.intercept)} ${unit} (it dips between sizes: the growth is within the noise, r² ${f.r2.toFixed(2)})`;
      return `linear, ${num(f.slope)} ${unit} per ${per} over ${num(f.intercept)} ${unit} (x^${f.exponent.toFixed(2)}, r² ${f.r2.toFixed(2)})`;
    case 'super-linear':
      return `super-linear (x^${f.exponent.toFixed(2)}): WORSE THAN LINEAR, ${num(f.slope)} ${unit} per ${per} on average`;
  }
}
