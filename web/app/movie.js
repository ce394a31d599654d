// A movie's page: details, the dates that have shows, a city filter and "Near me", and the
// shows of the chosen date grouped by theatre. Picking a show opens its seat map.

import { h, replace, nextId } from '../lib/dom.js';
import { duration, dateLabel, dateLong, isoDate, money, timeLabel, SHOW_STATUS_WORDS } from '../lib/format.js';
import { serverNow } from '../lib/api.js';
import { poster } from './poster.js';
import { rememberShow } from './showcontext.js';

// Filters are kept per visit so "back" from a seat map returns to the same listing.
const remembered = { movieId: null, date: null, city: '', near: null };

export async function renderMovie(container, ctx, [movieId]) {
  const serial = ctx.serial;
  replace(container, h('p', { class: 'muted' }, 'Loading the movie…'));
  const [movie, availability] = await Promise.all([
    ctx.api.get(`/api/v1/movies/${movieId}`, { auth: false }),
    ctx.api.get(`/api/v1/movies/${movieId}/availability`, { query: { from: isoDate(0), to: isoDate(13) }, auth: false }),
  ]);
  if (!ctx.isCurrent(serial)) return;

  if (remembered.movieId !== movieId) Object.assign(remembered, { movieId, date: null, city: '', near: null });
  const dates = availability.availableDates || [];
  if (!dates.includes(remembered.date)) remembered.date = dates[0] || null;

  const datesBox = h('div', { class: 'date-picker', role: 'group', 'aria-label': 'Dates with shows' });
  const filterStatus = h('p', { class: 'muted small', role: 'status' });
  const showsBox = h('div', { class: 'theatres' });
  const cityId = nextId('city');
  const citySelect = h('select', { id: cityId }, h('option', { value: '' }, 'All cities'));
  const nearButton = h('button', { type: 'button', class: 'button' }, 'Near me');
  const cities = new Set();

  replace(container,
    movieDetails(movie),
    h('section', { class: 'card', 'aria-labelledby': 'shows-heading' },
      h('h2', { id: 'shows-heading' }, 'Book tickets'),
      dates.length
        ? [
          h('h3', { class: 'small-heading' }, 'Pick a date'),
          datesBox,
          h('div', { class: 'filters' },
            h('div', { class: 'field-inline' }, h('label', { for: cityId }, 'City'), citySelect),
            nearButton),
          filterStatus,
          showsBox]
        : h('p', {}, 'There are no shows of this movie in the next two weeks.')));

  if (!dates.length) return;

  for (const date of dates) {
    datesBox.append(h('button', {
      type: 'button', class: 'date-button', 'aria-pressed': String(date === remembered.date),
      'aria-label': dateLong(date), dataset: { date },
      onclick: () => { remembered.date = date; markDate(); loadShows(); },
    }, dateLabel(date)));
  }
  function markDate() {
    for (const b of datesBox.children) b.setAttribute('aria-pressed', String(b.dataset.date === remembered.date));
  }

  citySelect.addEventListener('change', () => {
    remembered.city = citySelect.value;
    remembered.near = null;
    loadShows();
  });

  nearButton.addEventListener('click', () => {
    if (remembered.near) { remembered.near = null; loadShows(); return; }
    if (!('geolocation' in navigator)) {
      filterStatus.textContent = "Your browser can't tell us where you are. Choose a city instead.";
      return;
    }
    filterStatus.textContent = 'Finding where you are…';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        remembered.near = `${latitude.toFixed(4)},${longitude.toFixed(4)}`;
        remembered.city = '';
        loadShows();
      },
      (error) => {
        filterStatus.textContent = error.code === error.PERMISSION_DENIED
          ? 'Location is blocked for this site, so we can’t find theatres near you. Choose a city instead.'
          : 'We couldn’t find where you are. Choose a city instead.';
      },
      { timeout: 10000, maximumAge: 600000 });
  });

  // Only the newest request draws: switching date, city or "Near me" quickly must not let an older
  // answer show theatres for a filter no longer chosen.
  let latestShows = 0;
  async function loadShows() {
    const request = ++latestShows;
    const date = remembered.date;
    nearButton.setAttribute('aria-pressed', String(!!remembered.near));
    replace(showsBox, h('p', { class: 'muted' }, 'Loading shows…'));
    try {
      const data = await ctx.api.get(`/api/v1/movies/${movieId}/shows`, {
        query: { date, city: remembered.near ? '' : remembered.city, near: remembered.near || '' },
        auth: false,
      });
      if (!ctx.isCurrent(serial) || request !== latestShows) return;
      // The select offers every city seen so far (a city filter hides the others from the answer).
      for (const t of data.theatres) cities.add(t.city);
      replace(citySelect, h('option', { value: '' }, 'All cities'),
        [...cities].sort().map((c) => h('option', { value: c, selected: c === remembered.city }, c)));
      filterStatus.textContent = remembered.near
        ? 'Showing theatres within 100 km of you, nearest first. Press “Near me” again to see all.'
        : '';
      renderTheatres(data, date);
    } catch (err) {
      if (!ctx.isCurrent(serial) || request !== latestShows) return;
      replace(showsBox, h('p', {}, 'The shows could not be loaded.'));
      ctx.alerts.show(err);
    }
  }

  function renderTheatres(data, date) {
    if (!data.theatres.length) {
      replace(showsBox, h('p', {}, remembered.near
        ? 'No theatre near you shows this movie on that day.'
        : 'No shows on this day here. Try another date or city.'));
      return;
    }
    replace(showsBox, h('ul', { class: 'theatre-list', role: 'list' }, data.theatres.map((theatre) => {
      const headingId = nextId('theatre');
      return h('li', { class: 'theatre' },
        h('h3', { id: headingId }, theatre.name),
        h('p', { class: 'muted small' },
          // Addresses often end with the city already.
          theatre.address && theatre.address.includes(theatre.city) ? theatre.address : [theatre.address, theatre.city].filter(Boolean).join(', '),
          theatre.distanceKm !== undefined ? ` · ${theatre.distanceKm} km away` : '',
          theatre.cancellationAvailable ? ' · Cancellation available' : ' · No cancellation'),
        h('ul', { class: 'show-buttons', role: 'list', 'aria-labelledby': headingId },
          theatre.shows.map((show) => h('li', {}, showButton(movie, theatre, show, date)))));
    })));
  }

  function showButton(movieData, theatre, show, date) {
    const started = Date.parse(show.startTime) <= serverNow();
    const soldOut = show.status === 'SOLD_OUT';
    const statusWords = started ? 'Started' : (SHOW_STATUS_WORDS[show.status] || show.status);
    const button = h('button', {
      type: 'button',
      class: `show-button status-${String(show.status).toLowerCase()}`,
      disabled: started || soldOut,
      'aria-label': `${timeLabel(show.startTime)}, ${show.screenName}, ${money(show.price)}, ${statusWords}`,
      onclick: () => {
        rememberShow(show.showId, {
          movie: { movieId: movieData.movieId, title: movieData.title },
          theatre: { theatreId: theatre.theatreId, name: theatre.name, city: theatre.city, cancellationAvailable: theatre.cancellationAvailable },
          startTime: show.startTime, screenName: show.screenName, date,
        });
        ctx.navigate(`#/shows/${show.showId}`);
      },
    },
    h('span', { class: 'show-time' }, timeLabel(show.startTime)),
    h('span', { class: 'show-price' }, money(show.price)),
    h('span', { class: 'show-status' }, statusWords));
    return button;
  }

  markDate();
  if (remembered.city) cities.add(remembered.city);
  await loadShows();
}

function movieDetails(movie) {
  const facts = [
    movie.rating ? `★ ${movie.rating}/10` : null,
    duration(movie.durationMins),
    movie.language,
    movie.format,
    movie.ageRating,
    movie.releaseDate ? `Released ${dateLabel(movie.releaseDate)} ${movie.releaseDate.slice(0, 4)}` : null,
  ].filter(Boolean);
  const cast = movie.cast || [];
  const crew = movie.crew || [];
  return h('article', { class: 'movie-detail card' },
    poster(movie.title, { size: 'large' }),
    h('div', { class: 'movie-detail-body' },
      h('p', { class: 'small' }, h('a', { href: '#/' }, '← All movies')),
      h('h1', {}, movie.title),
      h('ul', { class: 'facts', role: 'list', 'aria-label': 'About this movie' }, facts.map((f) => h('li', {}, f))),
      movie.genres && movie.genres.length ? h('p', { class: 'genres' }, movie.genres.join(' · ')) : null,
      movie.about ? [h('h2', { class: 'small-heading' }, 'About'), h('p', {}, movie.about)] : null,
      cast.length ? [h('h2', { class: 'small-heading' }, 'Cast'),
        h('ul', { class: 'people', role: 'list' }, cast.map((p) => h('li', {}, h('strong', {}, p.name), p.role ? ` as ${p.role}` : '')))] : null,
      crew.length ? [h('h2', { class: 'small-heading' }, 'Crew'),
        h('ul', { class: 'people', role: 'list' }, crew.map((p) => h('li', {}, h('strong', {}, p.name), p.role ? ` — ${p.role}` : '')))] : null));
}
