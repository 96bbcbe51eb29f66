/**
 * The flat index's inner loop: the dot product of one query with every stored row, written into
 * a caller's Float64Array (kept per index, so a query allocates nothing of size n). Sums are in
 * float64 and each row is summed in index order, so a score equals a plain loop's exactly and
 * ties between identical rows stay exact ties.
 *
 * Four rows are scored per pass over the query, so each query value is loaded once for four
 * products (the trick of core/vectors.ts's scoreMatrix). Measured in Node 20 at 40,000 x 1,024:
 * 35 ms against 74 ms for one row at a time (float32), 39 against 84 ms (int8); four partial
 * sums within a row did worse (40 and 52 ms), and so did an int32 dot product with the query
 * quantised too (68 ms).
 */

/** out[r] = rows[r] · query, for rows row-major n x d (d = query.length). */
export function scoreFloat32Rows(rows: Float32Array, query: Float32Array, out: Float64Array): void {
  const d = query.length;
  const n = out.length;
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const o0 = r * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < d; i++) {
      const q = query[i]!;
      s0 += q * rows[o0 + i]!;
      s1 += q * rows[o1 + i]!;
      s2 += q * rows[o2 + i]!;
      s3 += q * rows[o3 + i]!;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += query[i]! * rows[o + i]!;
    out[r] = s;
  }
}

/**
 * out[r] = (rows[r] · query) · scales[r], for int8 rows row-major n x d: the dot product with
 * the dequantised row, one multiplication by the scale per row instead of d.
 */
export function scoreInt8Rows(
  rows: Int8Array,
  scales: Float32Array,
  query: Float32Array,
  out: Float64Array,
): void {
  const d = query.length;
  const n = out.length;
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const o0 = r * d;
    const o1 = o0 + d;
    const o2 = o1 + d;
    const o3 = o2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < d; i++) {
      const q = query[i]!;
      s0 += q * rows[o0 + i]!;
      s1 += q * rows[o1 + i]!;
      s2 += q * rows[o2 + i]!;
      s3 += q * rows[o3 + i]!;
    }
    out[r] = s0 * scales[r]!;
    out[r + 1] = s1 * scales[r + 1]!;
    out[r + 2] = s2 * scales[r + 2]!;
    out[r + 3] = s3 * scales[r + 3]!;
  }
  for (; r < n; r++) {
    const o = r * d;
    let s = 0;
    for (let i = 0; i < d; i++) s += query[i]! * rows[o + i]!;
    out[r] = s * scales[r]!;
  }
}
