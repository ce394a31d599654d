-- A hold became an order: its seats now belong to the order until the order is paid, cancelled or
-- expires. PostgreSQL already committed the order, written while claim_hold.lua's claim kept the
-- seats the hold's own: nobody else can have taken them meanwhile.
-- ARGV: user, hold id, order id, seat expiry ms, seat version, seats… → {'OK'} | {'NOT_FOUND'}
-- No prune() here: holds and their changes do that; this script only moves seats to their order.
local user, id, order, expires, version = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
if not should_apply(version) then return {'OK'} end
local seats = args_from(6)
local h = load_hold(id)
if h and h.u ~= user then return {'NOT_FOUND'} end
if h and h.st == 'HELD' then
  -- The order's seats are overwritten below; only a seat of the hold outside the order is freed.
  local ordered = {}
  for _, seat in ipairs(seats) do ordered[seat] = true end
  local others = {}
  for _, seat in ipairs(h.s) do
    if not ordered[seat] then others[#others + 1] = seat end
  end
  emit('released', nil, free_seats(id, others))
end
-- A show cancelled since the order committed has freed every seat already (and cancelled the order
-- in PostgreSQL): nothing to lock.
if redis.call('HGET', SHOW, 'cancelled') ~= '1' then
  -- Seats the hold no longer had (its claim lapsed and they expired) become held again: say so.
  local fresh = {}
  for _, seat in ipairs(seats) do
    if not h or live_owner(seat) ~= id then fresh[#fresh + 1] = seat end
  end
  lock_seats('order:' .. order, seats, expires)
  emit('held', fresh)
end
if h then
  h.st = 'CONVERTED'
  h.o = order
  save_hold(id, h)
  if redis.call('HGET', USER_HOLDS, user) == id then redis.call('HDEL', USER_HOLDS, user) end
end
touch()
applied(version)
return {'OK'}
