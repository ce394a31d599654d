-- Makes the seats whose holds (or unpaid orders) have expired available now, with their `expired`
-- event, instead of whenever the next hold on the show prunes (at most once a second, and only if
-- someone holds): a live seat map (booking/seat_feed.hpp) runs this when it sees an expiry pass.
-- ARGV: none → number of seats made available
if not redis.call('HGET', SHOW, 'init') or not keys_there() then return 0 end
local before = redis.call('ZCOUNT', SEAT_EXP, '(0', now())
prune_seats()
return before
