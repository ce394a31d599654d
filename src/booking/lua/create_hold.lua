-- ARGV: user, hold id, ttl ms, retention ms, admission number ('' for none), seats…
-- → {'OK', expires} | {'TAKEN', seats…} | {'REBUILD'} | {'NOT_BOOKABLE'} | {'ADMISSION_…'}
local problem = check_show()
if problem then return {problem} end
prune()
local user, id, ttl, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local wanted = args_from(6)
local refused = room_refusal(user, ARGV[5])
if refused then return {refused} end
-- A hold being ordered is not replaced: its seats stay its own (and count as taken here).
local mine, old = replaceable_hold(user)
local taken = taken_seats(wanted, mine)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
return {'OK', grant_hold(user, id, ttl, retention, wanted, mine, old, use_admission(user))}
