// "Create show": a movie, a theatre and one of its screens, a start in the theatre's own clock,
// and a price. The start is typed as the theatre's wall-clock time and sent with the theatre's
// UTC offset for that date, so an operator elsewhere still schedules 6 PM local.

import { h, replace, nextId } from '../lib/dom.js';
import { money, showTimeLabel } from '../lib/format.js';
import { withZoneOffset, nowIn, formatOffset } from './timezone.js';

export function createShowForm(ctx, { onCreated }) {
  const ids = { movie: nextId('movie'), theatre: nextId('theatre'), screen: nextId('screen'), start: nextId('start'), price: nextId('price'), startHint: nextId('start-hint') };
  const movie = h('select', { id: ids.movie, required: true }, h('option', { value: '' }, 'Loading movies…'));
  const theatre = h('select', { id: ids.theatre, required: true }, h('option', { value: '' }, 'Loading theatres…'));
  const screen = h('select', { id: ids.screen, required: true }, h('option', { value: '' }, 'Choose a theatre first'));
  const start = h('input', { id: ids.start, type: 'datetime-local', required: true, 'aria-describedby': ids.startHint });
  const startHint = h('p', { id: ids.startHint, class: 'hint' }, 'In the theatre’s local time.');
  const price = h('input', { id: ids.price, type: 'number', min: '1', step: '0.01', inputmode: 'decimal', required: true, value: '250' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Create show');
  const done = h('p', { role: 'status', class: 'success' });
  const formError = h('p', { class: 'form-error' });
  const form = h('form', { class: 'stack', novalidate: true, 'aria-labelledby': 'create-heading' },
    h('div', { class: 'two-col' },
      h('div', { class: 'field' }, h('label', { for: ids.movie }, 'Movie'), movie),
      h('div', { class: 'field' }, h('label', { for: ids.theatre }, 'Theatre'), theatre),
      h('div', { class: 'field' }, h('label', { for: ids.screen }, 'Screen'), screen),
      h('div', { class: 'field' }, h('label', { for: ids.start }, 'Starts at'), startHint, start),
      h('div', { class: 'field' }, h('label', { for: ids.price }, 'Price per seat (₹)'), price)),
    formError,
    submit,
    done);
  const element = h('section', { class: 'card', 'aria-labelledby': 'create-heading' },
    h('h2', { id: 'create-heading' }, 'Create a show'), form);

  let theatres = [];
  const currentTheatre = () => theatres.find((t) => t.theatreId === theatre.value);

  async function load() {
    const [movies, venues] = await Promise.all([allMovies(), ctx.api.get('/api/v1/admin/theatres')]);
    if (!ctx.isCurrent()) return;
    theatres = venues.items;
    replace(movie, h('option', { value: '' }, 'Choose a movie'),
      movies.sort((a, b) => a.title.localeCompare(b.title)).map((m) => h('option', { value: m.movieId }, m.title)));
    replace(theatre, h('option', { value: '' }, 'Choose a theatre'),
      theatres.map((t) => h('option', { value: t.theatreId }, `${t.name}, ${t.city}`)));
    fillScreens();
  }

  /** The movies shows may be scheduled for, upcoming releases included (pre-sales). */
  async function allMovies() {
    return (await ctx.api.get('/api/v1/admin/movies')).items;
  }

  function fillScreens() {
    const t = currentTheatre();
    if (!t) {
      replace(screen, h('option', { value: '' }, 'Choose a theatre first'));
      startHint.textContent = 'In the theatre’s local time.';
      return;
    }
    replace(screen, h('option', { value: '' }, 'Choose a screen'),
      t.screens.map((s) => h('option', { value: s.screenId }, `${s.screenName} (${s.screenType || 'Standard'}, ${s.totalSeats} seats)`)));
    const zone = t.timezone || 'Asia/Kolkata';
    const nowLocal = nowIn(zone);
    start.min = nowLocal;
    let offset = '';
    try { offset = withZoneOffset(nowLocal, zone).slice(-6); } catch { offset = formatOffset(0); }
    startHint.textContent = `In the theatre’s local time (${zone}, UTC${offset} now).`;
  }
  theatre.addEventListener('change', fillScreens);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    done.textContent = '';
    formError.textContent = '';
    const t = currentTheatre();
    const problems = [];
    if (!movie.value) problems.push([movie, 'Choose a movie.']);
    if (!t) problems.push([theatre, 'Choose a theatre.']);
    if (!screen.value) problems.push([screen, 'Choose a screen.']);
    if (!start.value) problems.push([start, 'Enter the date and time the show starts.']);
    // Judged on the text as typed: 19.99 * 100 is not 1999 in binary floating point.
    const typedPrice = price.value.trim();
    const amount = Number(typedPrice);
    if (!/^\d+(\.\d{1,2})?$/.test(typedPrice) || !(amount > 0)) problems.push([price, 'Enter a price above zero with at most two decimals.']);
    for (const el of [movie, theatre, screen, start, price]) el.removeAttribute('aria-invalid');
    if (problems.length) {
      for (const [el] of problems) el.setAttribute('aria-invalid', 'true');
      formError.textContent = problems.map(([, text]) => text).join(' ');
      problems[0][0].focus();
      return;
    }
    const startTime = withZoneOffset(start.value, t.timezone || 'Asia/Kolkata');
    submit.disabled = true;
    try {
      const created = await ctx.api.post('/api/v1/admin/shows', {
        body: { movieId: movie.value, screenId: screen.value, startTime, price: amount },
      });
      const screenName = (t.screens.find((s) => s.screenId === created.screenId) || {}).screenName || '';
      done.textContent = `Show created: ${movie.selectedOptions[0].textContent} at ${t.name}, ${screenName}, ${showTimeLabel(created.startTime)}, ${money(created.price)} a seat.`;
      onCreated(created);
    } catch (err) {
      ctx.alerts.show(err);
    } finally {
      submit.disabled = false;
    }
  });

  return { element, load };
}
