-- The waiting room's queue (docs/api-notes.md, "Waiting room"): take a place, or ask after one.
-- ARGV: 'join' | 'poll' | 'leave', user, how long a place lasts without a poll (ms), seats in the show
--   [, leave: the place's number]
-- → {'OPEN'} (the room is off: hold directly) | {'ADMITTED', number, admission expires ms, seats free}
--   | {'WAITING', number, places ahead, places in the queue, admissions a second, opens ms or '-',
--      seats free}
--   | {'GONE'} (poll: no place, given up or never taken) | {'REBUILD'} | {'NOT_BOOKABLE'}
--
-- Places are numbered in arrival order (ROOM's `seq`); QUEUE holds user → number, so a user has one
-- place per show and the head is the lowest number. Admission is decided here, by whoever calls
-- next, never by a timer: since the queue was last seen empty (or the settings changed) at `start`,
-- at most floor((now - start) × rate / 1000) places are admitted, in exact queue order. Credit never
-- piles up while nobody waits. And since admissions happen in batches (at calls), a batch is also
-- capped so that the last eleven 100-ms slots (ROOM's `w`, "slot:count …") never hold more than the
-- rate: no window of one second, wherever it falls, admits more than the rate.
if ARGV[1] == 'leave' then
  -- Leaving gives the place up at once (and its admission, if not used yet): the place the ticket
  -- stands for (ARGV[5], its number), not a newer one the same user took since.
  local user, number = ARGV[2], ARGV[5]
  if redis.call('ZSCORE', QUEUE, user) == number then
    redis.call('ZREM', QUEUE, user)
    redis.call('ZREM', SEEN, user)
  end
  if string.match(redis.call('HGET', ADMITTED, user) or '', '^(%d+):') == number then
    redis.call('HDEL', ADMITTED, user)
  end
  return {'GONE'}
end
local problem = check_show()
if problem then return {problem} end
local mode, user, place_ttl, seats_total = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
-- Seats neither held nor sold (both have an expiry score after now): a queue can tell people it is
-- sold out (for now: an expiring hold frees seats again).
local function seats_free()
  return math.max(0, seats_total - redis.call('ZCOUNT', SEAT_EXP, '(' .. now(), '+inf'))
end
local settings = redis.call('HMGET', SHOW, 'room', 'room_rate', 'room_opens', 'room_ttl')
if settings[1] ~= '1' then return {'OPEN'} end
local rate, opens, admission_ttl = tonumber(settings[2]), tonumber(settings[3]), tonumber(settings[4])
local MAX_ADMITTED_PER_CALL = 1000

-- Places nobody asked after for place_ttl are given up (bounded work per call).
local stale = redis.call('ZRANGEBYSCORE', SEEN, '-inf', now() - place_ttl, 'LIMIT', 0, 200)
if #stale > 0 then
  redis.call('ZREM', QUEUE, unpack(stale))
  redis.call('ZREM', SEEN, unpack(stale))
end

local counters = redis.call('HMGET', ROOM, 'start', 'admitted')
local start, admitted = tonumber(counters[1]), tonumber(counters[2]) or 0
if opens and (not start or start < opens) then start = opens end
if redis.call('ZCARD', QUEUE) == 0 or not start then
  -- Nobody waiting: admission counts from now (or from the opening).
  start, admitted = math.max(now(), opens or 0), 0
  redis.call('HSET', ROOM, 'start', start, 'admitted', 0)
elseif now() > start then
  local due = math.floor((now() - start) * rate / 1000) - admitted
  local slot, recent, window = math.floor(now() / 100), 0, {}
  for s, n in string.gmatch(redis.call('HGET', ROOM, 'w') or '', '(%d+):(%d+)') do
    if tonumber(s) > slot - 11 then
      window[#window + 1] = s .. ':' .. n
      recent = recent + tonumber(n)
    end
  end
  due = math.min(due, rate - recent)
  if due > 0 then
    local heads = redis.call('ZPOPMIN', QUEUE, math.min(due, MAX_ADMITTED_PER_CALL))
    for k = 1, #heads, 2 do
      redis.call('HSET', ADMITTED, heads[k], heads[k + 1] .. ':' .. (now() + admission_ttl))
      redis.call('ZREM', SEEN, heads[k])
    end
    redis.call('HSET', ROOM, 'admitted', admitted + #heads / 2)
    if #heads > 0 then window[#window + 1] = slot .. ':' .. (#heads / 2) end
    redis.call('HSET', ROOM, 'w', table.concat(window, ' '))
    redis.call('HINCRBY', ROOM, 'admitted_total', #heads / 2)
  end
end

local granted = redis.call('HGET', ADMITTED, user)
if granted then
  local number, expires = string.match(granted, '^(%d+):(%d+)$')
  if tonumber(expires) > now() then
    expire_room_keys()
    return {'ADMITTED', number, expires, seats_free()}
  end
  redis.call('HDEL', ADMITTED, user)  -- unused and expired: the user may queue again
end
local number = redis.call('ZSCORE', QUEUE, user)
if not number then
  if mode ~= 'join' then return {'GONE'} end
  number = redis.call('HINCRBY', ROOM, 'seq', 1)
  redis.call('ZADD', QUEUE, number, user)
end
redis.call('ZADD', SEEN, now(), user)
expire_room_keys()  -- (after the writes: a key emptied before and written again here gets its expiry)
return {'WAITING', tostring(number), redis.call('ZRANK', QUEUE, user), redis.call('ZCARD', QUEUE), rate,
  opens and tostring(opens) or '-', seats_free()}
