// A countdown to a server instant (a hold's or an order's expiresAt), ticking four times a second
// so the display never lags a whole second behind, using the server's clock where the browser's
// is clearly off.

import { serverNow } from '../lib/api.js';

/** Calls onTick(secondsLeft) until the instant, then onExpire() once. Returns stop(). */
export function startCountdown(expiresAt, { onTick = () => {}, onExpire = () => {} }) {
  const deadline = Date.parse(expiresAt);
  let done = false;
  function tick() {
    if (done) return;
    const left = (deadline - serverNow()) / 1000;
    onTick(Math.max(0, left));
    if (left <= 0) {
      done = true;
      clearInterval(timer);
      onExpire();
    }
  }
  const timer = setInterval(tick, 250);
  tick();
  return () => { done = true; clearInterval(timer); };
}
