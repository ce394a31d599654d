-- Loads a show's state from PostgreSQL unless another caller already did.
-- ARGV: a fresh epoch, cancelled (0/1), number of sold seats, sold seats…, then (seat, owner,
-- expires ms) triples. The epoch (stored as init) tells seat-map caches that the state was rebuilt.
if redis.call('HGET', SHOW, 'init') then return 0 end
redis.call('HSET', SHOW, 'init', ARGV[1], 'cancelled', ARGV[2], 'v', 0)
local sold = tonumber(ARGV[3])
for i = 4, 3 + sold do
  redis.call('SADD', SOLD, ARGV[i])
  redis.call('ZADD', SEAT_EXP, SOLD_SCORE, ARGV[i])
end
local i = 4 + sold
while i + 2 <= #ARGV do
  redis.call('HSET', SEATS, ARGV[i], ARGV[i + 1])
  redis.call('ZADD', SEAT_EXP, ARGV[i + 2], ARGV[i])
  i = i + 3
end
return 1
