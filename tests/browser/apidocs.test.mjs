// The API reference page: Redoc (vendored from npm) renders docs/openapi.yaml from the server itself,
// under the pages' Content-Security-Policy. Redoc's sidebar asks for its maker's logo from a CDN;
// the policy stops that request in the browser, before it reaches the network: nothing outside the
// server is loaded.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DESKTOP, launch, browserTest, screenshot, eventually } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

browserTest('the API reference renders the OpenAPI document, loading nothing from elsewhere', async () => {
  // A page of our own (not openPage): the listeners must be in place before the first request.
  const context = await browser.newContext({ viewport: DESKTOP, baseURL: BASE });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Every request for something outside the server, and what became of it.
  const outside = new Map();
  const isOutside = (url) => !url.startsWith(BASE) && !url.startsWith('data:') && !url.startsWith('blob:');
  context.on('request', (r) => { if (isOutside(r.url())) outside.set(r.url(), 'sent'); });
  context.on('requestfinished', (r) => { if (isOutside(r.url())) outside.set(r.url(), 'loaded'); });
  context.on('requestfailed', (r) => { if (isOutside(r.url())) outside.set(r.url(), r.failure()?.errorText); });

  await page.goto('/api/docs');
  // Redoc draws the document's title and its operations.
  await page.getByRole('heading', { name: /Marquee API/ }).first().waitFor({ timeout: 20000 });
  await page.getByRole('heading', { name: 'Hold seats (explicit seats or best available)' }).first().waitFor();
  await screenshot(page, '10-api-docs.png');
  await eventually(() => [...outside.values()].every((outcome) => outcome !== 'sent'),
    { message: 'a request outside the server is still open' });
  // Playwright names a request the Content-Security-Policy stopped 'csp' (Chromium: ERR_BLOCKED_BY_CSP).
  for (const [url, outcome] of outside) assert.match(outcome, /^(csp|net::ERR_BLOCKED_BY_CSP)$/, `${url}: ${outcome}`);
  assert.deepEqual(pageErrors, []);
  await context.close();
});
