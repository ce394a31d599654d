-- The show was cancelled: nothing can be held any more, and every seat is free (its orders were
-- cancelled or refunded in PostgreSQL). Hold records stay readable.
-- ARGV: a fresh epoch → {'OK'}
redis.call('DEL', SOLD, SEATS, SEAT_EXP, USER_HOLDS)
redis.call('HSET', SHOW, 'init', ARGV[1], 'cancelled', '1')
touch()
return {'OK'}
