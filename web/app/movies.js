// The movie lists: "Trending" (by rating) and "Recommended" (newest first), as ARIA tabs, each
// paging with the server's cursor behind a "Load more" button.

import { h, replace, nextId } from '../lib/dom.js';
import { duration } from '../lib/format.js';
import { poster } from './poster.js';

const TABS = [
  { category: 'trending', label: 'Trending' },
  { category: 'recommended', label: 'Recommended' },
];

// The chosen tab survives going to a movie and back within the visit.
let chosen = sessionStorage.getItem('marquee.moviesTab') || 'trending';

export async function renderMovies(container, ctx) {
  const serial = ctx.serial;
  const tabList = h('div', { role: 'tablist', 'aria-label': 'Movie lists', class: 'tabs' });
  const panels = {};
  const tabs = {};

  for (const { category, label } of TABS) {
    const tabId = nextId('tab');
    const panelId = nextId('panel');
    tabs[category] = h('button', {
      type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, class: 'tab',
      onclick: () => select(category, false),
      onkeydown: (event) => {
        // Arrow keys move between tabs (the ARIA tabs pattern); Tab goes into the panel.
        if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
        const index = TABS.findIndex((t) => t.category === category);
        const next = TABS[(index + (event.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length];
        select(next.category, true);
      },
    }, label);
    tabList.append(tabs[category]);
    panels[category] = { el: h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'tabpanel' }), loaded: false };
  }

  replace(container,
    h('h1', { class: 'page-title' }, 'Movies'),
    tabList,
    ...Object.values(panels).map((p) => p.el));

  function select(category, focus) {
    chosen = category;
    sessionStorage.setItem('marquee.moviesTab', category);
    for (const { category: c } of TABS) {
      const active = c === category;
      tabs[c].setAttribute('aria-selected', String(active));
      tabs[c].tabIndex = active ? 0 : -1;
      panels[c].el.hidden = !active;
    }
    if (focus) tabs[category].focus();
    if (!panels[category].loaded) {
      panels[category].loaded = true;
      loadList(ctx, category, panels[category].el, serial);
    }
  }

  select(chosen, false);
}

async function loadList(ctx, category, panel, serial) {
  const grid = h('ul', { class: 'movie-grid', role: 'list' });
  const status = h('p', { class: 'muted' }, 'Loading movies…');
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more movies');
  replace(panel, grid, status, more);

  let cursor = null;
  async function page() {
    more.disabled = true;
    try {
      const data = await ctx.api.get('/api/v1/movies', { query: { category, limit: 12, cursor }, auth: false });
      if (!ctx.isCurrent(serial)) return;
      const firstNew = grid.children.length;
      for (const movie of data.items) grid.append(movieCard(movie));
      cursor = data.nextCursor;
      status.textContent = grid.children.length ? '' : 'No movies are showing right now.';
      status.hidden = !!grid.children.length;
      more.hidden = !cursor;
      more.disabled = false;
      // After "Load more", keep the keyboard where the new movies start.
      if (firstNew > 0 && grid.children[firstNew]) grid.children[firstNew].querySelector('a').focus();
    } catch (err) {
      if (!ctx.isCurrent(serial)) return;
      more.disabled = false;
      status.hidden = false;
      status.textContent = "The movies couldn't be loaded.";
      ctx.alerts.show(err);
    }
  }
  more.addEventListener('click', page);
  await page();
}

function movieCard(movie) {
  const facts = [movie.language, movie.format, movie.ageRating, duration(movie.durationMins)].filter(Boolean).join(' · ');
  return h('li', { class: 'movie-card' },
    poster(movie.title),
    h('div', { class: 'movie-card-body' },
      h('h2', { class: 'movie-title' }, h('a', { href: `#/movies/${movie.movieId}` }, movie.title)),
      movie.rating ? h('p', { class: 'rating' }, h('span', { 'aria-hidden': 'true' }, '★ '), h('span', { class: 'visually-hidden' }, 'Rated '), `${movie.rating}/10`) : null,
      h('p', { class: 'muted small' }, facts),
      movie.genres && movie.genres.length ? h('p', { class: 'small' }, movie.genres.join(', ')) : null));
}
