-- POST /api/v1/holds over many shows and users (bench/run.sh). Request n holds seat k = (n / S) % 240
-- of show s = n % S for user k: each user has one hold per show, and re-holding the same seat is the
-- user's own seat, so requests succeed and every one of them runs the full locking script.
-- Environment: HOLD_SHOWS (comma-separated show ids of 240-seat screens), HOLD_TOKENS (file, one
-- token per line, line k is user k).
local shows, tokens = {}, {}
local counter = 0

init = function(args)
  for id in string.gmatch(os.getenv("HOLD_SHOWS"), "[^,]+") do shows[#shows + 1] = id end
  for line in io.lines(os.getenv("HOLD_TOKENS")) do tokens[#tokens + 1] = line end
  counter = math.random(0, 1000000)
end

request = function()
  counter = counter + 1
  local show = shows[(counter % #shows) + 1]
  local k = math.floor(counter / #shows) % 240
  local seat = string.char(65 + math.floor(k / 20)) .. tostring(k % 20 + 1)
  local body = '{"showId":"' .. show .. '","seatIds":["' .. seat .. '"],"quantity":1}'
  return wrk.format("POST", "/api/v1/holds",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[k + 1]}, body)
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
