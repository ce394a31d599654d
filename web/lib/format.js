// Formatting of money, dates and times. Show times are formatted from the string the API gives
// (which carries the theatre's own offset), never converted to the browser's time zone: a person
// booking in Mumbai from a laptop set to UTC must still read "6:00 PM".

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });
const rupeesPaise = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2 });

/** ₹280, ₹280.50 (paise only when there are some). */
export function money(amount) {
  const value = Number(amount);
  if (!Number.isFinite(value)) return '';
  return Number.isInteger(value) ? rupees.format(value) : rupeesPaise.format(value);
}

/** price × count in paise, so ₹280.10 × 3 is ₹840.30 and not ₹840.3000000001. */
export function multiplyMoney(price, count) {
  return Math.round(Number(price) * 100 * count) / 100;
}

/** Sum of amounts, in paise for the same reason. */
export function sumMoney(values) {
  return values.reduce((total, v) => total + Math.round(Number(v || 0) * 100), 0) / 100;
}

/** 'YYYY-MM-DD' → 'Thu 17 Dec' (the weekday of that calendar date, wherever the browser is). */
export function dateLabel(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${d} ${MONTHS[m - 1]}`;
}

/** 'YYYY-MM-DD' → 'Thursday 17 December 2026', for accessible names. */
export function dateLong(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** The calendar parts of an RFC 3339 string as written: {date:'2026-12-17', hour:14, minute:0}. */
export function wallClock(rfc3339) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(rfc3339 || '');
  if (!match) return null;
  return { date: match[1], hour: Number(match[2]), minute: Number(match[3]) };
}

/** '2026-12-17T18:30:00+05:30' → '6:30 PM', the theatre's own clock. */
export function timeLabel(rfc3339) {
  const wall = wallClock(rfc3339);
  if (!wall) return '';
  const suffix = wall.hour < 12 ? 'AM' : 'PM';
  const hour12 = wall.hour % 12 === 0 ? 12 : wall.hour % 12;
  return `${hour12}:${String(wall.minute).padStart(2, '0')} ${suffix}`;
}

/** '2026-12-17T18:30:00+05:30' → 'Thu 17 Dec, 6:30 PM'. */
export function showTimeLabel(rfc3339) {
  const wall = wallClock(rfc3339);
  return wall ? `${dateLabel(wall.date)}, ${timeLabel(rfc3339)}` : '';
}

/** Today's date (the browser's calendar) plus `days`, as YYYY-MM-DD. */
export function isoDate(days = 0, from = new Date()) {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Seconds → 'mm:ss' (never negative). */
export function mmss(totalSeconds) {
  const s = Math.max(0, Math.ceil(totalSeconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** '1h 49m' from minutes. */
export function duration(mins) {
  const m = Number(mins) || 0;
  const hours = Math.floor(m / 60);
  return hours ? `${hours}h ${String(m % 60).padStart(2, '0')}m` : `${m}m`;
}

/** 'C' + 'C12' → 12: seat ids are the row label followed by the number. */
export function seatNumber(rowLabel, seatId) {
  return Number(seatId.slice(rowLabel.length));
}

/** ['A1','A2','B4'] → 'A1, A2 and B4'. */
export function listWords(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** 'PREMIUM' → 'premium', 'RECLINER_PLUS' → 'recliner plus'. */
export function seatTypeWords(seatType) {
  return String(seatType || 'REGULAR').toLowerCase().replace(/_/g, ' ');
}

export const SHOW_STATUS_WORDS = {
  AVAILABLE: 'Available',
  FILLING_FAST: 'Filling fast',
  ALMOST_FULL: 'Almost full',
  SOLD_OUT: 'Sold out',
  CANCELLED: 'Cancelled',
};

export const ORDER_STATUS_WORDS = {
  PAYMENT_PENDING: 'Awaiting payment',
  CONFIRMED: 'Confirmed',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  EXPIRED: 'Expired',
};
