-- Best available: `quantity` adjacent free seats of one row, the best the show has, for a new hold.
-- ARGV: user, hold id, ttl ms, retention ms, admission number ('' for none), quantity, rows in the
-- screen, lowest and highest seat number of the screen, then the candidate rows (the wanted seat
-- type's, front to back), each "index label n1 n2 …" with its seat numbers ascending
-- → {'OK', expires, seats…} | {'NONE'} | {'REBUILD'} | {'NOT_BOOKABLE'} | {'ADMISSION_…'}
--
-- The best zone is the middle of the screen's width, two thirds of the way back (where the whole
-- screen fills the eye without turning the head). A block's distance from it is measured in metres,
-- taking a row as 1 m deep and a seat as 0.55 m wide; the nearest block wins, ties to the front.
-- Seats are adjacent when their numbers are consecutive: a missing number is an aisle. A block that
-- would leave a lone free seat (free, with no free neighbour) beside it is chosen only when every
-- block does.
local problem = check_show()
if problem then return {problem} end
prune()
local user, id, ttl, retention = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local refused = room_refusal(user, ARGV[5])
if refused then return {refused} end
local quantity, screen_rows = tonumber(ARGV[6]), tonumber(ARGV[7])
local lowest, highest = tonumber(ARGV[8]), tonumber(ARGV[9])
local ROW_DEPTH_M, SEAT_WIDTH_M = 1.0, 0.55
local best_row, middle = (screen_rows - 1) * 2 / 3, (lowest + highest) / 2

local mine, old = replaceable_hold(user)
local own = {}
if mine then
  for _, seat in ipairs(old.s) do own[seat] = true end
end

local rows, all = {}, {}
for i = 10, #ARGV do
  local fields = {}
  for f in string.gmatch(ARGV[i], '%S+') do fields[#fields + 1] = f end
  local row = {index = tonumber(fields[1]), numbers = {}, seats = {}}
  for j = 3, #fields do
    row.numbers[#row.numbers + 1] = tonumber(fields[j])
    row.seats[#row.seats + 1] = fields[2] .. fields[j]
    all[#all + 1] = fields[2] .. fields[j]
  end
  rows[#rows + 1] = row
end

-- Every candidate seat's state in two commands per thousand seats: held and sold seats both have
-- an expiry score above now (sold ones far above); the SOLD set is asked too, as taken_seats does.
local free = {}
local CHUNK = 1000
for first = 1, #all, CHUNK do
  local last = math.min(first + CHUNK - 1, #all)
  local chunk = {unpack(all, first, last)}
  local expiries = redis.call('ZMSCORE', SEAT_EXP, unpack(chunk))
  local sold = redis.call('SMISMEMBER', SOLD, unpack(chunk))
  for k, seat in ipairs(chunk) do
    local held = expiries[k] and tonumber(expiries[k]) > now()
    if held and own[seat] then held = redis.call('HGET', SEATS, seat) ~= mine end
    free[seat] = sold[k] == 0 and not held
  end
end

-- Whether seat j of the row is free (false beyond either end).
local function free_at(row, j)
  return j >= 1 and j <= #row.seats and free[row.seats[j]]
end
local function adjacent(row, j, k)
  return row.numbers[j] ~= nil and row.numbers[k] ~= nil and math.abs(row.numbers[j] - row.numbers[k]) == 1
end
-- Whether taking seats first..last leaves the free seat at j (just outside them) alone.
local function leaves_lone_seat(row, j, outward)
  if not free_at(row, j) or not adjacent(row, j, j - outward) then return false end
  return not (adjacent(row, j, j + outward) and free_at(row, j + outward))
end

local best, best_lone, best_distance = nil, nil, nil
for _, row in ipairs(rows) do
  local run = 0  -- free adjacent seats ending at j
  for j = 1, #row.seats do
    if free_at(row, j) and (run == 0 or adjacent(row, j, j - 1)) then run = run + 1
    elseif free_at(row, j) then run = 1
    else run = 0 end
    if run >= quantity then
      local first = j - quantity + 1
      local lone = leaves_lone_seat(row, first - 1, -1) or leaves_lone_seat(row, j + 1, 1)
      local dx = ((row.numbers[first] + row.numbers[j]) / 2 - middle) * SEAT_WIDTH_M
      local dy = (row.index - best_row) * ROW_DEPTH_M
      local distance = dx * dx + dy * dy
      if best == nil or (best_lone and not lone) or (lone == best_lone and distance < best_distance) then
        best, best_lone, best_distance = {row = row, first = first, last = j}, lone, distance
      end
    end
  end
end
if not best then return {'NONE'} end

local wanted = {unpack(best.row.seats, best.first, best.last)}
local reply = {'OK', grant_hold(user, id, ttl, retention, wanted, mine, old, use_admission(user))}
for _, seat in ipairs(wanted) do reply[#reply + 1] = seat end
return reply
