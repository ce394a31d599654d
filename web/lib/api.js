// The API client: one place that adds the token, speaks JSON, and turns every failure — the
// error envelope, a proxy's HTML page, a dropped connection — into an ApiError with a code, so
// views never see a raw Response or a stack trace.

export class ApiError extends Error {
  constructor(status, code, message, { retryAfter = null } = {}) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// Codes for answers that did not come with the envelope (a gateway's own error page, say).
const CODE_BY_STATUS = {
  400: 'VALIDATION_ERROR', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT',
  429: 'RATE_LIMITED', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE', 504: 'GATEWAY_TIMEOUT',
};

// Server time minus browser time, from the Date header; used only when the browser's clock is
// clearly off, since the header has whole seconds (see serverNow).
let clockSkewMs = 0;

/** Date.now() as the server sees it, for countdowns to the server's expiresAt. */
export function serverNow() {
  return Date.now() + (Math.abs(clockSkewMs) > 3000 ? clockSkewMs : 0);
}

/**
 * createApi({getToken, onUnauthorized}) → {get, post, patch, put, del}.
 * Each takes (path, {body, query, auth}) and resolves to the parsed JSON body.
 * `onUnauthorized(error)` runs on a 401 to a request that carried a token (the session ended).
 */
export function createApi({ getToken = () => null, onUnauthorized = () => {} } = {}) {
  async function request(method, path, { body, query, auth = true, signal } = {}) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, value);
    }
    const headers = { Accept: 'application/json' };
    const token = auth ? getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response;
    try {
      response = await fetch(url, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', "Can't reach Marquee");
    }

    const date = Date.parse(response.headers.get('Date') || '');
    if (Number.isFinite(date)) clockSkewMs = date - Date.now();

    const text = await response.text().catch(() => '');
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }

    if (response.ok) return data;

    const envelope = data && data.error ? data.error : {};
    const retry = Number(response.headers.get('Retry-After'));
    const error = new ApiError(
      response.status,
      envelope.code || CODE_BY_STATUS[response.status] || (response.status >= 500 ? 'INTERNAL' : 'ERROR'),
      envelope.message || response.statusText,
      { retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null },
    );
    if (response.status === 401 && token) onUnauthorized(error);
    throw error;
  }

  return {
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    patch: (path, options) => request('PATCH', path, options),
    put: (path, options) => request('PUT', path, options),
    del: (path, options) => request('DELETE', path, options),
  };
}

/**
 * A page's client for a signed-in `session` (lib/session.js): requests carry its token, and a 401
 * (the server no longer accepts it) clears the session and calls `ended` on the next turn, so the
 * failing view's own catch runs against a page that is already leaving for the sign-in.
 */
export function createSessionApi(session, ended) {
  return createApi({
    getToken: () => session.token,
    onUnauthorized: () => {
      session.clear();
      setTimeout(ended, 0);
    },
  });
}
