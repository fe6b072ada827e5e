/**
 * The upper tail of the normal distribution in log space, for the phi-accrual detector:
 * phi = -log10(P(X > t)) for X ~ N(mean, stddev). Computing 1 - CDF directly underflows to 0
 * (phi = Infinity) once t is ten standard deviations out, which a crashed node reaches within
 * a few periods; so we take the logarithm of erfc inside its Chebyshev approximation
 * (Numerical Recipes §6.2, `erfcc`, fractional error below 1.2e-7 everywhere) instead.
 */

/** Natural logarithm of erfc(x), accurate in the far tail where erfc itself underflows. */
export function logErfc(x: number): number {
  if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
  const t = 1 / (1 + 0.5 * x);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - x * x + poly;
}

/**
 * phi of Hayashibara et al. (2004): -log10 of the probability that a heartbeat arrives later
 * than `elapsed` when inter-arrival times are normal with this mean and standard deviation.
 */
export function phi(elapsed: number, mean: number, stddev: number): number {
  const z = (elapsed - mean) / stddev;
  // P(X > elapsed) = erfc(z / sqrt 2) / 2
  const logTail = Math.log(0.5) + logErfc(z / Math.SQRT2);
  return Math.max(0, -logTail / Math.LN10);
}
