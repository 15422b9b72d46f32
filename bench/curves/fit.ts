// How a cost grows with the work: a power law fitted on log-log axes gives the shape (the exponent),
// a straight line gives the cost per unit. Anything growing faster than linear is flagged.

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
}

/** Exponent bands: measurements on a busy 2-core box wobble, so "linear" is 0.8–1.25. */
const FLAT_BELOW = 0.2;
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
  const line = leastSquares(
    points.map((p) => p.x),
    points.map((p) => p.y),
  );
  const positive = points.filter((p) => p.x > 0 && p.y > 0);
  const exponent =
    positive.length >= 2
      ? leastSquares(
          positive.map((p) => Math.log(p.x)),
          positive.map((p) => Math.log(p.y)),
        ).slope
      : 0;
  const shape = exponent < FLAT_BELOW ? 'flat' : exponent < LINEAR_FROM ? 'sub-linear' : exponent <= SUPER_ABOVE ? 'linear' : 'super-linear';
  return { exponent, ...line, shape, flagged: shape === 'super-linear' };
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
      return `flat, ≈ ${num(mean)} ${unit} whatever the ${per}s (x^${f.exponent.toFixed(2)})`;
    case 'sub-linear':
      return `sub-linear (x^${f.exponent.toFixed(2)}), ${num(f.slope)} ${unit} per ${per} on the straight line over ${num(f.intercept)} ${unit}`;
    case 'linear':
      return `linear, ${num(f.slope)} ${unit} per ${per} over ${num(f.intercept)} ${unit} (x^${f.exponent.toFixed(2)}, r² ${f.r2.toFixed(2)})`;
    case 'super-linear':
      return `super-linear (x^${f.exponent.toFixed(2)}): WORSE THAN LINEAR, ${num(f.slope)} ${unit} per ${per} on average`;
  }
}
