-- Rebuilds what Redis knows of a show's seats from PostgreSQL, the truth: the sold seats, the seats
-- of unpaid orders and whether the show is cancelled, plus the live holds Redis alone knows (from
-- their records), except on seats PostgreSQL gives to an order. Every key gets its sentinel and
-- expires at `expire at`.
-- Modes: 'repair' rebuilds only a state that is missing or damaged (a key lost); 'always' rebuilds
-- whatever is there. Either way it refuses (-1) if an order change newer than the snapshot has
-- already been applied here (it would be undone): the caller reads PostgreSQL again and retries.
-- The state records the snapshot's version as its `base`: a change at or below it, arriving late,
-- is not applied again (lua/prelude.lua, should_apply).
-- ARGV: mode, epoch, cancelled (0/1), PostgreSQL's seat version, expire at (ms), the waiting room's
-- settings (apply_room's form, or ''), number of sold seats, sold seats…, then (seat, owner,
-- expires ms) triples of unpaid orders
-- → 1 rebuilt | 0 nothing to do | -1 retry
local mode, epoch, cancelled, version, expire_at = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5]
if mode == 'repair' and state_whole() then return 0 end
if (tonumber(redis.call('HGET', SHOW, 'maxv')) or 0) > tonumber(version) then return -1 end

local sold = {}
local nsold = tonumber(ARGV[7])
for i = 8, 7 + nsold do sold[#sold + 1] = ARGV[i] end
local ordered = {}  -- seat → {owner, expires}
local i = 8 + nsold
while i + 2 <= #ARGV do
  ordered[ARGV[i]] = {ARGV[i + 1], ARGV[i + 2]}
  i = i + 3
end
local is_sold = {}
for _, seat in ipairs(sold) do is_sold[seat] = true end

-- Live holds keep the seats PostgreSQL leaves free: from their records, which outlive a lost seat key.
local kept = {}
if not cancelled then
  local records = redis.call('HGETALL', HOLDS)
  for j = 1, #records, 2 do
    local id = records[j]
    if id ~= MARK then
      local h = cjson.decode(records[j + 1])
      local until_ms = h.e
      if h.c and h.c > until_ms then until_ms = h.c end
      if h.st == 'HELD' and until_ms > now() then
        for _, seat in ipairs(h.s) do
          if not is_sold[seat] and not ordered[seat] then kept[#kept + 1] = {seat, id, until_ms} end
        end
      end
    end
  end
end

redis.call('DEL', SOLD, SEATS, SEAT_EXP)
if cancelled then redis.call('DEL', USER_HOLDS) end
redis.call('SADD', SOLD, MARK)
redis.call('HSET', SEATS, MARK, version)
redis.call('ZADD', SEAT_EXP, 0, MARK)
if not cancelled then
  for _, seat in ipairs(sold) do
    redis.call('SADD', SOLD, seat)
    redis.call('ZADD', SEAT_EXP, SOLD_SCORE, seat)
  end
  for seat, o in pairs(ordered) do
    redis.call('HSET', SEATS, seat, o[1])
    redis.call('ZADD', SEAT_EXP, o[2], seat)
  end
  for _, k in ipairs(kept) do
    redis.call('HSET', SEATS, k[1], k[2])
    redis.call('ZADD', SEAT_EXP, k[3], k[1])
  end
end
redis.call('HSETNX', HOLDS, MARK, '{}')
redis.call('HSETNX', USER_HOLDS, USER_MARK, MARK)
redis.call('ZADD', HOLD_EXP, 0, MARK)
redis.call('HSET', SHOW, 'init', epoch, 'cancelled', cancelled and '1' or '0', 'applied', version, 'base', version,
  'maxv', version)
apply_room(ARGV[6])
touch()
emit('reset')
for _, key in ipairs(KEYS) do redis.call('PEXPIREAT', key, expire_at) end
return 1
