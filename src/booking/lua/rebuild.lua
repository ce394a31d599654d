-- Loads a show's state from PostgreSQL unless another caller already did.
-- ARGV: cancelled (0/1), number of sold seats, sold seats…, then (seat, owner, expires ms) triples.
if redis.call('HGET', SHOW, 'init') then return 0 end
redis.call('HSET', SHOW, 'init', '1', 'cancelled', ARGV[1])
local sold = tonumber(ARGV[2])
for i = 3, 2 + sold do
  redis.call('SADD', SOLD, ARGV[i])
  redis.call('ZADD', SEAT_EXP, SOLD_SCORE, ARGV[i])
end
local i = 3 + sold
while i + 2 <= #ARGV do
  redis.call('HSET', SEATS, ARGV[i], ARGV[i + 1])
  redis.call('ZADD', SEAT_EXP, ARGV[i + 2], ARGV[i])
  i = i + 3
end
return 1
