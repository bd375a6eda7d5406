import { isIPv6 } from 'node:net';

/**
 * The string formats kube-apiserver checks in custom resources, with the same
 * acceptance rules as upstream's format registry. Every other format (int32,
 * int64, float, double and anything unknown) is dropped from CRD schemas
 * upstream, so values are not checked against it.
 */

type FormatCheck = (value: string) => boolean;

const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5 = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const hostnamePattern = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9\-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const emailAddress = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const octet = '(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])';
const rgbColor = new RegExp(`^rgb\\(\\s*${octet}\\s*,\\s*${octet}\\s*,\\s*${octet}\\s*\\)$`);
const creditCard = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11}|6[27][0-9]{14})$/;
const goDuration = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const dateTimeClock = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;
const macAddress = [
  /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$|^[0-9a-f]{2}(?::[0-9a-f]{2}){7}$|^[0-9a-f]{2}(?::[0-9a-f]{2}){19}$/i,
  /^[0-9a-f]{2}(?:-[0-9a-f]{2}){5}$|^[0-9a-f]{2}(?:-[0-9a-f]{2}){7}$|^[0-9a-f]{2}(?:-[0-9a-f]{2}){19}$/i,
  /^[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}$|^[0-9a-f]{4}(?:\.[0-9a-f]{4}){3}$|^[0-9a-f]{4}(?:\.[0-9a-f]{4}){9}$/i,
];

/** Go's `time.Parse("2006-01-02", …)`: four-digit year, a real month and day. */
function isDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth;
}

/** Upstream's lenient RFC 3339 check: a date, a `t`, and a clock with a zone. */
function isDateTime(value: string): boolean {
  if (value.length < 4) return false;
  const parts = value.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0])) return false;
  const clock = dateTimeClock.exec(parts[1]);
  return clock !== null && clock[1] <= '23' && clock[2] <= '59' && clock[3] <= '59';
}

const durationUnits = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];

/** Go's `time.ParseDuration`, or else any `<n> <unit>` phrase upstream recognises (`3 days`). */
function isDuration(value: string): boolean {
  if (goDuration.test(value)) return true;
  for (const match of value.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = match[2].toLowerCase();
    const known = durationUnits.some((variants) => variants.some((variant, i) => unit === variant || (i === variants.length - 1 && unit.startsWith(variant))));
    if (known) return true;
  }
  return false;
}

function isHostname(value: string): boolean {
  return hostnamePattern.test(value) && Buffer.byteLength(value) <= 255 && value.split('.').every((label) => Buffer.byteLength(label) <= 63);
}

/** Go's sloppy IP parsing: IPv4 octets may have leading zeros; IPv6 has no zone. */
function isSloppyIP(value: string): boolean {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) return value.split('.').every((part) => Number(part) <= 255);
  return !value.includes('%') && isIPv6(value);
}

function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const [address, prefix] = [value.slice(0, slash), value.slice(slash + 1)];
  if (!/^\d+$/.test(prefix) || !isSloppyIP(address)) return false;
  const bits = /^[\d.]+$/.test(address) ? 32 : 128;
  return Number(prefix) <= bits;
}

/** net/mail.ParseAddress: a bare address or `Name <address>`. */
function isEmail(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return emailAddress.test(named ? named[1] : value.trim());
}

/** url.ParseRequestURI: an absolute URI or an absolute path, without control characters. */
function isRequestUri(value: string): boolean {
  if (value === '' || /[\x00-\x1f\x7f]/.test(value)) return false;
  return value === '*' || value.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(value);
}

function isIsbn10(value: string): boolean {
  const digits = value.replace(/[\s-]+/g, '');
  if (!/^(?:[0-9]{9}X|[0-9]{10})$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (i + 1) * (digits[i] === 'X' ? 10 : Number(digits[i]));
  return sum % 11 === 0;
}

function isIsbn13(value: string): boolean {
  const digits = value.replace(/[\s-]+/g, '');
  if (!/^[0-9]{13}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
  return Number(digits[12]) === (10 - (sum % 10)) % 10;
}

function isCreditCard(value: string): boolean {
  const digits = value.replace(/[^0-9]+/g, '');
  if (!creditCard.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let digit = Number(digits[i]);
    if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const checks: Readonly<Record<string, FormatCheck>> = {
  bsonobjectid: (value) => /^[0-9a-fA-F]{24}$/.test(value),
  uri: isRequestUri,
  email: isEmail,
  hostname: isHostname,
  ipv4: (value) => isSloppyIP(value) && value.includes('.'),
  ipv6: (value) => isSloppyIP(value) && value.includes(':'),
  cidr: isCidr,
  mac: (value) => macAddress.some((pattern) => pattern.test(value)),
  uuid: (value) => uuid.test(value),
  uuid3: (value) => uuid3.test(value),
  uuid4: (value) => uuid4.test(value),
  uuid5: (value) => uuid5.test(value),
  isbn: (value) => isIsbn10(value) || isIsbn13(value),
  isbn10: isIsbn10,
  isbn13: isIsbn13,
  creditcard: isCreditCard,
  ssn: (value) => value.length === 11 && /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(value),
  hexcolor: (value) => /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(value),
  rgbcolor: (value) => rgbColor.test(value),
  byte: (value) => base64.test(value),
  password: () => true,
  date: isDate,
  duration: isDuration,
  datetime: isDateTime,
};

/**
 * The check for a format name, or undefined when upstream does not check it.
 * Names match with dashes removed, so `date-time` and `datetime` are the same.
 */
export function formatCheck(format: string): FormatCheck | undefined {
  const name = format.replaceAll('-', '');
  return Object.hasOwn(checks, name) ? checks[name] : undefined;
}
