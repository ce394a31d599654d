-- An order was cancelled, refunded or expired: its seats are free again. Only seats still owned by
-- this order (or sold to it) are touched.
-- ARGV: order id, was sold (0/1), seat version, seats… → {'OK'}
-- Seat version -1: a repeat, by a request that found the order already ended, of a change whose own
-- step (with its version, counted) the process that committed it sends and may not have landed yet.
-- It frees what is still the order's and counts nothing: the own step, landing after, finds nothing
-- left to free and is counted as usual. A repeat frees only seats the order held, never sold ones:
-- SOLD does not say whose a seat is, and a refunded seat may have been sold again since.
local owner = 'order:' .. ARGV[1]
local version = tonumber(ARGV[3])
local is_repeat = version < 0
local was_sold = ARGV[2] == '1' and not is_repeat
if is_repeat then
  if not state_whole() then return {'OK'} end
elseif not should_apply(version) then return {'OK'} end
local freed = {}
for i = 4, #ARGV do
  local seat = ARGV[i]
  if redis.call('HGET', SEATS, seat) == owner then
    redis.call('HDEL', SEATS, seat)
    redis.call('ZREM', SEAT_EXP, seat)
    freed[#freed + 1] = seat
  elseif was_sold and redis.call('SREM', SOLD, seat) == 1 then
    redis.call('ZREM', SEAT_EXP, seat)
    freed[#freed + 1] = seat
  end
end
if #freed > 0 or not is_repeat then touch() end
emit('freed', nil, freed)
if not is_repeat then applied(version) end
return {'OK'}
