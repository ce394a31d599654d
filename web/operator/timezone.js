// The UTC offset of a time zone at a given wall-clock time, so a start time typed into a
// datetime-local field (the theatre's own clock) can be sent with the theatre's offset — correct
// across daylight-saving changes, whatever zone the operator's browser is in.

/** Offset in minutes of `timeZone` at the instant `utcMs` ('GMT+05:30' → 330). */
function offsetAt(timeZone, utcMs) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(utcMs));
  const name = (parts.find((p) => p.type === 'timeZoneName') || {}).value || 'GMT';
  const match = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name);
  if (!match) return 0; // plain "GMT"
  const minutes = Number(match[2]) * 60 + Number(match[3] || 0);
  return match[1] === '-' ? -minutes : minutes;
}

/** '+05:30' for 330. */
export function formatOffset(minutes) {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * '2026-12-20T18:30' in 'Asia/Kolkata' → '2026-12-20T18:30:00+05:30'.
 * The offset is looked up at the instant the wall time names: first guessing with the offset at
 * that time read as UTC, then correcting once (enough for every real zone's transitions).
 */
export function withZoneOffset(localDateTime, timeZone) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(localDateTime);
  if (!match) throw new Error('Enter a start date and time.');
  const [, y, mo, d, hh, mm] = match.map(Number);
  const wallAsUtc = Date.UTC(y, mo - 1, d, hh, mm);
  const first = offsetAt(timeZone, wallAsUtc);
  const offset = offsetAt(timeZone, wallAsUtc - first * 60000);
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:00${formatOffset(offset)}`;
}

/** The current wall-clock date and time in `timeZone`, as a datetime-local value ('2026-12-03T13:05'). */
export function nowIn(timeZone, addMinutes = 0) {
  const instant = Date.now() + addMinutes * 60000;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
