-- A paid order: its seats are sold for good.
-- ARGV: order id, seats… → {'OK'}
local owner = 'order:' .. ARGV[1]
for i = 2, #ARGV do
  local seat = ARGV[i]
  if redis.call('HGET', SEATS, seat) == owner then redis.call('HDEL', SEATS, seat) end
  redis.call('SADD', SOLD, seat)
  redis.call('ZADD', SEAT_EXP, SOLD_SCORE, seat)
end
touch()
applied()
return {'OK'}
