-- Shared by every seat script, prepended to each: key names, Redis's clock, and the helpers that
-- keep seats and holds consistent. KEYS are always the twelve keys described in seat_store.hpp.
local SHOW, SOLD, SEATS, SEAT_EXP, HOLDS, USER_HOLDS, HOLD_EXP = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
-- The waiting room's (seat_store.hpp): admissions granted, the queue, when each place last polled,
-- and the room's counters. Its settings are fields of SHOW (room, room_rate, room_opens, room_auto,
-- room_ttl, room_v), rebuilt from PostgreSQL with the rest of the show's state.
local ADMITTED, QUEUE, SEEN, ROOM = KEYS[8], KEYS[9], KEYS[10], KEYS[11]
-- The show's seat events (a Redis stream), read by the live seat maps (booking/seat_feed.hpp).
local EVENTS = KEYS[12]
-- Every key but SHOW holds a sentinel entry from the moment resync.lua builds the show's state: no
-- key is ever emptied (and so deleted, losing its expiry), and a key that is missing was lost. The
-- sentinel is '#' (no seat or hold id looks like it; in USER_HOLDS the empty user, which no token
-- has), with score 0 in the sorted sets: below any instant, so no range from "now" sees it.
local MARK = '#'
local USER_MARK = ''
-- Sold seats are also in SEAT_EXP with this score (far past any expiry), so one ZCOUNT from now
-- counts held and sold seats together. Must match kSoldScore in seat_store.cpp.
local SOLD_SCORE = 9000000000000000
-- Redis's clock in ms, asked once per script and only by scripts that need it (a call costs as
-- much as a small command).
local clock_ms = nil
local function now()
  if not clock_ms then
    local t = redis.call('TIME')
    clock_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return clock_ms
end

-- Every visible change of the seat map goes to the show's event stream, in the order the changes
-- happen: which seats became held, available again or sold, and why (`cause`: held, released,
-- expired, sold, freed; `reset` when the whole state was rebuilt and only a full map will do). A
-- reader applies available, then held, then sold. The stream keeps about the last 1,000 events: a
-- reader that missed older ones gets the whole map again, never a gap.
local EVENTS_KEPT = 1000
-- The event is stored as the JSON the stream's clients get: {cause, held, available, sold}, empty
-- lists left out.
local function emit(cause, held, available, sold)
  local e = {cause = cause}
  if held and #held > 0 then e.held = held end
  if available and #available > 0 then e.available = available end
  if sold and #sold > 0 then e.sold = sold end
  if not (e.held or e.available or e.sold) and cause ~= 'reset' then return end
  redis.call('XADD', EVENTS, 'MAXLEN', '~', EVENTS_KEPT, '*', 'e', cjson.encode(e))
  -- (Its expiry is set with the other keys' by every rebuild, which also writes the stream's first
  -- event; a stream that was lost makes the state incomplete (keys_there), so it is rebuilt, not
  -- written again here without an expiry.)
end

-- The seats of `seats` that are not in `minus`.
local function without(seats, minus)
  local skip, out = {}, {}
  for _, seat in ipairs(minus) do skip[seat] = true end
  for _, seat in ipairs(seats) do
    if not skip[seat] then out[#out + 1] = seat end
  end
  return out
end

-- When the show's expired entries were last pruned (ms); check_show() reads it with the state.
local pruned_at = nil
-- Expired entries are harmless (every reader compares expiries with now), so they are forgotten at
-- most once a second per show, unless the last prune found more than one batch could take.
local PRUNE_EVERY_MS = 1000
local PRUNE_SEATS, PRUNE_HOLDS = 500, 100

-- Forgets seats whose owner expired (they are available again: an `expired` event). Returns
-- whether that was all of them.
local function prune_seats()
  local seats = redis.call('ZRANGEBYSCORE', SEAT_EXP, '(0', now(), 'LIMIT', 0, PRUNE_SEATS)
  if #seats > 0 then
    redis.call('HDEL', SEATS, unpack(seats))
    redis.call('ZREM', SEAT_EXP, unpack(seats))
    emit('expired', nil, seats)
  end
  return #seats < PRUNE_SEATS
end

-- Forget seats whose owner expired and hold records past their retention (bounded work per call).
local function prune()
  if pruned_at == nil then pruned_at = tonumber(redis.call('HGET', SHOW, 'pruned')) or 0 end
  if now() - pruned_at < PRUNE_EVERY_MS then return end
  local all_seats = prune_seats()
  local ids = redis.call('ZRANGEBYSCORE', HOLD_EXP, '(0', now(), 'LIMIT', 0, PRUNE_HOLDS)
  for _, id in ipairs(ids) do
    local raw = redis.call('HGET', HOLDS, id)
    if raw then
      local user = cjson.decode(raw).u
      if redis.call('HGET', USER_HOLDS, user) == id then redis.call('HDEL', USER_HOLDS, user) end
    end
  end
  if #ids > 0 then
    redis.call('HDEL', HOLDS, unpack(ids))
    redis.call('ZREM', HOLD_EXP, unpack(ids))
  end
  if all_seats and #ids < PRUNE_HOLDS then redis.call('HSET', SHOW, 'pruned', now()) end
end

-- Every change to who holds or owns a seat bumps the show's version, so a reader that cached the
-- seat map can tell with one HMGET whether it is still current.
-- The version is Redis's time and a counter: after Redis is put back to an older copy of itself, no
-- later change can bring back a version a reader remembers with other seats.
local function touch()
  redis.call('HSET', SHOW, 'v', now() .. '.' .. redis.call('HINCRBY', SHOW, 'vn', 1))
end

-- Whether the show's state is whole: built from PostgreSQL (init) and every other key still holding
-- its sentinel. A key that was lost, or lost and then written again by a script, fails this.
local function state_whole()
  return redis.call('HGET', SHOW, 'init') ~= false
    and redis.call('SISMEMBER', SOLD, MARK) == 1
    and redis.call('HEXISTS', SEATS, MARK) == 1
    and redis.call('ZSCORE', SEAT_EXP, MARK) ~= false
    and redis.call('HEXISTS', HOLDS, MARK) == 1
    and redis.call('HEXISTS', USER_HOLDS, USER_MARK) == 1
    and redis.call('ZSCORE', HOLD_EXP, MARK) ~= false
    and redis.call('EXISTS', EVENTS) == 1
end

-- Order changes PostgreSQL committed arrive here each with the seat version it gave them (migration
-- 007). A change the last rebuild already had (at or below its `base`) is not applied again;
-- any other is applied and counted, and the newest version seen is kept (`maxv`), so a rebuild
-- can tell whether a change newer than its snapshot landed before it.
local function already_rebuilt(v)
  return v <= (tonumber(redis.call('HGET', SHOW, 'base')) or 0)
end

local function applied(v)
  redis.call('HINCRBY', SHOW, 'applied', 1)
  if v > (tonumber(redis.call('HGET', SHOW, 'maxv')) or 0) then redis.call('HSET', SHOW, 'maxv', v) end
end

-- The prologue of the scripts that follow a committed order change: nothing is done on a damaged
-- state (the seat reconciler rebuilds it, the change included) or for a change already in it.
local function should_apply(v)
  return state_whole() and not already_rebuilt(v)
end

-- A hold that an order is being written for: its seats stay its own until the claim ends, whatever
-- the hold's own expiry, and nobody else may change, release or replace it meanwhile.
local function claimed(h)
  return h.c ~= nil and h.c > now()
end

-- The show's state must be there, whole: a key that is missing was lost (every key but SHOW holds a
-- sentinel), and the state is rebuilt from PostgreSQL before anything is decided on it.
-- Whether all six keys besides SHOW, and the event stream, are there: one EXISTS, not the six
-- sentinels, on the hot path of holds. Every script that writes to a show's keys checks this (or
-- state_whole) first, so a key that was lost cannot come back without its sentinel. (The stream has
-- no sentinel: a rebuild writes its first event. Lost, it is rebuilt with the rest, and its readers
-- get the whole map.)
local function keys_there()
  return redis.call('EXISTS', SOLD, SEATS, SEAT_EXP, HOLDS, USER_HOLDS, HOLD_EXP, EVENTS) == 7
end

-- The waiting room's switch and its auto threshold, as check_show() read them (room_refusal).
local room_on, room_auto = nil, nil

local function check_show()
  local state = redis.call('HMGET', SHOW, 'init', 'cancelled', 'pruned', 'room', 'room_auto')
  if not state[1] or not keys_there() then return 'REBUILD' end
  pruned_at = tonumber(state[3]) or 0
  room_on, room_auto = state[4] == '1', tonumber(state[5])
  if state[2] == '1' then return 'NOT_BOOKABLE' end
  return nil
end

local function load_hold(id)
  local raw = redis.call('HGET', HOLDS, id)
  if not raw then return nil end
  local h = cjson.decode(raw)
  if h.st == 'HELD' and h.e <= now() then h.st = 'EXPIRED' end
  return h
end

local function save_hold(id, h)
  redis.call('HSET', HOLDS, id, cjson.encode(h))
end

local function live_owner(seat)
  local expires = redis.call('ZSCORE', SEAT_EXP, seat)
  if expires and tonumber(expires) > now() then return redis.call('HGET', SEATS, seat) end
  return false
end

-- The seats of `wanted` that are sold, or owned by anyone but `mine` (a hold id, or false).
local function taken_seats(wanted, mine)
  local taken = {}
  for _, seat in ipairs(wanted) do
    if redis.call('SISMEMBER', SOLD, seat) == 1 then
      taken[#taken + 1] = seat
    else
      local owner = live_owner(seat)
      if owner and owner ~= mine then taken[#taken + 1] = seat end
    end
  end
  return taken
end

-- Frees only the seats that still belong to `owner`: never someone else's. Returns those it freed.
local function free_seats(owner, seats)
  local freed = {}
  for _, seat in ipairs(seats) do
    if redis.call('HGET', SEATS, seat) == owner then
      redis.call('HDEL', SEATS, seat)
      redis.call('ZREM', SEAT_EXP, seat)
      freed[#freed + 1] = seat
    end
  end
  return freed
end

local function lock_seats(owner, seats, expires)
  for _, seat in ipairs(seats) do
    redis.call('HSET', SEATS, seat, owner)
    redis.call('ZADD', SEAT_EXP, expires, seat)
  end
end

local function args_from(first)
  local list = {}
  for i = first, #ARGV do list[#list + 1] = ARGV[i] end
  return list
end

-- The user's current hold on the show when a new hold may replace it (HELD and not being ordered):
-- its id and record, and its seats count as free for the new hold. Otherwise false.
local function replaceable_hold(user)
  local previous = redis.call('HGET', USER_HOLDS, user)
  local old = previous and load_hold(previous)
  if old and old.st == 'HELD' and not claimed(old) then return previous, old end
  return false, nil
end

-- Gives `seats` (free, or the replaced hold's) to a new hold `id` of `user`, releasing the hold it
-- replaces (`mine`, `old` from replaceable_hold). Returns the new hold's expiry.
local function grant_hold(user, id, ttl, retention, seats, mine, old, admitted)
  local freed = {}
  if mine then
    freed = without(free_seats(mine, old.s), seats)
    old.st = 'RELEASED'
    save_hold(mine, old)
  end
  local expires = now() + ttl
  lock_seats(id, seats, expires)
  save_hold(id, {u = user, s = seats, e = expires, st = 'HELD', r = admitted or nil})
  redis.call('ZADD', HOLD_EXP, expires + retention, id)
  redis.call('HSET', USER_HOLDS, user, id)
  touch()
  emit('held', seats, freed)
  return expires
end

-- The waiting room's settings from PostgreSQL's waiting_rooms row, "version enabled(0/1) rate
-- opens_ms auto ttl_ms" ('-' for none): applied when newer than what SHOW has. A room that turned
-- itself on (room_refusal) keeps its version, so a rebuild from the same row leaves it on.
local function apply_room(spec)
  local f = {}
  for w in string.gmatch(spec, '%S+') do f[#f + 1] = w end
  if #f < 6 or tonumber(f[1]) <= (tonumber(redis.call('HGET', SHOW, 'room_v')) or 0) then return false end
  redis.call('HSET', SHOW, 'room_v', f[1], 'room', f[2], 'room_rate', f[3], 'room_opens', f[4], 'room_auto', f[5],
    'room_ttl', f[6])
  -- Admission starts counting afresh at the new rate (no credit from before).
  redis.call('HSET', ROOM, 'start', now(), 'admitted', 0)
  return true
end

-- The room's keys live as long as the show's state (every rebuild sets SHOW's expiry).
local function expire_room_keys()
  local at = redis.call('PEXPIRETIME', SHOW)
  if at > 0 then
    for _, key in ipairs({ADMITTED, QUEUE, SEEN, ROOM}) do redis.call('PEXPIREAT', key, at) end
  end
end

-- While the show's waiting room is on, a new hold needs the user's admission (its number, from the
-- signed admission the API checked, or '!' and the API's objection), which it uses up
-- (use_admission) when it is granted. A hold made without the room cannot be changed while it is on. Returns
-- nil to go ahead, or the refusal. A room set to turn itself on above `room_auto` holds a second
-- counts them here, and the request that crosses the line is the first to need an admission.
-- Call after check_show(), which read the room's settings.
local function room_refusal(user, admission)
  if not room_on then
    local auto = room_auto
    if not auto then return nil end
    local second = math.floor(now() / 1000)
    local window = redis.call('HMGET', ROOM, 'auto_sec', 'auto_n')
    local n = tonumber(window[1]) == second and tonumber(window[2]) + 1 or 1
    redis.call('HSET', ROOM, 'auto_sec', second, 'auto_n', n)
    if n == 1 then expire_room_keys() end
    if n <= auto then return nil end
    redis.call('HSET', SHOW, 'room', '1')
    redis.call('HSET', ROOM, 'start', now(), 'admitted', 0)
    room_on = true
  end
  if admission == '' then return 'ADMISSION_REQUIRED' end
  -- The API found the admission forged, another's or expired: it says so only when it matters.
  if string.sub(admission, 1, 1) == '!' then return 'ADMISSION_' .. string.sub(admission, 2) end
  local granted = redis.call('HGET', ADMITTED, user)
  local number, expires = string.match(granted or '', '^(%d+):(%d+)$')
  if number ~= admission then return 'ADMISSION_INVALID' end
  if tonumber(expires) <= now() then return 'ADMISSION_EXPIRED' end
  return nil
end

-- Whether the hold about to be granted goes through the room (its record says so: `r`, which
-- lets it be changed while the room is on).
local function use_admission(user)
  if not room_on then return false end
  redis.call('HDEL', ADMITTED, user)
  return true
end
