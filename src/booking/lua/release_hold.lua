-- ARGV: user, hold id → {'OK', hold} | {'NOT_FOUND'} | {'STATE', hold} | {'CLAIMED'} | {'REBUILD'}
-- (A cancelled show's holds can be released too: no check_show(), only that the state is whole.)
if not redis.call('HGET', SHOW, 'init') or not keys_there() then return {'REBUILD'} end
prune()
local user, id = ARGV[1], ARGV[2]
local h = load_hold(id)
if not h or h.u ~= user then return {'NOT_FOUND'} end
if h.st == 'CONVERTED' then return {'STATE', cjson.encode(h)} end
if claimed(h) then return {'CLAIMED'} end
if h.st == 'HELD' then
  local freed = free_seats(id, h.s)
  h.st = 'RELEASED'
  save_hold(id, h)
  if redis.call('HGET', USER_HOLDS, user) == id then redis.call('HDEL', USER_HOLDS, user) end
  touch()
  emit('released', nil, freed)
end
return {'OK', cjson.encode(h)}
