-- An order was cancelled, refunded or expired: its seats are free again. Only seats still owned by
-- this order (or sold to it) are touched.
-- ARGV: order id, was sold (0/1), seat version, seats… → {'OK'}
local owner = 'order:' .. ARGV[1]
local was_sold, version = ARGV[2] == '1', tonumber(ARGV[3])
if not should_apply(version) then return {'OK'} end
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
touch()
emit('freed', nil, freed)
applied(version)
return {'OK'}
