/**
 * Countries the generators use: ISO code, currency, units of currency per USD (rough,
 * fixed: only the magnitudes matter), capital coordinates (for geo-velocity distances) and a
 * default share of card holders.
 */
export interface Country {
  code: string;
  currency: string;
  fxPerUsd: number;
  lat: number;
  lon: number;
  weight: number;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', currency: 'USD', fxPerUsd: 1, lat: 38.9, lon: -77.0, weight: 30 },
  { code: 'GB', currency: 'GBP', fxPerUsd: 0.79, lat: 51.5, lon: -0.1, weight: 8 },
  { code: 'DE', currency: 'EUR', fxPerUsd: 0.92, lat: 52.5, lon: 13.4, weight: 8 },
  { code: 'FR', currency: 'EUR', fxPerUsd: 0.92, lat: 48.9, lon: 2.4, weight: 6 },
  { code: 'ES', currency: 'EUR', fxPerUsd: 0.92, lat: 40.4, lon: -3.7, weight: 4 },
  { code: 'IT', currency: 'EUR', fxPerUsd: 0.92, lat: 41.9, lon: 12.5, weight: 4 },
  { code: 'NL', currency: 'EUR', fxPerUsd: 0.92, lat: 52.4, lon: 4.9, weight: 3 },
  { code: 'SE', currency: 'SEK', fxPerUsd: 10.5, lat: 59.3, lon: 18.1, weight: 2 },
  { code: 'PL', currency: 'PLN', fxPerUsd: 4.0, lat: 52.2, lon: 21.0, weight: 2 },
  { code: 'CA', currency: 'CAD', fxPerUsd: 1.36, lat: 45.4, lon: -75.7, weight: 4 },
  { code: 'MX', currency: 'MXN', fxPerUsd: 17, lat: 19.4, lon: -99.1, weight: 3 },
  { code: 'BR', currency: 'BRL', fxPerUsd: 5, lat: -15.8, lon: -47.9, weight: 4 },
  { code: 'IN', currency: 'INR', fxPerUsd: 83, lat: 28.6, lon: 77.2, weight: 6 },
  { code: 'JP', currency: 'JPY', fxPerUsd: 150, lat: 35.7, lon: 139.7, weight: 4 },
  { code: 'AU', currency: 'AUD', fxPerUsd: 1.5, lat: -35.3, lon: 149.1, weight: 3 },
  { code: 'SG', currency: 'SGD', fxPerUsd: 1.34, lat: 1.35, lon: 103.8, weight: 2 },
  { code: 'ZA', currency: 'ZAR', fxPerUsd: 18.5, lat: -25.7, lon: 28.2, weight: 2 },
  { code: 'NG', currency: 'NGN', fxPerUsd: 1500, lat: 9.1, lon: 7.4, weight: 2 },
  { code: 'AE', currency: 'AED', fxPerUsd: 3.67, lat: 24.5, lon: 54.4, weight: 2 },
  { code: 'KR', currency: 'KRW', fxPerUsd: 1350, lat: 37.6, lon: 127.0, weight: 3 },
];

export const COUNTRY_CODES: readonly string[] = COUNTRIES.map((c) => c.code);

/** great-circle distance in km (haversine) */
export function distanceKm(a: Country, b: Country): number {
  const r = Math.PI / 180;
  const dLat = (b.lat - a.lat) * r,
    dLon = (b.lon - a.lon) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** indexes of countries at least `minKm` from country i */
export function farCountries(i: number, minKm: number): number[] {
  const a = COUNTRIES[i] as Country;
  const out: number[] = [];
  COUNTRIES.forEach((b, j) => {
    if (distanceKm(a, b) >= minKm) out.push(j);
  });
  return out;
}
