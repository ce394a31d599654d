-- ARGV: user, hold id, seats… → {'OK', hold} | {'TAKEN', seats…} | {'NOT_FOUND'} | {'STATE', hold}
--   | {'CLAIMED'} | {'REBUILD'} | {'NOT_BOOKABLE'} | {'ADMISSION_REQUIRED_TO_CHANGE'}
local problem = check_show()
if problem then return {problem} end
prune()
local user, id = ARGV[1], ARGV[2]
local h = load_hold(id)
if not h or h.u ~= user then return {'NOT_FOUND'} end
if h.st ~= 'HELD' then return {'STATE', cjson.encode(h)} end
if claimed(h) then return {'CLAIMED'} end
-- A hold that came through the waiting room may change its seats; one made before the room was on
-- may not, while it is (it would take seats past the line).
if room_on and not h.r then return {'ADMISSION_REQUIRED_TO_CHANGE'} end
local wanted = args_from(3)
local taken = taken_seats(wanted, id)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
local freed = without(free_seats(id, h.s), wanted)
lock_seats(id, wanted, h.e)
h.s = wanted
save_hold(id, h)
touch()
emit('held', wanted, freed)
return {'OK', cjson.encode(h)}
