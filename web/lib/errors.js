// Every API error in plain words, chosen by its code: people should learn what happened and what
// to do next, never see "409" or a stack trace. The server's own message is used where it carries
// the specifics (which seats, which field).

import { listWords } from './format.js';

/** The seats named in "Seats already taken: A1, A2" (empty when the message names none). */
export function seatsInMessage(message) {
  const match = /:\s*([A-Z]{1,5}\d{1,3}(?:\s*,\s*[A-Z]{1,5}\d{1,3})*)\s*$/.exec(message || '');
  return match ? match[1].split(/\s*,\s*/) : [];
}

/** A sentence for `error` (an ApiError or anything thrown). */
export function describeError(error) {
  const code = error && error.code;
  const message = (error && error.message) || '';
  switch (code) {
    case 'NETWORK':
      return "We can't reach Marquee right now. Check your connection and try again.";
    case 'SEATS_UNAVAILABLE': {
      const seats = seatsInMessage(message);
      if (seats.length) {
        return `Sorry, someone just took ${seats.length === 1 ? 'seat' : 'seats'} ${listWords(seats)} — pick others.`;
      }
      if (/adjacent/i.test(message)) {
        return `Sorry, there aren't that many free seats together in one row (${message}). Try fewer seats, or pick seats yourself.`;
      }
      return 'Sorry, someone just took some of those seats — pick others.';
    }
    case 'HOLD_EXPIRED':
      return 'Your hold has expired — the seats have been released. Please pick your seats again.';
    case 'ORDER_EXPIRED':
      return 'The payment window for this order has passed, so the seats have been released. Please book again.';
    case 'SHOW_NOT_BOOKABLE':
      return "This show can't be booked any more: it has started or it was cancelled.";
    case 'CANCELLATION_NOT_ALLOWED':
      return "This order can't be cancelled: the theatre doesn't allow cancellations, or the show has already started.";
    case 'SHOW_OVERLAP':
      return 'That screen already has a show at that time. Pick another time or screen.';
    case 'INVALID_STATE':
      return `That can't be done now: ${message}.`;
    case 'RATE_LIMITED':
      return error.retryAfter
        ? `You're going a little fast. Please wait ${error.retryAfter} ${error.retryAfter === 1 ? 'second' : 'seconds'} and try again.`
        : "You're going a little fast. Please wait a moment and try again.";
    case 'SERVICE_UNAVAILABLE':
    case 'BAD_GATEWAY':
    case 'GATEWAY_TIMEOUT':
      return 'The service is busy, try again in a moment.';
    case 'UNAUTHORIZED':
      return 'Your session has ended, please sign in again.';
    case 'FORBIDDEN':
      return "You don't have access to this.";
    case 'NOT_FOUND':
      return "We couldn't find that. It may have been removed, or the link is wrong.";
    case 'VALIDATION_ERROR':
      return `Please check your input: ${message}.`;
    case 'ADMISSION_REQUIRED':
    case 'ADMISSION_INVALID':
    case 'ADMISSION_EXPIRED':
      return 'This show is busy and has a queue. Please join the queue to book.';
    case 'QUEUE_PLACE_EXPIRED':
      return 'Your place in the queue has lapsed. Please join the queue again.';
    case 'PAYLOAD_TOO_LARGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'METHOD_NOT_ALLOWED':
    case 'INTERNAL':
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}
