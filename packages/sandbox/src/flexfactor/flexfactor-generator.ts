import { COUNTRIES, type CountryProfile } from '../generation/countries.js';
import { emailLocalPart, FIRST_NAMES, LAST_NAMES } from '../generation/people.js';
import {
  CURRENCIES,
  type CurrencyInfo,
  formatAmount,
  minorToDecimal,
} from '../money/currencies.js';
import { IndexPermutation, toHex } from '../random/index-permutation.js';
import { cumulative, hash32, hashString, mix32, SeededRandom } from '../random/seeded-random.js';
import { formatIsoMicros } from '../time/iso-time.js';
import {
  FLEXFACTOR_CHARGEBACK_CODE,
  type FlexFactorAddress,
  type FlexFactorRow,
  type FlexFactorStatusCode,
  flexFactorStatusName,
} from './flexfactor-schema.js';
import { FLEXFACTOR_SEED_ROWS } from './flexfactor-seed-rows.js';

/**
 * Deterministic FlexFactor orders. Slots 0 and 1 are the seed's example rows (verbatim); every
 * other slot is a pure function of (seed, slot, count), rebuilt on demand.
 */

/** Start of the generated time range (after the seed rows' March 2024, independent of the clock). */
export const FLEXFACTOR_RANGE_START_US = Date.UTC(2025, 5, 1) * 1000;
/** End of the generated time range. */
export const FLEXFACTOR_RANGE_END_US = Date.UTC(2026, 5, 1) * 1000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REFERENCE_PATTERN = /^ref\d{10}$/;
const DIGITS = '0123456789';
const SECOND_US = 1_000_000;
const DAY_US = 86_400 * SECOND_US;

const STREAM_CORE = 1;
const STREAM_PAYER = 2;
const STREAM_DETAIL = 3;
const STREAM_ID_TAIL = 4;
const STREAM_MERCHANT = 5;
const STREAM_PAYOUT = 6;

// Index = status code: Draft, Onhold, Cancelled, Problem, Processing, Capturerequired, Returned, Completed.
const STATUS_WEIGHTS = cumulative([3, 3, 7, 3, 5, 5, 4, 70]);

interface MerchantStore {
  readonly storeId: string;
  readonly storeName: string;
  readonly siteId: string;
}

/** A generated merchant with its stores. */
export interface FlexFactorMerchant {
  /** `merchantId` (`mid`). */
  readonly merchantId: string;
  /** `merchantName`. */
  readonly merchantName: string;
  /** Card statement descriptor. */
  readonly descriptor: string;
  /** The currency the merchant sells in. */
  readonly currency: string;
  /** 1-3 stores. */
  readonly stores: readonly MerchantStore[];
}

/** The merchant of the seed rows: "GenericStore" with "Example Store" (FF-LIST's response example). */
const SEED_MERCHANT: FlexFactorMerchant = {
  merchantId: 'abcd-efgh-ijkl-mnop-qrstuvwx1234',
  merchantName: 'GenericStore',
  descriptor: 'product-description',
  currency: 'USD',
  stores: [{ storeId: 'store123', storeName: 'Example Store', siteId: 'site1234567' }],
};

const MERCHANT_NAMES: readonly string[] = [
  'Northwind Outfitters',
  'Bluefin Coffee',
  'Cobalt Cycles',
  'Driftwood Books',
  'Evergreen Pets',
  'Foxglove Florist',
  'Granite Gym Supply',
  'Harbor Electronics',
  'Juniper Home',
  'Keystone Games',
  'Lighthouse Optics',
  'Meridian Travel',
  'Oakridge Tools',
  'Pinecrest Apparel',
  'Quartz Jewelry',
  'Redwood Outdoor',
  'Saltmarsh Seafood',
  'Tidewater Toys',
  'Willow Wellness',
];
/** Merchant currencies by position: mostly USD, some EUR/GBP, one JPY and one KWD merchant. */
const MERCHANT_CURRENCIES: readonly string[] = [
  'USD',
  'USD',
  'EUR',
  'USD',
  'GBP',
  'USD',
  'USD',
  'EUR',
  'USD',
  'JPY',
  'USD',
  'USD',
  'GBP',
  'USD',
  'KWD',
  'USD',
  'EUR',
  'USD',
  'USD',
];
const STORE_SUFFIXES = ['Online', 'Downtown', 'Outlet'];
/** Order share per merchant: a few big ones, a long tail (the seed merchant is mid-sized). */
const MERCHANT_WEIGHTS = cumulative([6, 14, 10, 8, 7, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1]);
const COUNTRY_BY_CURRENCY: Readonly<Record<string, readonly string[]>> = {
  USD: ['US'],
  EUR: ['NL', 'DE', 'FR'],
  GBP: ['GB'],
  JPY: ['JP'],
  KWD: ['KW'],
};
/** 1 USD in each currency, as (minor units of the currency) per (US cent), times 100. */
const RATE_PER_CENT_X100: Readonly<Record<string, number>> = {
  USD: 100,
  EUR: 93,
  GBP: 79,
  JPY: 150,
  KWD: 307,
};

/** Every distinct payer name, sorted: the `payerName` sort key's surrogate is the rank here. */
const PAYER_NAMES_SORTED: readonly string[] = [
  ...new Set(FIRST_NAMES.flatMap((first) => LAST_NAMES.map((last) => `${first} ${last}`))),
].sort();
const PAYER_NAME_RANK = new Map(PAYER_NAMES_SORTED.map((name, rank) => [name, rank]));
/** Rank of each (first, last) combination, indexed first * LAST_NAMES.length + last. */
const PAYER_COMBO_RANK = Int32Array.from(
  FIRST_NAMES.flatMap((first) =>
    LAST_NAMES.map((last) => PAYER_NAME_RANK.get(`${first} ${last}`) as number),
  ),
);

/** Rank of a payer name among generated names (undefined for other names). */
export function payerNameRank(name: unknown): number | undefined {
  return typeof name === 'string' ? PAYER_NAME_RANK.get(name) : undefined;
}

/** The payer name of a rank. */
export function payerNameOfRank(rank: number): string | undefined {
  return PAYER_NAMES_SORTED[rank];
}

/** The numbers one generated order is built from (all the index columns need). */
export interface FlexFactorOrderCore {
  /** Status code 0..7. */
  status: number;
  /** Merchant index. */
  merchant: number;
  /** Store index within the merchant. */
  store: number;
  /** Payer index. */
  payer: number;
  /** Rank of the payer's name in the sorted name list. */
  payerRank: number;
  /** Amount in minor units of the merchant currency. */
  amountMinor: number;
  /** Refunded amount in minor units. */
  refundsMinor: number;
  /** The 10 digits after `ref`. */
  reference: number;
  /** createdOn, epoch µs. */
  createdOnUs: number;
  /** orderPlacedDate, epoch µs. */
  placedUs: number;
}

/** Generation hints for inserted orders. */
export interface FlexFactorGenerationHints {
  /** Generate in this status (refunds and expiry follow it). */
  readonly status?: number;
  /** createdOn in epoch µs (orderPlacedDate follows it). */
  readonly createdOnUs?: number;
}

/** Creates an empty core record to be filled by {@link FlexFactorGenerator.core}. */
export function emptyFlexFactorCore(): FlexFactorOrderCore {
  return {
    status: 0,
    merchant: 0,
    store: 0,
    payer: 0,
    payerRank: 0,
    amountMinor: 0,
    refundsMinor: 0,
    reference: 0,
    createdOnUs: 0,
    placedUs: 0,
  };
}

/** The FlexFactor dataset of one sandbox. */
export class FlexFactorGenerator {
  /** Merchants (index 0 is the seed rows' GenericStore). */
  readonly merchants: readonly FlexFactorMerchant[];
  /** Number of distinct payers (about one per four orders). */
  readonly payerCount: number;
  /** Number of verbatim seed rows at the start of the dataset (2, or fewer for tiny datasets). */
  readonly seedRowCount: number;
  private readonly key: number;
  private readonly ids: IndexPermutation;
  private readonly step: number;
  private readonly random = new SeededRandom();
  private readonly merchantIndex: Map<string, number>;
  private readonly merchantNameRank: Map<string, number>;

  /**
   * @param seed dataset seed
   * @param baseCount number of orders, the seed rows included
   */
  constructor(
    readonly seed: number,
    readonly baseCount: number,
  ) {
    this.key = hash32(seed, 0x46460000);
    this.ids = new IndexPermutation(hash32(this.key, 1), 2 ** 48);
    this.seedRowCount = Math.min(FLEXFACTOR_SEED_ROWS.length, baseCount);
    const generated = Math.max(1, baseCount - this.seedRowCount);
    this.payerCount = Math.max(1, Math.ceil(generated / 4));
    this.step = (FLEXFACTOR_RANGE_END_US - FLEXFACTOR_RANGE_START_US) / generated;
    this.merchants = [
      SEED_MERCHANT,
      ...MERCHANT_NAMES.map((name, index) => this.merchant(name, index)),
    ];
    this.merchantIndex = new Map(
      this.merchants.map((merchant, index) => [merchant.merchantId, index]),
    );
    const names = this.merchants.map((merchant) => merchant.merchantName).sort();
    this.merchantNameRank = new Map(names.map((name, rank) => [name, rank]));
  }

  private merchant(name: string, index: number): FlexFactorMerchant {
    const random = new SeededRandom(this.key, STREAM_MERCHANT, index);
    const storeCount = random.int(1, 3);
    const stores: MerchantStore[] = [];
    for (let store = 0; store < storeCount; store++) {
      stores.push({
        storeId: `store${random.chars(DIGITS, 6)}`,
        storeName: `${name} ${STORE_SUFFIXES[store]}`,
        siteId: `site${random.chars(DIGITS, 7)}`,
      });
    }
    return {
      merchantId: this.uuid(hash32(this.key, STREAM_MERCHANT, index, 1), index + 7),
      merchantName: name,
      descriptor: name
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .slice(0, 12),
      currency: MERCHANT_CURRENCIES[index] ?? 'USD',
      stores,
    };
  }

  /** Merchant index of a merchant id (undefined when unknown). */
  merchantOf(merchantId: unknown): number | undefined {
    return typeof merchantId === 'string' ? this.merchantIndex.get(merchantId) : undefined;
  }

  /** Alphabetical rank of merchant `index`'s name (the sort surrogate), without a lookup by name. */
  merchantRank(index: number): number {
    return this.merchantNameRank.get(this.merchants[index]?.merchantName ?? '') ?? Number.NaN;
  }

  /** Alphabetical rank of a merchant name among the merchants (the sort surrogate). */
  merchantNameRankOf(name: unknown): number | undefined {
    return typeof name === 'string' ? this.merchantNameRank.get(name) : undefined;
  }

  /** A uuid-v4-shaped string derived from two numbers (not a slot id). */
  private uuid(a: number, b: number): string {
    const random = new SeededRandom(this.key, a, b);
    const hex = random.chars('0123456789abcdef', 32).split('');
    hex[12] = '4';
    hex[16] = '89ab'[random.int(0, 3)] as string;
    const text = hex.join('');
    return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
  }

  /**
   * The id of a slot: a v4-shaped uuid whose first 12 hex digits are a keyed permutation of the
   * slot (so ids look random, decode back to their slot, and sort like their 48-bit prefix).
   */
  orderId(slot: number): string {
    const prefix = toHex(this.ids.forward(slot), 12);
    const a = hash32(this.key, STREAM_ID_TAIL, slot);
    const b = mix32(a + 0x9e3779b9);
    const c = mix32(b + 0x9e3779b9);
    const version = toHex(a & 0xfff, 3);
    const variant = toHex(0x8000 | ((a >>> 12) & 0x3fff), 4);
    return `${prefix.slice(0, 8)}-${prefix.slice(8, 12)}-4${version}-${variant}-${toHex(b, 8)}${toHex(c & 0xffff, 4)}`;
  }

  /** The slot a generated id belongs to (undefined for ids of another form). */
  decodeOrderId(id: string): number | undefined {
    if (!UUID_PATTERN.test(id)) return undefined;
    const slot = this.ids.inverse(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
    return this.orderId(slot) === id ? slot : undefined;
  }

  /** Order-preserving numeric surrogate of a generated id (NaN for any other id). */
  orderIdSurrogate(id: string): number {
    return this.decodeOrderId(id) === undefined
      ? Number.NaN
      : Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
  }

  /** The surrogate of a slot's generated id, without building the string. */
  slotIdSurrogate(slot: number): number {
    return this.ids.forward(slot);
  }

  /** Numeric surrogate of a `ref` + 10 digits reference (NaN for other forms). */
  referenceSurrogate(reference: unknown): number {
    return typeof reference === 'string' && REFERENCE_PATTERN.test(reference)
      ? Number(reference.slice(3))
      : Number.NaN;
  }

  /** The payer name of a payer index. */
  payerName(payer: number): string {
    const draw = hash32(this.key, STREAM_PAYER, payer);
    return `${FIRST_NAMES[draw % FIRST_NAMES.length]} ${LAST_NAMES[(draw >>> 12) % LAST_NAMES.length]}`;
  }

  /** The sorted-name rank of a payer's name, without building the string (start-up hot path). */
  payerRank(payer: number): number {
    const draw = hash32(this.key, STREAM_PAYER, payer);
    return PAYER_COMBO_RANK[
      (draw % FIRST_NAMES.length) * LAST_NAMES.length + ((draw >>> 12) % LAST_NAMES.length)
    ] as number;
  }

  /** Fills `out` with the numbers of generated slot `slot` (no allocation). */
  core(
    slot: number,
    out: FlexFactorOrderCore,
    hints?: FlexFactorGenerationHints,
  ): FlexFactorOrderCore {
    const random = this.random.reset(this.key, STREAM_CORE, slot);
    const merchant = random.weighted(MERCHANT_WEIGHTS);
    const stores = (this.merchants[merchant] as FlexFactorMerchant).stores;
    out.merchant = merchant;
    out.store = random.int(0, stores.length - 1);
    out.payer = Math.min(this.payerCount - 1, Math.floor(this.payerCount * random.next() ** 1.3));
    out.payerRank = this.payerRank(out.payer);
    let status = random.weighted(STATUS_WEIGHTS);
    if (hints?.status !== undefined) status = hints.status;
    out.status = status;
    // Log-uniform between $5 and $500, converted into the merchant's currency in integers.
    const cents = Math.round(Math.exp(Math.log(500) + random.next() * Math.log(100)));
    const currency = (this.merchants[merchant] as FlexFactorMerchant).currency;
    out.amountMinor = convertCents(cents, currency);
    const refundDraw = random.next();
    const refundShare = 0.1 + random.next() * 0.4;
    out.refundsMinor =
      status === 6
        ? out.amountMinor
        : status === 7 && refundDraw < 0.05
          ? Math.max(1, Math.floor(out.amountMinor * refundShare))
          : 0;
    // About 3% of completed orders are charged back (the same draw, so nothing else moves).
    if (status === 7 && hints?.status === undefined && refundDraw > 0.97) {
      out.status = FLEXFACTOR_CHARGEBACK_CODE;
    }
    out.reference = random.int(0, 999_999_999) * 10 + random.int(0, 9);
    const index = slot - this.seedRowCount;
    const createdOn =
      hints?.createdOnUs ??
      FLEXFACTOR_RANGE_START_US + Math.floor((index + random.next()) * this.step);
    out.createdOnUs = createdOn;
    out.placedUs = createdOn + random.int(SECOND_US, 30 * SECOND_US);
    return out;
  }

  /** The list row of a generated slot (every field of the seed example, in its order). */
  row(slot: number, hints?: FlexFactorGenerationHints): FlexFactorRow {
    const core = this.core(slot, emptyFlexFactorCore(), hints);
    const merchant = this.merchants[core.merchant] as FlexFactorMerchant;
    const store = merchant.stores[core.store] as MerchantStore;
    const currency = CURRENCIES[merchant.currency] as CurrencyInfo;
    const random = new SeededRandom(this.key, STREAM_DETAIL, slot);
    const status = core.status as FlexFactorStatusCode;
    const awaiting = status === 1 || status === 5 || (status === 4 && random.chance(0.5));
    return {
      id: this.orderId(slot),
      isGhostMode: random.chance(0.02),
      payerName: this.payerName(core.payer),
      merchantName: merchant.merchantName,
      merchantId: merchant.merchantId,
      referenceNumber: `ref${String(core.reference).padStart(10, '0')}`,
      storeName: store.storeName,
      storeId: store.storeId,
      status,
      // List rows carry the lower-case name, as both seed rows do ("completed").
      statusName: (flexFactorStatusName(status) ?? 'Unknown').toLowerCase(),
      amount: minorToDecimal(core.amountMinor, currency.exponent),
      formattedAmount: formatAmount(core.amountMinor, currency),
      currencyCode: currency.code,
      currencySymbol: currency.symbol,
      createdOn: formatIsoMicros(core.createdOnUs),
      orderPlacedDate: formatIsoMicros(core.placedUs),
      expiryDate: awaiting ? formatIsoMicros(core.createdOnUs + 7 * DAY_US) : null,
      payoutStatus: payoutStatusOf(status, new SeededRandom(this.key, STREAM_PAYOUT, slot)),
      refundsAmount: minorToDecimal(core.refundsMinor, currency.exponent),
      descriptor: merchant.descriptor,
      paymentInstrumentToken: this.paymentToken(core.payer),
      isMIT: random.chance(0.12),
      siteId: store.siteId,
    };
  }

  /** A payer's card token (fake; the same card for all of a payer's orders). */
  private paymentToken(payer: number): string {
    return `token${new SeededRandom(this.key, STREAM_PAYER, payer, 1).chars(DIGITS, 20)}`;
  }

  /**
   * The single-order view (§2.6) of a row: the documented fields, derived from the row and from a
   * hash of its id, then every other row field. Fields present in the stored row win.
   */
  detail(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const id = typeof row.id === 'string' ? row.id : '';
    const random = new SeededRandom(this.key, STREAM_DETAIL, hashString(id), 7);
    const payerName = typeof row.payerName === 'string' ? row.payerName : 'Unknown Payer';
    const [firstName = 'Unknown', ...rest] = payerName.split(' ');
    const lastName = rest.join(' ') || 'Payer';
    const currencyCode = typeof row.currencyCode === 'string' ? row.currencyCode : 'USD';
    const countryCodes = COUNTRY_BY_CURRENCY[currencyCode] ?? ['US'];
    const country =
      COUNTRIES.find((profile) => profile.code === random.pick(countryCodes)) ??
      (COUNTRIES[0] as CountryProfile);
    const address = (): FlexFactorAddress => {
      const place = random.pick(country.cities);
      return {
        addressLine1: `${random.int(1, 240)} ${random.pick(country.streets)}`,
        addressLine2: random.chance(0.2) ? `Apt ${random.int(1, 40)}` : null,
        city: place.city,
        state: place.adminArea ?? null,
        postalCode: country.postalCode(random),
        country: country.name,
        countryCode: country.code,
      };
    };
    const billingAddress = address();
    const shippingAddress = random.chance(0.15)
      ? null
      : random.chance(0.8)
        ? billingAddress
        : address();
    const statusCode = typeof row.status === 'number' ? row.status : Number(row.status);
    const documented: Record<string, unknown> = {
      id: row.id,
      correlationId: this.uuid(hashString(id), 11),
      referenceNumber: row.referenceNumber,
      status: row.status,
      // AM's remote test saw the live sandbox answer "CAPTUREREQUIRED" here: upper case (§2.6).
      statusName: (flexFactorStatusName(statusCode) ?? String(row.statusName ?? '')).toUpperCase(),
      orderPlacedDate: row.orderPlacedDate,
      expiryDate: row.expiryDate,
      billingAddress,
      shippingAddress,
      firstName,
      lastName,
      email: `${emailLocalPart(firstName, lastName)}@example.com`,
      phone: `${country.phonePrefix} ${random.chars(DIGITS, 3)} ${random.chars(DIGITS, 4)}`,
      // "may be empty" (§2.6): most orders have none.
      secondaryEmail: random.chance(0.8)
        ? ''
        : `${emailLocalPart(firstName, lastName)}@example.net`,
      currencyCode: row.currencyCode,
      currencySymbol: row.currencySymbol,
    };
    // FF-GET's field list is cut off after currencySymbol; the sandbox adds every other row field.
    // Stored fields win (an inserted order may carry its own `email`, or drift); keys already
    // listed keep their documented position, the rest follow in row order.
    const detail: Record<string, unknown> = { ...documented };
    for (const [key, value] of Object.entries(row)) {
      if (key !== 'statusName') detail[key] = value;
    }
    return detail;
  }
}

/**
 * The payout state of an order: none before payment; a paid order's payout is `pending` or
 * `completed`; a refund or chargeback `reversed` it (the states of the payout webhook).
 */
function payoutStatusOf(status: FlexFactorStatusCode, random: SeededRandom): string | null {
  if (status === 6 || status === FLEXFACTOR_CHARGEBACK_CODE) return 'reversed';
  if (status === 7) return random.chance(0.2) ? 'pending' : 'completed';
  return null;
}

/** Converts US cents to the minor units of a currency, in integers (JPY: tens of yen). */
function convertCents(cents: number, currency: string): number {
  const rate = RATE_PER_CENT_X100[currency] ?? 100;
  const minor = Math.round((cents * rate) / 100);
  if (currency === 'JPY') return Math.max(10, Math.round(minor / 10) * 10);
  return Math.max(1, minor);
}
