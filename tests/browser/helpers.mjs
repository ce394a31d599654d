// Shared by the browser tests: the servers under test, a catalogue built through the admin API,
// one Chromium per test file, signed-in pages, screenshots, and polling with deadlines (no fixed
// sleeps). Locators are by role, label and text, so the tests also check accessible names.

import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export const BASE = (process.env.MARQUEE_URL || 'http://127.0.0.1:8090').replace(/\/$/, '');
export const SHORT_HOLD_BASE = process.env.MARQUEE_SHORT_HOLD_URL ? process.env.MARQUEE_SHORT_HOLD_URL.replace(/\/$/, '') : null;
const SHOT_DIR = process.env.SCREENSHOT_DIR || path.join(tmpdir(), 'marquee-screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 667 };

/** A short run-unique suffix: the test database is shared with other tests and earlier runs. */
export function unique(prefix) {
  return `${prefix} ${randomBytes(4).toString('hex')}`;
}

/** Calls the API from Node; resolves to {status, json, headers}. */
export async function call(base, method, urlPath, { token, body } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(base + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: response.status, json, headers: response.headers };
}

/** Like call(), but the status must be `expected`; returns the body. */
export async function must(expected, base, method, urlPath, options) {
  const answer = await call(base, method, urlPath, options);
  if (answer.status !== expected) {
    throw new Error(`${method} ${urlPath} → ${answer.status} (expected ${expected}): ${JSON.stringify(answer.json)}`);
  }
  return answer.json;
}

/** Development sign-in: {token, expiresAt, user}. */
export function signIn(name, { admin = false, base = BASE } = {}) {
  return must(200, base, 'POST', '/api/v1/dev/sign-in', { body: admin ? { name, admin: true } : { name } });
}

/** 'YYYY-MM-DD' of the UTC date `days` from now. */
export function utcDate(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD' of the Asia/Kolkata date `days` from now (the test theatres' zone). */
export function kolkataDate(days) {
  return new Date(Date.now() + 5.5 * 3600000 + days * 86400000).toISOString().slice(0, 10);
}

/**
 * A fresh movie, theatre, screen and show (tomorrow at `time`, Kolkata time), so no test shares
 * seats or a screen (and so never hits SHOW_OVERLAP) with another.
 * Screen: `rows` rows A… of `seats` seats, the last `premiumRows` PREMIUM, with an aisle after
 * seat `aisleAfter` (numbers skip one there) when given.
 */
export async function createCatalogue({ base = BASE, title = unique('Browser Test'), rows = 5, seats = 8, premiumRows = 0,
  aisleAfter = null, cancellationAvailable = true, time = '18:00', daysAhead = 1, price = 250 } = {}) {
  const admin = await signIn(unique('Test Operator'), { admin: true, base });
  const token = admin.token;
  const movie = await must(201, base, 'POST', '/api/v1/admin/movies', {
    token,
    body: {
      title, durationMins: 120, releaseDate: utcDate(-1), rating: 7.9, genres: ['Drama', 'Comedy'],
      language: 'English', format: '2D', ageRating: 'UA', about: 'A film made for the browser tests.',
      cast: [{ name: 'Lead Actor', role: 'Hero', billingOrder: 1 }], crew: [{ name: 'A Director', role: 'Director' }],
    },
  });
  const theatre = await must(201, base, 'POST', '/api/v1/admin/theatres', {
    token,
    body: {
      name: unique('Test Cinema'), address: '1 Main Street', city: 'Testville', geo: { lat: 12.97, lng: 77.59 },
      timezone: 'Asia/Kolkata', cancellationAvailable,
    },
  });
  const numbers = [];
  for (let n = 1; numbers.length < seats; n += 1) {
    if (aisleAfter !== null && n === aisleAfter + 1) continue;
    numbers.push(n);
  }
  const layout = Array.from({ length: rows }, (_, i) => ({
    rowLabel: String.fromCharCode(65 + i), seatNumbers: numbers, seatType: i >= rows - premiumRows ? 'PREMIUM' : 'REGULAR',
  }));
  const screen = await must(201, base, 'POST', `/api/v1/admin/theatres/${theatre.theatreId}/screens`, {
    token, body: { screenName: 'Screen 1', screenType: 'Standard', rows: layout },
  });
  const day = kolkataDate(daysAhead);
  const show = await must(201, base, 'POST', '/api/v1/admin/shows', {
    token, body: { movieId: movie.movieId, screenId: screen.screenId, startTime: `${day}T${time}:00+05:30`, price },
  });
  return { admin, movie, theatre, screen, show, day };
}

export const CUSTOMER = { name: 'Asha Rao', email: 'asha@example.com', phone: '+919876543210' };

/** Hold → order → pay for `seatIds` as `token`: the confirmed order. */
export async function buy(base, token, showId, seatIds) {
  const hold = await must(201, base, 'POST', '/api/v1/holds', { token, body: { showId, seatIds, quantity: seatIds.length } });
  const order = await must(201, base, 'POST', '/api/v1/orders', { token, body: { holdId: hold.holdId, customer: CUSTOMER } });
  return must(200, base, 'POST', `/api/v1/orders/${order.orderId}/confirm-payment`, { token });
}

export function hold(base, token, showId, seatIds) {
  return must(201, base, 'POST', '/api/v1/holds', { token, body: { showId, seatIds, quantity: seatIds.length } });
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [
    '--no-sandbox',
    // No calls home (updates, sync, field trials): nothing to wait for, nothing refused, on a
    // machine without the internet; /dev/shm is small in containers.
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-dev-shm-usage',
  ] });
}

/**
 * A new page (in its own context: its own storage) of `base`. With `session` (a dev sign-in
 * answer) the page starts signed in; `key` is the storage key (the operator page has its own).
 * Page errors fail the test through `errors` (checked by assertNoPageErrors).
 */
// Pages opened by the running test, photographed if it fails (to a folder of their own, apart from
// the screenshots the runner may publish).
const openedPages = [];
const FAILURE_DIR = path.join(tmpdir(), 'marquee-browser-failures');

/** node:test's test(), plus a screenshot of every page the test opened when it fails. */
export function browserTest(name, options, fn) {
  if (typeof options === 'function') { fn = options; options = {}; }
  return test(name, options, async (t) => {
    openedPages.length = 0;
    try {
      await fn(t);
    } catch (error) {
      mkdirSync(FAILURE_DIR, { recursive: true });
      const stem = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      for (const [i, page] of openedPages.entries()) {
        const file = path.join(FAILURE_DIR, `${stem}-${i + 1}.png`);
        try { await page.screenshot({ path: file, fullPage: true }); t.diagnostic(`failure screenshot: ${file}`); } catch { /* page gone */ }
      }
      throw error;
    }
  });
}

export async function openPage(browser, { base = BASE, viewport = DESKTOP, session = null, key = 'marquee.token', path: start = '/' } = {}) {
  const context = await browser.newContext({ viewport, baseURL: base });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  openedPages.push(page);
  page.pageErrors = [];
  page.on('pageerror', (error) => page.pageErrors.push(error.message));
  if (session) {
    // Storage belongs to the origin: visit it (a small file) to write the session, then go.
    await page.goto('/styles.css');
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, JSON.stringify(session)]);
  }
  await page.goto(start);
  return page;
}

export async function screenshot(page, name, { fullPage = false } = {}) {
  mkdirSync(SHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SHOT_DIR, name), fullPage });
}

/** Polls `check` (sync or async, truthy = done) until `timeout` ms; fails with `message`. */
export async function eventually(check, { timeout = 10000, interval = 100, message = 'condition not met in time' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${message} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** The seat button for row/number, whatever its state (its name starts "Row C seat 5,"). */
export function seat(page, row, number) {
  return page.getByRole('button', { name: new RegExp(`^Row ${row} seat ${number},`) });
}

/** The accessible name of a seat, e.g. "Row C seat 5, regular, available". */
export function seatLabel(page, row, number) {
  return seat(page, row, number).getAttribute('aria-label');
}

/** Whether the page scrolls sideways (it must not, at any width). */
export function overflowsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
