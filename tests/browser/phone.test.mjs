// A phone-sized screen (375×667): no screen of the flow scrolls sideways (the seat map scrolls
// inside its own box), and seat selection through payment works by keyboard alone.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  PHONE, launch, openPage, createCatalogue, signIn, unique, screenshot, overflowsSideways, browserTest, eventually,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The accessible name (or label text) of the focused element. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return '';
    return el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].textContent) || el.textContent.trim();
  });
}

/** Press Tab until `test(name)` holds for the focused element (at most `limit` presses). */
async function tabTo(page, test, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const name = await focused(page);
    if (test(name)) return name;
  }
  throw new Error(`Tab never reached the element (last: ${await focused(page)})`);
}

async function assertFits(page, what) {
  assert.equal(await overflowsSideways(page), false, `${what} scrolls sideways at 375 px`);
}

browserTest('on a phone nothing scrolls sideways, and seats can be booked by keyboard alone', async () => {
  const cat = await createCatalogue({ rows: 4, seats: 14, aisleAfter: 7 });
  const page = await openPage(browser, { viewport: PHONE, session: await signIn(unique('Meera')) });

  await page.getByRole('heading', { name: 'Movies', level: 1 }).waitFor();
  await page.getByRole('tabpanel').getByRole('listitem').first().waitFor();
  await assertFits(page, 'the movie list');

  await page.goto(`/#/movies/${cat.movie.movieId}`);
  const showButton = page.getByRole('button', { name: /^6:00 PM, Screen 1/ });
  await showButton.waitFor();
  await assertFits(page, 'the movie page');
  await showButton.click();

  await page.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();
  await assertFits(page, 'the seat map page');
  // The map is wider than the phone: it scrolls inside its own box instead.
  const box = page.getByRole('group', { name: 'Seats, front row nearest the screen' });
  assert.ok(await box.evaluate((el) => el.scrollWidth > el.clientWidth), 'the seat map scrolls in its box');
  await screenshot(page, '09-phone-seatmap.png');

  // Keyboard only: Tab to the first seat, Enter picks it; an arrow key moves along the row; Space picks.
  await page.locator('body').focus();
  const first = await tabTo(page, (name) => name.startsWith('Row A seat 1,'));
  assert.equal(first, 'Row A seat 1, regular, available');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'Row A seat 1, regular, selected');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(page), 'Row A seat 2, regular, available');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'Row A seat 3, regular, available');
  await page.keyboard.press('Space');
  assert.equal(await focused(page), 'Row A seat 3, regular, selected');
  await page.getByText('2 seats: A1 and A3').waitFor();

  await tabTo(page, (name) => name === 'Hold 2 seats', 120);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
  await assertFits(page, 'the hold and details form');

  // The details, typed; Enter submits.
  await tabTo(page, (name) => name === 'Full name', 10);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Meera Iyer');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('meera@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('9876543210');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Review and pay' }).waitFor();
  await assertFits(page, 'the payment page');

  await tabTo(page, (name) => name === 'Pay ₹500', 20);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Your ticket' }).waitFor();
  await assertFits(page, 'the ticket');

  await page.goto('/#/orders');
  await page.getByRole('heading', { name: 'My orders', level: 1 }).waitFor();
  await eventually(() => page.getByText('Confirmed').first().isVisible(), { message: 'the order is listed' });
  await assertFits(page, 'my orders');
  assert.deepEqual(page.pageErrors, []);
});
