// Types for the part of jstat the tests use (the package ships none).
declare module 'jstat' {
  const jStat: {
    chisquare: { cdf(x: number, dof: number): number };
    poisson: { pdf(k: number, lambda: number): number; cdf(k: number, lambda: number): number };
    normal: { cdf(x: number, mean: number, sd: number): number };
    lognormal: { cdf(x: number, mu: number, sigma: number): number };
    exponential: { cdf(x: number, rate: number): number };
  };
  export default jStat;
}
