-- A paid order: its seats are sold for good.
-- ARGV: order id, seat version, seats… → {'OK'}
local owner, version = 'order:' .. ARGV[1], tonumber(ARGV[2])
if not should_apply(version) then return {'OK'} end
for i = 3, #ARGV do
  local seat = ARGV[i]
  if redis.call('HGET', SEATS, seat) == owner then redis.call('HDEL', SEATS, seat) end
  redis.call('SADD', SOLD, seat)
  redis.call('ZADD', SEAT_EXP, SOLD_SCORE, seat)
end
touch()
emit('sold', nil, nil, args_from(3))
applied(version)
return {'OK'}
