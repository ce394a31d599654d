// A race lost: B picks seats, A holds them first, B presses "Hold" → a plain "someone just took
// seats …" message, and B's map is refreshed to show them taken.
//
// B's live stream is blocked for this test: with it, B's page would drop the seats from the
// selection the moment A takes them (the live test covers that). Blocking it reproduces the case
// where B's view is a moment behind — the request itself must then be refused and explained.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, createCatalogue, signIn, hold, unique, seat, seatLabel, browserTest } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

browserTest('holding seats someone else just took says so plainly and refreshes the map', async () => {
  const cat = await createCatalogue({ rows: 4, seats: 8 });
  const b = await openPage(browser, { session: await signIn(unique('Bina')) });
  await b.route('**/seatmap/stream', (route) => route.abort());
  await b.goto(`/#/shows/${cat.show.showId}`);
  await b.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();

  await seat(b, 'B', 4).click();
  await seat(b, 'B', 5).click();
  await b.getByText('2 seats: B4 and B5').waitFor();

  const a = await signIn(unique('Anil'));
  await hold(BASE, a.token, cat.show.showId, ['B4', 'B5']);

  await b.getByRole('button', { name: 'Hold 2 seats' }).click();
  const alert = b.getByRole('alert').filter({ hasText: 'someone just took' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Sorry, someone just took seats B4 and B5 — pick others\./);

  // The map shows the truth, and the lost seats are no longer selected.
  await b.getByRole('button', { name: 'Row B seat 4, regular, held by someone else' }).waitFor({ timeout: 3000 });
  assert.equal(await seatLabel(b, 'B', 5), 'Row B seat 5, regular, held by someone else');
  assert.equal(await seat(b, 'B', 5).getAttribute('aria-pressed'), 'false');
  assert.ok(await b.getByRole('button', { name: 'Hold seats' }).isDisabled());

  // B can go on with other seats.
  await seat(b, 'C', 4).click();
  await b.getByRole('button', { name: 'Hold 1 seat' }).click();
  await b.getByRole('heading', { name: 'Your seats are held' }).waitFor();
  assert.deepEqual(b.pageErrors, []);
});
