// Two people on one show: what one does appears on the other's open seat map (the live stream),
// without a reload — a hold, and then its release.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, createCatalogue, signIn, unique, seat, seatLabel, browserTest } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

browserTest("one customer's hold and release show up on another's open seat map", async () => {
  const cat = await createCatalogue({ rows: 4, seats: 8 });
  const path = `/#/shows/${cat.show.showId}`;
  const a = await openPage(browser, { session: await signIn(unique('Anil')), path });
  const b = await openPage(browser, { session: await signIn(unique('Bina')), path });
  await a.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();
  await b.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();
  // B's stream is open once it says so (its first event is the whole map).
  await b.getByText('Live: seats update as others book.').waitFor();

  // B has A3 picked when A takes it: B's selection drops it, and B is told.
  await seat(b, 'A', 3).click();
  assert.equal(await seat(b, 'A', 3).getAttribute('aria-pressed'), 'true');

  await seat(a, 'A', 3).click();
  await seat(a, 'A', 4).click();
  await a.getByRole('button', { name: 'Hold 2 seats' }).click();
  await a.getByRole('heading', { name: 'Your seats are held' }).waitFor();

  const started = Date.now();
  await b.getByRole('button', { name: 'Row A seat 4, regular, held by someone else' }).waitFor({ timeout: 10000 });
  await b.getByRole('button', { name: 'Row A seat 3, regular, held by someone else' }).waitFor({ timeout: 3000 });
  const lag = Date.now() - started;
  assert.ok(lag < 10000, `B saw the hold after ${lag} ms`);
  await b.getByText('Seat A3 was just taken by someone else and removed from your selection.').waitFor();
  assert.equal(await seat(b, 'A', 3).getAttribute('aria-pressed'), 'false');
  assert.ok(await seat(b, 'A', 3).isDisabled());

  // A lets go: B sees the seats free again, still without reloading.
  await a.getByRole('button', { name: 'Release seats' }).click();
  await a.getByRole('button', { name: 'Hold seats' }).waitFor();
  await b.getByRole('button', { name: 'Row A seat 3, regular, available' }).waitFor({ timeout: 10000 });
  assert.equal(await seatLabel(b, 'A', 4), 'Row A seat 4, regular, available');
  assert.ok(await seat(b, 'A', 4).isEnabled());
  assert.deepEqual([...a.pageErrors, ...b.pageErrors], []);
});
