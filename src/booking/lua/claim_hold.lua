-- An order is about to be written for a hold: if the hold is still HELD on Redis's clock, its seats
-- stay the hold's own until `claim ms` from now (longer than any order write may take), even if
-- the hold's own expiry comes first. Nothing is changed when the answer is not OK.
-- ARGV: user, hold id, claim ms → {'OK', hold} | {'NOT_FOUND'} | {'STATE', hold} | {'TAKEN', seats…}
--   | {'REBUILD'} | {'NOT_BOOKABLE'}
local user, id, claim = ARGV[1], ARGV[2], tonumber(ARGV[3])
local h = load_hold(id)
if not h or h.u ~= user then return {'NOT_FOUND'} end
-- A hold that became an order answers so even on a show cancelled since: its order is the answer.
if h.st ~= 'HELD' then return {'STATE', cjson.encode(h)} end
local problem = check_show()
if problem then return {problem} end
-- Its seats are its own unless Redis lost them (and the seat reconciler gave them to an order).
local taken = taken_seats(h.s, id)
if #taken > 0 then
  table.insert(taken, 1, 'TAKEN')
  return taken
end
local until_ms = now() + claim
-- The same hold posted twice at once: the later claim extends the earlier one.
if h.c == nil or h.c < until_ms then h.c = until_ms end
for _, seat in ipairs(h.s) do
  redis.call('HSET', SEATS, seat, id)
  redis.call('ZADD', SEAT_EXP, 'GT', h.c, seat)
end
save_hold(id, h)
-- No touch(): the seats were held and stay held; nobody's seat map changes.
return {'OK', cjson.encode(h)}
