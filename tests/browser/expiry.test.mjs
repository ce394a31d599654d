// A hold that runs out on screen (against the server with an 8-second hold): the countdown
// reaches zero, the page says the seats were released, and the map shows them free again.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SHORT_HOLD_BASE, launch, openPage, createCatalogue, signIn, unique, seat, browserTest, eventually } from './helpers.mjs';

let browser;
before(async () => { if (SHORT_HOLD_BASE) browser = await launch(); });
after(async () => { await browser?.close(); });

browserTest('a hold that expires on screen releases the seats', { skip: !SHORT_HOLD_BASE && 'MARQUEE_SHORT_HOLD_URL is not set' }, async () => {
  const base = SHORT_HOLD_BASE;
  const cat = await createCatalogue({ base, rows: 3, seats: 6 });
  const page = await openPage(browser, { base, session: await signIn(unique('Kiran'), { base }), path: `/#/shows/${cat.show.showId}` });
  await page.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();
  await page.getByText('Live: seats update as others book.').waitFor();

  await seat(page, 'B', 2).click();
  await seat(page, 'B', 3).click();
  await page.getByRole('button', { name: 'Hold 2 seats' }).click();
  await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
  assert.match(await page.getByRole('timer').textContent(), /^00:0\d$/);
  // Under a minute left from the start: the polite live region says so.
  await page.getByText('One minute left to complete your booking.').waitFor({ state: 'attached' });

  const expired = page.getByRole('alert').filter({ hasText: 'Your hold has expired — the seats have been released' });
  await expired.waitFor({ timeout: 15000 });
  assert.equal(await page.getByRole('heading', { name: 'Your seats are held' }).count(), 0);

  // The server frees the seats as the hold lapses; the stream (or the refresh) brings that here.
  await page.getByRole('button', { name: 'Row B seat 2, regular, available' }).waitFor({ timeout: 10000 });
  await page.getByRole('button', { name: 'Row B seat 3, regular, available' }).waitFor({ timeout: 3000 });
  assert.equal(await seat(page, 'B', 2).getAttribute('aria-pressed'), 'false');
  assert.ok(await page.getByRole('button', { name: 'Hold seats' }).isDisabled());

  // The seats can be picked again.
  await seat(page, 'B', 2).click();
  await eventually(async () => (await seat(page, 'B', 2).getAttribute('aria-pressed')) === 'true', { message: 'B2 selectable again' });
  assert.deepEqual(page.pageErrors, []);
});
