-- An admin's change to the waiting room, after PostgreSQL committed it.
-- ARGV: the settings in apply_room's form → 1 applied | 0 Redis has them already (or newer) | {'REBUILD'}
-- (A missing state is rebuilt from PostgreSQL, settings included, before this runs again.)
if not redis.call('HGET', SHOW, 'init') or not keys_there() then return {'REBUILD'} end
local applied = apply_room(ARGV[1])
if applied then expire_room_keys() end
return {applied and 1 or 0}
