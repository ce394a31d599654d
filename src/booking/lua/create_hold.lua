-- ARGV: user, hold id, ttl ms, retention ms, seats… → {'OK', expires} | {'TAKEN', seats…} | {'REBUILD'} | {'NOT_BOOKABLE'}
local problem = check_show()
if problem then return {problem} end
prune()
local user, id, ttl, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local wanted = args_from(5)
local previous = redis.call('HGET', USER_HOLDS, user)
local old = previous and load_hold(previous)
-- A hold being ordered is not replaced: its seats stay its own (and count as taken here).
local mine = (old and old.st == 'HELD' and not claimed(old)) and previous or false
local taken = taken_seats(wanted, mine)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
if mine then
  free_seats(previous, old.s)
  old.st = 'RELEASED'
  save_hold(previous, old)
end
local expires = now() + ttl
lock_seats(id, wanted, expires)
save_hold(id, {u = user, s = wanted, e = expires, st = 'HELD'})
redis.call('ZADD', HOLD_EXP, expires + retention, id)
redis.call('HSET', USER_HOLDS, user, id)
touch()
return {'OK', expires}
