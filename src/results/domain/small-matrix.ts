// Small dense linear algebra for the value-added model (p ≤ 1 + 2K fixed effects). Pure.

export type Vec = number[];
export type Mat = number[][];

/** Cholesky of a symmetric positive-definite matrix; null when it is not (numerically) positive definite. */
export function cholesky(a: Mat): Mat | null {
  const p = a.length;
  const l = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(s > 1e-10 * Math.abs(a[i][i]))) return null;
        l[i][i] = Math.sqrt(s);
      } else l[i][j] = s / l[j][j];
    }
  return l;
}

export function inverseFromCholesky(l: Mat): Mat {
  const p = l.length;
  const inv = l.map(() => new Array<number>(p).fill(0));
  for (let c = 0; c < p; c++) {
    // solve L z = e_c, then Lᵀ w = z
    const z = new Array<number>(p).fill(0);
    for (let i = 0; i < p; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
      z[i] = s / l[i][i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = z[i];
      for (let k = i + 1; k < p; k++) s -= l[k][i] * inv[k][c];
      inv[i][c] = s / l[i][i];
    }
  }
  return inv;
}

export const quad = (a: Mat, u: Vec, v: Vec = u) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) for (let j = 0; j < v.length; j++) s += u[i] * a[i][j] * v[j];
  return s;
};

export const mulVec = (m: Mat, v: Vec) => m.map((row) => row.reduce((a, x, j) => a + x * v[j], 0));
export const dot = (u: Vec, v: Vec) => u.reduce((a, x, i) => a + x * v[i], 0);
