import { COUNTRIES, type CountryProfile } from '../generation/countries.js';
import {
  COMPANY_STEMS,
  COMPANY_SUFFIXES,
  emailLocalPart,
  FIRST_NAMES,
  LAST_NAMES,
} from '../generation/people.js';
import { CURRENCIES, minorToDecimal } from '../money/currencies.js';
import { fromBase36, IndexPermutation, toBase36 } from '../random/index-permutation.js';
import { cumulative, hash32, SeededRandom } from '../random/seeded-random.js';
import { formatIsoMillis } from '../time/iso-time.js';
import {
  FLEXPORTAL_STATUSES,
  type FlexPortalAddress,
  type FlexPortalCustomer,
  type FlexPortalOrder,
  type FlexPortalOrderItem,
  type FlexPortalPayment,
  type FlexPortalStatus,
} from './flexportal-schema.js';

/**
 * Deterministic FlexPortal orders: order `slot` of a tenant is a pure function of (seed, tenant,
 * slot, count). Start-up only computes the few numbers the indexes need ({@link core}); the full
 * wire object ({@link order}) is rebuilt from the same random streams when a page needs it.
 */

/** Start of the generated time range (fixed, so data does not depend on the clock). */
export const FLEXPORTAL_RANGE_START_MS = Date.UTC(2025, 5, 1);
/** End of the generated time range. */
export const FLEXPORTAL_RANGE_END_MS = Date.UTC(2026, 5, 1);

const ORDER_ID_DOMAIN = 36 ** 10;
const CUSTOMER_ID_DOMAIN = 36 ** 8;
const ORDER_ID_PATTERN = /^ord_[0-9a-z]{10}$/;
const CUSTOMER_ID_PATTERN = /^cust_[0-9a-z]{8}$/;
const ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Random stream numbers: one per purpose, so adding a field to one never shifts another.
const STREAM_CORE = 1;
const STREAM_CUSTOMER = 2;
const STREAM_COUNTRY = 3;
const STREAM_BUSINESS = 4;
const STREAM_DETAIL = 5;
const STREAM_CUSTOM_FIELDS = 6;

interface Product {
  readonly sku: string;
  readonly name: string;
  /** Monthly price for a 24-month contract, in euro cents. */
  readonly monthlyEurCents: number;
  /** Retail price, in euro cents. */
  readonly listEurCents: number;
  readonly category: string;
}

const PRODUCTS: readonly Product[] = [
  {
    sku: 'LAPTOP-14-A',
    name: 'Laptop 14 (grade A)',
    monthlyEurCents: 3950,
    listEurCents: 129900,
    category: 'laptop',
  },
  {
    sku: 'LAPTOP-16-PRO',
    name: 'Laptop Pro 16',
    monthlyEurCents: 6900,
    listEurCents: 249900,
    category: 'laptop',
  },
  {
    sku: 'PHONE-61-128',
    name: 'Smartphone 6.1" 128 GB',
    monthlyEurCents: 2450,
    listEurCents: 89900,
    category: 'phone',
  },
  {
    sku: 'PHONE-67-256-R',
    name: 'Smartphone 6.7" 256 GB (refurbished)',
    monthlyEurCents: 1990,
    listEurCents: 64900,
    category: 'phone',
  },
  {
    sku: 'TABLET-11-WIFI',
    name: 'Tablet 11 Wi-Fi',
    monthlyEurCents: 1750,
    listEurCents: 59900,
    category: 'tablet',
  },
  {
    sku: 'MONITOR-27-4K',
    name: 'Monitor 27" 4K',
    monthlyEurCents: 1290,
    listEurCents: 44900,
    category: 'monitor',
  },
  {
    sku: 'DOCK-USBC',
    name: 'USB-C Dock',
    monthlyEurCents: 390,
    listEurCents: 14900,
    category: 'accessory',
  },
  {
    sku: 'HEADSET-ANC',
    name: 'Noise-cancelling Headset',
    monthlyEurCents: 590,
    listEurCents: 19900,
    category: 'accessory',
  },
  {
    sku: 'DESKTOP-MINI',
    name: 'Mini Desktop',
    monthlyEurCents: 2990,
    listEurCents: 99900,
    category: 'desktop',
  },
  {
    sku: 'KEYBOARD-MOUSE-WL',
    name: 'Wireless Keyboard and Mouse',
    monthlyEurCents: 250,
    listEurCents: 7900,
    category: 'accessory',
  },
];

const CONTRACT_LENGTHS = [12, 24, 36] as const;
const CONTRACT_WEIGHTS = cumulative([30, 50, 20]);
/** Price factor per contract length: shorter contracts cost more per month. */
const CONTRACT_FACTOR = [1.2, 1, 0.88] as const;
const LINE_COUNT_WEIGHTS = cumulative([60, 30, 10]);
const COUNTRY_WEIGHTS = cumulative(COUNTRIES.map((country) => country.weight));
const ORDER_TYPES = ['standard', 'extension', 'upgrade'] as const;
const ORDER_TYPE_WEIGHTS = cumulative([85, 10, 5]);
// Indexes into FLEXPORTAL_STATUSES: pending, confirmed, partial, fulfilled, cancelled.
const STATUS_WEIGHTS_SETTLED = cumulative([6, 8, 7, 66, 13]);
/** The newest 3% of orders are still mostly in flight. */
const STATUS_WEIGHTS_RECENT = cumulative([35, 30, 15, 12, 8]);
const STATUS_INDEX: Readonly<Record<string, number>> = Object.fromEntries(
  FLEXPORTAL_STATUSES.map((status, index) => [status, index]),
);
/** Status names in alphabetical order: the `status` sort compares the strings (FP-LIST). */
const STATUS_ALPHABETICAL = [...FLEXPORTAL_STATUSES].sort();
const STATUS_RANK: Readonly<Record<string, number>> = Object.fromEntries(
  STATUS_ALPHABETICAL.map((status, rank) => [status, rank]),
);
const CREATED_BY_WEIGHTS = cumulative([55, 25, 20]);
const NOTES = [
  'Deliver to reception, not the loading dock.',
  'Customer asked for a call before delivery.',
  'Replace the devices of the previous contract on the same day.',
  'Invoice the cost centre on the purchase order.',
];

/** Alphabetical rank of a documented status (the `status` sort key); undefined for others. */
export function flexPortalStatusRank(status: unknown): number | undefined {
  return typeof status === 'string' && Object.hasOwn(STATUS_RANK, status)
    ? STATUS_RANK[status]
    : undefined;
}

/** The status whose alphabetical rank is `rank`. */
export function flexPortalStatusOfRank(rank: number): FlexPortalStatus | undefined {
  return STATUS_ALPHABETICAL[rank];
}

/** The numbers one order is built from; enough for every index column. */
export interface FlexPortalOrderCore {
  /** Index into {@link FLEXPORTAL_STATUSES}. */
  status: number;
  /** Index into standard/extension/upgrade. */
  orderType: number;
  /** Customer index within the tenant. */
  customer: number;
  /** Index into {@link COUNTRIES}. */
  country: number;
  /** Number of order lines (1-3). */
  lineCount: number;
  /** Product index per line. */
  readonly products: number[];
  /** Quantity per line. */
  readonly quantities: number[];
  /** Contract length (months) per line. */
  readonly contracts: number[];
  /** Monthly unit price per line, in minor units of the order currency. */
  readonly unitMinor: number[];
  /** Σ unitPrice × quantity, minor units. */
  subtotalMinor: number;
  /** Tax on the subtotal, minor units. */
  taxMinor: number;
  /** subtotal + tax, minor units. */
  totalMinor: number;
  /** Σ quantity. */
  devices: number;
  /** Devices with a subscription (rentalProgress.rentedDevices). */
  rented: number;
  /** createdAt, epoch ms. */
  createdAtMs: number;
  /** updatedAt, epoch ms (≥ createdAt). */
  updatedAtMs: number;
}

/** Generation hints for inserted orders: the order is generated consistent with them. */
export interface FlexPortalGenerationHints {
  /** Generate an order in this status (progress, payment and rentals follow it). */
  readonly status?: FlexPortalStatus;
  /** createdAt in epoch ms (updatedAt follows it). */
  readonly createdAtMs?: number;
}

/** Creates an empty core record to be filled by {@link FlexPortalGenerator.core}. */
export function emptyFlexPortalCore(): FlexPortalOrderCore {
  return {
    status: 0,
    orderType: 0,
    customer: 0,
    country: 0,
    lineCount: 1,
    products: [0, 0, 0],
    quantities: [0, 0, 0],
    contracts: [0, 0, 0],
    unitMinor: [0, 0, 0],
    subtotalMinor: 0,
    taxMinor: 0,
    totalMinor: 0,
    devices: 0,
    rented: 0,
    createdAtMs: 0,
    updatedAtMs: 0,
  };
}

/** Converts a euro-cent price into the minor units of `currency`, rounded the way shops round. */
function priceIn(eurCents: number, currency: string): number {
  switch (currency) {
    case 'EUR':
      return eurCents;
    case 'USD':
      return charmPrice(Math.round(eurCents * 1.08));
    case 'GBP':
      return charmPrice(Math.round(eurCents * 0.85));
    case 'JPY':
      // No minor unit: whole yen, in steps of 10.
      return Math.max(10, Math.round((eurCents * 1.62) / 10) * 10);
    case 'KWD':
      // Three decimals (fils), in steps of 5 fils.
      return Math.max(5, Math.round((eurCents * 3.3) / 5) * 5);
    default:
      return eurCents;
  }
}

/** 4266 → 4269: prices in cents ending in 9. */
function charmPrice(cents: number): number {
  return cents < 100 ? cents : Math.round(cents / 10) * 10 - 1;
}

/** FlexPortal data of one tenant. */
export class FlexPortalGenerator {
  /** Number of distinct customers (about one per seven orders). */
  readonly customerCount: number;
  private readonly orderIds: IndexPermutation;
  private readonly customerIds: IndexPermutation;
  private readonly key: number;
  private readonly step: number;
  private readonly random = new SeededRandom();

  /**
   * @param seed dataset seed
   * @param tenantIndex position of the tenant (keys the random streams, so tenants differ)
   * @param tenantId the tenant's id, written into each order
   * @param baseCount number of generated orders
   */
  constructor(
    readonly seed: number,
    readonly tenantIndex: number,
    readonly tenantId: string,
    readonly baseCount: number,
  ) {
    this.key = hash32(seed, 0x46500000 + tenantIndex);
    this.customerCount = Math.max(1, Math.round(baseCount / 7));
    this.orderIds = new IndexPermutation(hash32(this.key, 1), ORDER_ID_DOMAIN);
    this.customerIds = new IndexPermutation(hash32(this.key, 2), CUSTOMER_ID_DOMAIN);
    this.step = (FLEXPORTAL_RANGE_END_MS - FLEXPORTAL_RANGE_START_MS) / Math.max(1, baseCount);
  }

  /** The order id of a slot: `ord_` + 10 base-36 characters (doc examples use `ord_`, §1.7). */
  orderId(slot: number): string {
    return `ord_${toBase36(this.orderIds.forward(slot), 10)}`;
  }

  /** The numeric value behind a slot's order id (its order-preserving surrogate). */
  orderIdValue(slot: number): number {
    return this.orderIds.forward(slot);
  }

  /** The order id's order-preserving numeric surrogate (NaN for ids of another form). */
  orderIdSurrogate(id: string): number {
    return ORDER_ID_PATTERN.test(id) ? (fromBase36(id.slice(4)) ?? Number.NaN) : Number.NaN;
  }

  /** The slot a generated order id belongs to (undefined for other ids). */
  decodeOrderId(id: string): number | undefined {
    if (!ORDER_ID_PATTERN.test(id)) return undefined;
    const value = fromBase36(id.slice(4));
    return value === undefined ? undefined : this.orderIds.inverse(value);
  }

  /** The customer id of customer index `customer`: `cust_` + 8 base-36 characters. */
  customerId(customer: number): string {
    return `cust_${toBase36(this.customerIds.forward(customer), 8)}`;
  }

  /** The customer index of a generated customer id (undefined for other ids). */
  decodeCustomerId(id: string): number | undefined {
    if (!CUSTOMER_ID_PATTERN.test(id)) return undefined;
    const value = fromBase36(id.slice(5));
    if (value === undefined) return undefined;
    const customer = this.customerIds.inverse(value);
    return customer < this.customerCount ? customer : undefined;
  }

  /** Country index of a customer. */
  customerCountry(customer: number): number {
    const draw = hash32(this.key, STREAM_COUNTRY, customer) / 4294967296;
    const total = COUNTRY_WEIGHTS[COUNTRY_WEIGHTS.length - 1] as number;
    const target = draw * total;
    for (let index = 0; index < COUNTRY_WEIGHTS.length; index++) {
      if (target < (COUNTRY_WEIGHTS[index] as number)) return index;
    }
    return 0;
  }

  /** True when the customer is a business (40%). */
  isBusinessCustomer(customer: number): boolean {
    return hash32(this.key, STREAM_BUSINESS, customer) % 100 < 40;
  }

  /**
   * Fills `out` with the numbers of order `slot` (no allocation: the start-up loop reuses one
   * record for a million orders).
   */
  core(
    slot: number,
    out: FlexPortalOrderCore,
    hints?: FlexPortalGenerationHints,
  ): FlexPortalOrderCore {
    const random = this.random.reset(this.key, STREAM_CORE, slot);
    // Skewed customer choice: a few customers order often, most order once or twice.
    const customer = Math.min(
      this.customerCount - 1,
      Math.floor(this.customerCount * random.next() ** 1.5),
    );
    const country = this.customerCountry(customer);
    const profile = COUNTRIES[country] as CountryProfile;
    const business = this.isBusinessCustomer(customer);
    out.customer = customer;
    out.country = country;
    out.orderType = random.weighted(ORDER_TYPE_WEIGHTS);
    const lineCount = out.orderType === 0 ? random.weighted(LINE_COUNT_WEIGHTS) + 1 : 1;
    out.lineCount = lineCount;
    let subtotal = 0;
    let devices = 0;
    const firstProduct = random.int(0, PRODUCTS.length - 1);
    for (let line = 0; line < 3; line++) {
      if (line >= lineCount) {
        out.products[line] = 0;
        out.quantities[line] = 0;
        out.contracts[line] = 0;
        out.unitMinor[line] = 0;
        continue;
      }
      // Distinct products per order: step through the catalogue from a random start.
      const product = (firstProduct + line * 3) % PRODUCTS.length;
      const quantity = business
        ? random.chance(0.5)
          ? random.int(1, 3)
          : random.int(2, 20)
        : random.chance(0.82)
          ? 1
          : random.int(2, 3);
      const contract = random.weighted(CONTRACT_WEIGHTS);
      const eurCents =
        Math.round(
          ((PRODUCTS[product] as Product).monthlyEurCents * (CONTRACT_FACTOR[contract] as number)) /
            10,
        ) *
          10 -
        1;
      const unit = priceIn(eurCents, profile.currency);
      out.products[line] = product;
      out.quantities[line] = quantity;
      out.contracts[line] = CONTRACT_LENGTHS[contract] as number;
      out.unitMinor[line] = unit;
      subtotal += unit * quantity;
      devices += quantity;
    }
    const age = this.baseCount > 0 ? slot / this.baseCount : 1;
    let status = random.weighted(age > 0.97 ? STATUS_WEIGHTS_RECENT : STATUS_WEIGHTS_SETTLED);
    if (hints?.status !== undefined) status = STATUS_INDEX[hints.status] ?? status;
    const partialDraw = random.next();
    if (status === 2 && devices < 2) {
      // "partial" needs at least two devices (0 < rented < total): order one more.
      out.quantities[0] = (out.quantities[0] as number) + 1;
      subtotal += out.unitMinor[0] as number;
      devices += 1;
    }
    out.status = status;
    out.devices = devices;
    out.subtotalMinor = subtotal;
    out.taxMinor = Math.round((subtotal * profile.taxBasisPoints) / 10000);
    out.totalMinor = subtotal + out.taxMinor;
    out.rented =
      status === 3 ? devices : status === 2 ? 1 + Math.floor(partialDraw * (devices - 1)) : 0;
    const createdAt =
      hints?.createdAtMs ??
      FLEXPORTAL_RANGE_START_MS + Math.floor((slot + random.next()) * this.step);
    out.createdAtMs = createdAt;
    out.updatedAtMs = createdAt + this.updateDelay(status, random);
    return out;
  }

  private updateDelay(status: number, random: SeededRandom): number {
    switch (status) {
      case 0:
        return random.chance(0.3) ? 0 : random.int(1000, 6 * HOUR);
      case 1:
        return random.int(HOUR, 3 * DAY);
      case 2:
        return random.int(DAY, 14 * DAY);
      case 3:
        return random.int(2 * DAY, 30 * DAY);
      default:
        return random.int(HOUR, 7 * DAY);
    }
  }

  /** The order's `customFields`: null, absent (undefined) or a small map (FP-OV customField_ filters). */
  customFields(slot: number): Record<string, string> | null | undefined {
    const random = new SeededRandom(this.key, STREAM_CUSTOM_FIELDS, slot);
    const draw = random.next();
    if (draw < 0.35) return null;
    if (draw < 0.6) return undefined;
    const fields: Record<string, string> = {
      purchaseOrderNumber: `PO-${random.int(10000, 99999)}`,
    };
    if (random.chance(0.5)) fields.siebelId = String(random.int(10000, 10999));
    if (random.chance(0.3)) fields.costCenter = `CC-${random.int(100, 140)}`;
    return fields;
  }

  /** The customer object and addresses of customer index `customer`. */
  customer(customer: number): {
    customer: FlexPortalCustomer;
    billingAddress: FlexPortalAddress;
    alternateAddress: FlexPortalAddress;
    billingGroupId: string | undefined;
  } {
    const random = new SeededRandom(this.key, STREAM_CUSTOMER, customer);
    const profile = COUNTRIES[this.customerCountry(customer)] as CountryProfile;
    const business = this.isBusinessCustomer(customer);
    const firstName = random.pick(FIRST_NAMES);
    const lastName = random.pick(LAST_NAMES);
    const company = business
      ? `${random.pick(COMPANY_STEMS)} ${random.pick(COMPANY_SUFFIXES)}`
      : undefined;
    const domain = random.pick(['example.com', 'example.org', 'example.net']);
    const record: FlexPortalCustomer = {
      customerId: this.customerId(customer),
      email: `${emailLocalPart(firstName, lastName)}.${customer}@${domain}`,
      firstName,
      lastName,
    };
    if (company) record.company = company;
    if (random.chance(0.7)) {
      record.phone = `${profile.phonePrefix} ${random.chars('0123456789', 3)} ${random.chars('0123456789', 4)}`;
    }
    if (random.chance(0.9)) record.customerType = business ? 'business' : 'individual';
    const contactName = `${firstName} ${lastName}`;
    const address = (): FlexPortalAddress => {
      const place = random.pick(profile.cities);
      const result: FlexPortalAddress = {
        contactName,
        streetAddress: `${random.pick(profile.streets)} ${random.int(1, 240)}`,
        city: place.city,
        postalCode: profile.postalCode(random),
        country: profile.name,
      };
      if (company) result.company = company;
      if (random.chance(0.2)) result.buildingInfo = `Floor ${random.int(1, 12)}`;
      if (place.adminArea) result.adminArea = place.adminArea;
      return result;
    };
    const billingAddress = address();
    const alternateAddress = address();
    const billingGroupId =
      business && random.chance(0.5) ? `bg_${random.chars(ALPHANUMERIC, 10)}` : undefined;
    return { customer: record, billingAddress, alternateAddress, billingGroupId };
  }

  /** The complete wire order of a slot (§1.7), consistent with its {@link core}. */
  order(slot: number, hints?: FlexPortalGenerationHints): FlexPortalOrder {
    const core = this.core(slot, emptyFlexPortalCore(), hints);
    const profile = COUNTRIES[core.country] as CountryProfile;
    const currency = CURRENCIES[profile.currency] ?? { code: 'EUR', exponent: 2, symbol: '€' };
    const exponent = currency.exponent;
    const money = (minor: number): number => minorToDecimal(minor, exponent);
    const random = new SeededRandom(this.key, STREAM_DETAIL, slot);
    const status = FLEXPORTAL_STATUSES[core.status] as FlexPortalStatus;
    const people = this.customer(core.customer);

    let remainingRented = core.rented;
    const allRentalIds: string[] = [];
    const items: FlexPortalOrderItem[] = [];
    for (let line = 0; line < core.lineCount; line++) {
      const product = PRODUCTS[core.products[line] as number] as Product;
      const quantity = core.quantities[line] as number;
      const rentedHere = Math.min(quantity, remainingRented);
      remainingRented -= rentedHere;
      const rentalIds: string[] = [];
      for (let unit = 0; unit < rentedHere; unit++) {
        rentalIds.push(`sub_${random.chars(ALPHANUMERIC, 12)}`);
      }
      allRentalIds.push(...rentalIds);
      const item: FlexPortalOrderItem = {
        sku: product.sku,
        productName: product.name,
        quantity,
        unitPrice: money(core.unitMinor[line] as number),
        contractLength: core.contracts[line] as number,
      };
      // Ambiguity 13: one rendering of the docs omits the cost-tracking fields; so do 10% of lines.
      if (random.chance(0.9)) {
        const listMinor = priceIn(product.listEurCents, currency.code);
        const scale = 10 ** exponent;
        const acquisitionMinor =
          Math.round((listMinor * (0.6 + random.next() * 0.2)) / scale) * scale;
        const listSourceDraw = random.next();
        const listPriceSource =
          listSourceDraw < 0.8 ? 'variant' : listSourceDraw < 0.95 ? 'manual' : 'unknown';
        const costDraw = random.next();
        const acquisitionCostSource =
          costDraw < 0.6
            ? 'variant'
            : costDraw < 0.8
              ? 'manual'
              : costDraw < 0.95
                ? 'list_price'
                : 'unknown';
        const usesList = acquisitionCostSource === 'list_price';
        item.productId = `prod_${product.sku.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
        item.productImageUrl = `https://images.example.com/products/${product.sku.toLowerCase()}.png`;
        item.variantId = `var_${product.category}_${(core.products[line] as number) + 1}`;
        item.listPrice = money(listMinor);
        item.listPriceSource = listPriceSource;
        item.acquisitionCost = money(usesList ? listMinor : acquisitionMinor);
        item.acquisitionCostSource = acquisitionCostSource;
        if (listPriceSource === 'manual') item.listPriceOverride = money(listMinor);
        if (acquisitionCostSource === 'manual')
          item.acquisitionCostOverride = money(acquisitionMinor);
        item.usedListPriceAsAcquisition = usesList;
      }
      item.rentalIds = rentalIds;
      item.rentalStatus =
        rentedHere === 0 ? 'pending' : rentedHere < quantity ? 'partial' : 'completed';
      items.push(item);
    }

    const order: FlexPortalOrder = {
      orderId: this.orderId(slot),
      tenantId: this.tenantId,
      status,
      orderType: ORDER_TYPES[core.orderType] as FlexPortalOrder['orderType'],
      customer: people.customer,
      billingAddress: people.billingAddress,
      shippingAddress: random.chance(0.75) ? { ...people.billingAddress } : people.alternateAddress,
      items,
      totals: {
        subtotal: money(core.subtotalMinor),
        taxAmount: money(core.taxMinor),
        total: money(core.totalMinor),
        currency: currency.code,
        totalDevices: core.devices,
      },
      rentalProgress: { totalDevices: core.devices, rentedDevices: core.rented },
      rentalIds: allRentalIds,
      createdAt: formatIsoMillis(core.createdAtMs),
      updatedAt: formatIsoMillis(core.updatedAtMs),
      createdBy: 'api',
    };
    if (random.chance(0.95)) order.payment = this.payment(core, random, money);
    const customFields = this.customFields(slot);
    if (customFields !== undefined) order.customFields = customFields;
    if (people.billingGroupId) order.billingGroupId = people.billingGroupId;
    if (core.rented > 0 && random.chance(0.8)) {
      order.trackingNumber = `1Z${random.chars('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ', 16)}`;
      order.shippedAt = formatIsoMillis(
        Math.min(core.updatedAtMs, core.createdAtMs + random.int(HOUR, 3 * DAY)),
      );
    }
    const createdBy = random.weighted(CREATED_BY_WEIGHTS);
    order.createdBy =
      createdBy === 0
        ? 'api'
        : createdBy === 1
          ? 'checkout'
          : `usr_${random.chars(ALPHANUMERIC, 8)}`;
    if (random.chance(0.1)) order.notes = random.pick(NOTES);
    if (order.orderType === 'extension') {
      const previousEnd = core.createdAtMs + random.int(1, 60) * DAY;
      const months = random.pick([6, 12]);
      order.extensionDetails = {
        originalOrderId: this.orderId(slot > 0 ? random.int(0, slot - 1) : slot + 1),
        extensionMonths: months,
        previousEndDate: formatIsoMillis(previousEnd).slice(0, 10),
        newEndDate: formatIsoMillis(previousEnd + months * 30 * DAY).slice(0, 10),
      };
      if (random.chance(0.5)) order.extensionDetails.reason = 'Customer wants to keep the device';
    } else if (order.orderType === 'upgrade') {
      const previous = random.pick(PRODUCTS);
      order.upgradeDetails = {
        previousDevice: previous.name,
        previousSerialNumber: `SN${random.chars('0123456789ABCDEF', 10)}`,
        previousMonthlyAmount: money(priceIn(previous.monthlyEurCents, currency.code)),
        previousRentalId: `sub_${random.chars(ALPHANUMERIC, 12)}`,
      };
      if (random.chance(0.5)) order.upgradeDetails.upgradeReason = 'Newer model';
    }
    return order;
  }

  private payment(
    core: FlexPortalOrderCore,
    random: SeededRandom,
    money: (minor: number) => number,
  ): FlexPortalPayment {
    const draw = random.next();
    let status: 'pending' | 'paid' | 'failed';
    switch (core.status) {
      case 3: // fulfilled: mostly paid
        status = draw < 0.9 ? 'paid' : draw < 0.98 ? 'pending' : 'failed';
        break;
      case 2: // partial
        status = draw < 0.6 ? 'paid' : 'pending';
        break;
      case 1: // confirmed
        status = draw < 0.35 ? 'paid' : draw < 0.95 ? 'pending' : 'failed';
        break;
      case 0: // pending
        status = draw < 0.9 ? 'pending' : 'failed';
        break;
      default: // cancelled
        status = draw < 0.7 ? 'pending' : 'failed';
    }
    const method = random.chance(0.7) ? 'stripe' : 'manual';
    const payment: FlexPortalPayment = { status, method };
    if (method === 'stripe' && status !== 'pending') {
      payment.transactionId = `pi_${random.chars('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 24)}`;
    }
    if (status === 'paid') payment.paidAmount = money(core.totalMinor);
    payment.manuallyMarked = method === 'manual' && status === 'paid';
    return payment;
  }
}
