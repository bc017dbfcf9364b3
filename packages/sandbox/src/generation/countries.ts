import type { SeededRandom } from '../random/seeded-random.js';

/** A country generated customers live in, with what follows from it (currency, tax, addresses). */
export interface CountryProfile {
  /** Country name as FlexPortal addresses show it (§1.8 example: "Netherlands"). */
  readonly name: string;
  /** ISO 3166 alpha-2 code. */
  readonly code: string;
  /** The currency orders from this country are priced in. */
  readonly currency: string;
  /** VAT / sales tax in basis points, applied to the subtotal in integer minor units. */
  readonly taxBasisPoints: number;
  /** Cities with their region (adminArea) when the country uses one. */
  readonly cities: readonly { readonly city: string; readonly adminArea?: string }[];
  /** Street names. */
  readonly streets: readonly string[];
  /** Builds a postal code; returns null where addresses often carry none. */
  readonly postalCode: (random: SeededRandom) => string | null;
  /** International phone prefix. */
  readonly phonePrefix: string;
  /** Relative frequency among generated customers. */
  readonly weight: number;
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const DIGITS = '0123456789';

/** The countries of generated FlexPortal customers: EUR, GBP, USD, plus JPY (0) and KWD (3 decimals). */
export const COUNTRIES: readonly CountryProfile[] = [
  {
    name: 'Netherlands',
    code: 'NL',
    currency: 'EUR',
    taxBasisPoints: 2100,
    cities: [
      { city: 'Amsterdam' },
      { city: 'Rotterdam' },
      { city: 'Utrecht' },
      { city: 'Eindhoven' },
    ],
    streets: ['Keizersgracht', 'Coolsingel', 'Oudegracht', 'Stationsplein', 'Herengracht'],
    postalCode: (random) => `${random.int(1000, 9999)} ${random.chars(LETTERS, 2)}`,
    phonePrefix: '+31 6',
    weight: 25,
  },
  {
    name: 'Germany',
    code: 'DE',
    currency: 'EUR',
    taxBasisPoints: 1900,
    cities: [{ city: 'Berlin' }, { city: 'München' }, { city: 'Hamburg' }, { city: 'Köln' }],
    streets: ['Hauptstraße', 'Friedrichstraße', 'Schillerstraße', 'Bahnhofstraße', 'Gartenweg'],
    postalCode: (random) => random.chars(DIGITS, 5),
    phonePrefix: '+49 151',
    weight: 20,
  },
  {
    name: 'France',
    code: 'FR',
    currency: 'EUR',
    taxBasisPoints: 2000,
    cities: [{ city: 'Paris' }, { city: 'Lyon' }, { city: 'Lille' }],
    streets: ['Rue de Rivoli', 'Avenue Jean Jaurès', 'Rue Victor Hugo', 'Boulevard Voltaire'],
    postalCode: (random) => random.chars(DIGITS, 5),
    phonePrefix: '+33 6',
    weight: 10,
  },
  {
    name: 'United Kingdom',
    code: 'GB',
    currency: 'GBP',
    taxBasisPoints: 2000,
    cities: [{ city: 'London' }, { city: 'Manchester' }, { city: 'Bristol' }, { city: 'Leeds' }],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane'],
    postalCode: (random) =>
      `${random.chars(LETTERS, 2)}${random.int(1, 20)} ${random.int(1, 9)}${random.chars(LETTERS, 2)}`,
    phonePrefix: '+44 7700',
    weight: 18,
  },
  {
    name: 'United States',
    code: 'US',
    currency: 'USD',
    taxBasisPoints: 0,
    cities: [
      { city: 'New York', adminArea: 'NY' },
      { city: 'Austin', adminArea: 'TX' },
      { city: 'Seattle', adminArea: 'WA' },
      { city: 'Denver', adminArea: 'CO' },
    ],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Pine Street', 'Cedar Lane'],
    postalCode: (random) => random.chars(DIGITS, 5),
    phonePrefix: '+1 555',
    weight: 17,
  },
  {
    name: 'Japan',
    code: 'JP',
    currency: 'JPY',
    taxBasisPoints: 1000,
    cities: [
      { city: 'Tokyo', adminArea: 'Tokyo' },
      { city: 'Osaka', adminArea: 'Osaka' },
      { city: 'Fukuoka', adminArea: 'Fukuoka' },
    ],
    streets: ['Chuo-dori', 'Meiji-dori', 'Midosuji', 'Omotesando'],
    postalCode: (random) => `${random.chars(DIGITS, 3)}-${random.chars(DIGITS, 4)}`,
    phonePrefix: '+81 90',
    weight: 5,
  },
  {
    name: 'Kuwait',
    code: 'KW',
    currency: 'KWD',
    taxBasisPoints: 0,
    cities: [
      { city: 'Kuwait City', adminArea: 'Al Asimah' },
      { city: 'Hawalli', adminArea: 'Hawalli' },
    ],
    streets: ['Gulf Road', 'Fahad Al-Salem Street', 'Tunis Street'],
    // Kuwaiti addresses are usually written without a postal code: the nullable case of §1.7.
    postalCode: (random) => (random.chance(0.8) ? null : random.chars(DIGITS, 5)),
    phonePrefix: '+965 5',
    weight: 5,
  },
];
