-- Rebuilds what Redis knows of a show's seats from PostgreSQL, the truth: the sold seats, the seats
-- of unpaid orders and whether the show is cancelled, plus the live holds Redis alone knows, except
-- on seats PostgreSQL gives to an order. Used when the show's state is missing (mode 'missing':
-- only if nobody rebuilt it meanwhile) and by the seat reconciler when Redis has fallen behind
-- PostgreSQL (mode 'always'). Every key gets its sentinel and expires a day after the show ends.
-- ARGV: mode, epoch, cancelled (0/1), PostgreSQL's seat version, expire at (ms), number of sold
-- seats, sold seats…, then (seat, owner, expires ms) triples of unpaid orders → 1 rebuilt | 0 not
local mode, epoch, cancelled, version, expire_at = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5]
if mode == 'missing' and redis.call('HGET', SHOW, 'init') then return 0 end

local sold = {}
local nsold = tonumber(ARGV[6])
for i = 7, 6 + nsold do sold[#sold + 1] = ARGV[i] end
local ordered = {}  -- seat → {owner, expires}
local i = 7 + nsold
while i + 2 <= #ARGV do
  ordered[ARGV[i]] = {ARGV[i + 1], ARGV[i + 2]}
  i = i + 3
end
local is_sold = {}
for _, seat in ipairs(sold) do is_sold[seat] = true end

-- Live holds on seats PostgreSQL leaves free keep them.
local kept = {}
if not cancelled then
  local owners = redis.call('HGETALL', SEATS)
  for j = 1, #owners, 2 do
    local seat, owner = owners[j], owners[j + 1]
    if seat ~= MARK and string.sub(owner, 1, 6) ~= 'order:' and not is_sold[seat] and not ordered[seat] then
      local expires = tonumber(redis.call('ZSCORE', SEAT_EXP, seat))
      if expires and expires > now() then kept[#kept + 1] = {seat, owner, expires} end
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
redis.call('HSET', SHOW, 'init', epoch, 'cancelled', cancelled and '1' or '0', 'applied', version)
touch()
for _, key in ipairs(KEYS) do redis.call('PEXPIREAT', key, expire_at) end
return 1
